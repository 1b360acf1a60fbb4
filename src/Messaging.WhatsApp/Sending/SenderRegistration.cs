using System;
using System.Net.Http;
using System.Threading;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Messaging.WhatsApp;

/// <summary>What a provider tells <see cref="SenderRegistration"/> about itself.</summary>
/// <typeparam name="TOptions">The provider's options.</typeparam>
/// <typeparam name="TSender">The provider's sender interface.</typeparam>
internal sealed record SenderRegistrationSpec<TOptions, TSender>(
    string HttpClientName,
    Func<TOptions, Uri> BaseAddress,
    Func<TOptions, TimeSpan> Timeout,
    Func<TOptions, RequestSecret> Secret,
    Func<Func<HttpClient>, TOptions, ILogger, TimeProvider, TSender> Create)
    where TOptions : class
    where TSender : class, IWhatsAppSender;

/// <summary>
/// The registration both providers share: named options validated at startup, an IHttpClientFactory
/// client with redacted logging and the configured timeout, and the sender as a singleton (keyed when
/// named). The client does not inherit host-wide handlers that resend (<see cref="HostHandlers"/>), and its
/// primary handler, whatever it ends up being, sits behind the <see cref="OutboundHandler"/>
/// (<see cref="OutboundHandlerFilter"/>), which alone ever holds the credential.
/// </summary>
internal static class SenderRegistration
{
    public static IHttpClientBuilder Add<TOptions, TSender, TValidator>(
        IServiceCollection services,
        string name,
        Action<OptionsBuilder<TOptions>> configure,
        SenderRegistrationSpec<TOptions, TSender> spec)
        where TOptions : class
        where TSender : class, IWhatsAppSender
        where TValidator : class, IValidateOptions<TOptions>
    {
        Guard.NotNull(services);
        var options = services.AddOptions<TOptions>(name);
        configure(options);
        options.ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<TOptions>, TValidator>());
        services.TryAddSingleton(TimeProvider.System);

        var clientName = string.IsNullOrEmpty(name) ? spec.HttpClientName : spec.HttpClientName + ":" + name;
        TOptions Get(IServiceProvider sp) => sp.GetRequiredService<IOptionsMonitor<TOptions>>().Get(name);

        // IHttpClientFactory's own loggers write the request path at Information, and the GREEN-API token is
        // a path segment: they are replaced by one that redacts.
        // The factory runs this on every CreateClient, that is on every send: the base address is built
        // once per options instance rather than parsed again each time.
        Tuple<TOptions, Uri>? baseAddress = null;
        var builder = services
            .AddHttpClient(clientName, (sp, http) =>
            {
                var o = Get(sp);
                var cached = Volatile.Read(ref baseAddress);
                if (cached is null || !ReferenceEquals(cached.Item1, o))
                {
                    cached = Tuple.Create(o, spec.BaseAddress(o));
                    Volatile.Write(ref baseAddress, cached);
                }

                SenderHttp.Configure(http, cached.Item2, spec.Timeout(o));
            })
            // First of this client's handler actions, so it sees exactly the host-wide handlers.
            .ConfigureAdditionalHttpMessageHandlers((handlers, _) => HostHandlers.RemoveResending(handlers))
            .ConfigurePrimaryHttpMessageHandler(PrimaryHandlers.Create)
            .RemoveAllLoggers()
            .AddHttpMessageHandler(sp => new RedactingLoggingHandler(
                sp.GetRequiredService<ILoggerFactory>().CreateLogger(spec.HttpClientName + ".Http"),
                new SecretRedactor([spec.Secret(Get(sp)).Value])));
        services.Configure<OutboundClientOptions>(clientName, o => o.Secret = sp => spec.Secret(Get(sp)));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<Microsoft.Extensions.Http.IHttpMessageHandlerBuilderFilter, OutboundHandlerFilter>());

        TSender Create(IServiceProvider sp)
        {
            var factory = sp.GetRequiredService<IHttpClientFactory>();
            return spec.Create(
                () => factory.CreateClient(clientName),
                Get(sp),
                sp.GetRequiredService<ILoggerFactory>().CreateLogger(spec.HttpClientName),
                sp.GetRequiredService<TimeProvider>());
        }

        if (string.IsNullOrEmpty(name))
        {
            services.AddSingleton(Create);
            services.AddSingleton<IWhatsAppSender>(sp => sp.GetRequiredService<TSender>());
        }
        else
        {
            services.AddKeyedSingleton(name, (sp, _) => Create(sp));
            services.AddKeyedSingleton<IWhatsAppSender>(name, (sp, key) => sp.GetRequiredKeyedService<TSender>(key));
        }

        return builder;
    }
}
