using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Messaging.WhatsApp;

/// <summary>
/// Which senders' instances are monitored: those whose builder called <c>AddInstanceStateMonitoring</c>, or every sender
/// once <c>AddWhatsAppInstances</c> asked for a health check of each. The first use registers what monitoring needs
/// once: the poll (one hosted service for every instance), the handler that feeds the state notifications in, and the
/// list of monitored senders.
/// </summary>
internal sealed class InstanceMonitoring
{
    private readonly HashSet<string> _explicit = new(StringComparer.Ordinal);

    private InstanceMonitoring()
    {
    }

    /// <summary>True once every sender is monitored.</summary>
    public bool All { get; private set; }

    /// <summary>The registry of <paramref name="services"/>, added with what monitoring needs on first use.</summary>
    public static InstanceMonitoring Of(IServiceCollection services)
    {
        if (services.FirstOrDefault(d => d.ServiceType == typeof(InstanceMonitoring) && !d.IsKeyedService)?.ImplementationInstance is InstanceMonitoring monitoring)
        {
            return monitoring;
        }

        monitoring = new InstanceMonitoring();
        services.AddSingleton(monitoring);
        SenderNames.Of(services);
        services.AddLogging();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<MonitoredSenders>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, InstanceStatePoller>());
        services.TryAddEnumerable(ServiceDescriptor.Scoped<IWhatsAppNotificationHandler<object>, InstanceStateNotifications>());
        return monitoring;
    }

    /// <summary>The name of a sender's <see cref="WhatsAppInstanceMonitoringOptions"/>: <c>green-api:sales</c>.</summary>
    public static string OptionsName(WhatsAppProvider provider, string registrationName) => provider.Name + ":" + registrationName;

    /// <summary>Monitors the sender registered under <paramref name="registrationName"/> with its own options.</summary>
    public void Add(IServiceCollection services, WhatsAppProvider provider, string registrationName, Action<WhatsAppInstanceMonitoringOptions>? configure)
    {
        var name = OptionsName(provider, registrationName);
        var options = services.AddOptions<WhatsAppInstanceMonitoringOptions>(name);
        if (configure is not null)
        {
            options.Configure(configure);
        }

        if (_explicit.Add(name))
        {
            options.ValidateOnStart();
            var prefix = $"{provider.DisplayName}{(registrationName.Length == 0 ? string.Empty : "[" + registrationName + "]")} instance monitoring: ";
            services.AddSingleton<IValidateOptions<WhatsAppInstanceMonitoringOptions>>(new NamedOptionsValidator<WhatsAppInstanceMonitoringOptions>(
                name, (_, o) => o.Validate(prefix) is { } problem ? ValidateOptionsResult.Fail(problem) : ValidateOptionsResult.Success));
        }
    }

    /// <summary>Monitors every sender, those without options of their own with the defaults.</summary>
    public void MonitorAll() => All = true;

    public bool IsMonitored(WhatsAppProvider provider, string registrationName) =>
        All || _explicit.Contains(OptionsName(provider, registrationName));
}

/// <summary>One monitored sender: its registration, its state source and its monitoring options.</summary>
internal sealed record MonitoredSender(string RegistrationName, WhatsAppProvider Provider, IInstanceStateSource Source, WhatsAppInstanceMonitoringOptions Options);

/// <summary>
/// The monitored senders, resolved once. A poll interval that is not shorter than the sender's StateTrustWindow is
/// refused here, when the host starts: the state would go stale between two polls.
/// </summary>
internal sealed class MonitoredSenders
{
    public MonitoredSenders(IServiceProvider services, SenderNames names, InstanceMonitoring monitoring, IOptionsMonitor<WhatsAppInstanceMonitoringOptions> options)
    {
        var senders = new List<MonitoredSender>();
        foreach (var (name, provider, type) in names.All)
        {
            if (!monitoring.IsMonitored(provider, name)
                || (name.Length == 0 ? services.GetRequiredService(type) : services.GetRequiredKeyedService(type, name)) is not IInstanceStateSource source)
            {
                continue;
            }

            var o = options.Get(InstanceMonitoring.OptionsName(provider, name));
            if (o.PollInterval >= source.InstanceState.TrustWindow)
            {
                throw new InvalidOperationException(
                    $"{provider.DisplayName}{(name.Length == 0 ? string.Empty : "[" + name + "]")}: the instance monitoring's PollInterval ({o.PollInterval.TotalSeconds:0} s) must be shorter than the sender's StateTrustWindow ({source.InstanceState.TrustWindow.TotalSeconds:0} s), or the state goes stale between two polls.");
            }

            senders.Add(new MonitoredSender(name, provider, source, o));
        }

        Senders = senders;
    }

    public IReadOnlyList<MonitoredSender> Senders { get; }
}
