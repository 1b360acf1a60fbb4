using System;
using Messaging.WhatsApp;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Monitors the state of the senders' instances: polling, state notifications, handlers and health checks.</summary>
public static class WhatsAppInstanceMonitoringExtensions
{
    /// <summary>
    /// Keeps this sender's instance state known (<c>InstanceStatus</c> on the provider's sender): a hosted service asks the
    /// gateway's state operation when the host starts and then every <see cref="WhatsAppInstanceMonitoringOptions.PollInterval"/>
    /// (default 1 minute; backing off on errors), and the gateway's state notifications update it as they arrive
    /// (GREEN-API <c>stateInstanceChanged</c>, Maytapi <c>status</c>, when the app receives them by webhook or polling).
    /// Changes reach the <see cref="IWhatsAppInstanceStateHandler"/>s and the <c>whatsapp.instances</c> metric; the sender's
    /// <see cref="WhatsAppSenderOptions.FailFastWhenUnableToSend"/> acts on it.
    /// </summary>
    /// <typeparam name="TBuilder">The provider's builder.</typeparam>
    /// <param name="builder">What <c>AddGreenApi</c> or <c>AddMaytapi</c> returned.</param>
    /// <param name="configure">Adjusts the monitoring; optional.</param>
    /// <returns>The builder.</returns>
    public static TBuilder AddInstanceStateMonitoring<TBuilder>(this TBuilder builder, Action<WhatsAppInstanceMonitoringOptions>? configure = null)
        where TBuilder : WhatsAppSenderBuilder
    {
        Guard.NotNull(builder);
        InstanceMonitoring.Of(builder.Services).Add(builder.Services, builder.Provider, builder.RegistrationName, configure);
        return builder;
    }

    /// <summary>
    /// Registers <typeparamref name="THandler"/> (scoped: one instance per change) to be told of each change of a monitored
    /// instance's state. A handler that throws is logged; monitoring and the other handlers go on.
    /// </summary>
    /// <typeparam name="THandler">The handler.</typeparam>
    /// <param name="services">The services.</param>
    /// <returns>The services.</returns>
    public static IServiceCollection AddWhatsAppInstanceStateHandler<THandler>(this IServiceCollection services)
        where THandler : class, IWhatsAppInstanceStateHandler
    {
        Guard.NotNull(services);
        services.AddScoped<IWhatsAppInstanceStateHandler, THandler>();
        return services;
    }

    /// <summary>
    /// Adds one health check per registered sender, named <c>whatsapp-&lt;provider&gt;</c> (or
    /// <c>whatsapp-&lt;provider&gt;-&lt;name&gt;</c> for a named one) and tagged <c>whatsapp</c> and the provider's name, and
    /// monitors every sender's instance (with its own <c>AddInstanceStateMonitoring</c> options, or the defaults). Healthy:
    /// ready. Degraded: starting, disconnected, unknown, not learned yet, or learned longer than the sender's
    /// <see cref="WhatsAppSenderOptions.StateTrustWindow"/> ago. Unhealthy: logged out, restricted, blocked or disabled, or
    /// credentials the gateway refuses. The checks read the known state and never call the gateway themselves.
    /// </summary>
    /// <param name="builder">What <c>services.AddHealthChecks()</c> returned.</param>
    /// <returns>The builder.</returns>
    public static IHealthChecksBuilder AddWhatsAppInstances(this IHealthChecksBuilder builder)
    {
        Guard.NotNull(builder);
        InstanceMonitoring.Of(builder.Services).MonitorAll();
        var names = SenderNames.Of(builder.Services);
        builder.Services.Configure<HealthCheckServiceOptions>(options =>
        {
            foreach (var (name, provider, _) in names.All)
            {
                options.Registrations.Add(new HealthCheckRegistration(
                    "whatsapp-" + provider.Name + (name.Length == 0 ? string.Empty : "-" + name),
                    services => new WhatsAppInstanceHealthCheck(Monitor(services, provider, name)),
                    failureStatus: null,
                    tags: ["whatsapp", provider.Name]));
            }
        });
        return builder;
    }

    private static InstanceStateMonitor Monitor(IServiceProvider services, WhatsAppProvider provider, string name)
    {
        foreach (var sender in services.GetRequiredService<MonitoredSenders>().Senders)
        {
            if (sender.Provider.Equals(provider) && sender.RegistrationName == name)
            {
                return sender.Source.InstanceState;
            }
        }

        throw new InvalidOperationException($"The {provider.DisplayName} sender '{name}' cannot report its instance state.");
    }
}
