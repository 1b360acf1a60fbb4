using System;
using System.Net.Http;
using System.Threading;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Messaging.WhatsApp;

/// <summary>
/// The registration every provider shares: named options validated at startup, an IHttpClientFactory
/// client with redacted logging and the configured timeout, and the sender as a singleton (keyed when
/// named). The client does not inherit host-wide handlers that resend (<see cref="HostHandlers"/>), and its
/// primary handler, whatever it ends up being, sits behind the <see cref="OutboundHandler"/>
/// (<see cref="OutboundHandlerFilter"/>), which alone ever holds the credential.
/// </summary>
internal static class SenderRegistration
{
    public static IHttpClientBuilder Add<TOptions, TClient, TSender>(
        IServiceCollection services,
        string name,
        Action<OptionsBuilder<TOptions>> configure,
        SenderDefinition<TOptions, TClient> definition,
        Func<SenderCore<TOptions, TClient>, TSender> createSender)
        where TOptions : WhatsAppSenderOptions
        where TClient : class
        where TSender : class, IWhatsAppSender
    {
        Guard.NotNull(services);
        var options = services.AddOptions<TOptions>(name);
        configure(options);
        options.ValidateOnStart();
        // Per name: another registration of the same options type (a webhook-only instance) is not a sender.
        services.AddSingleton<IValidateOptions<TOptions>>(new NamedOptionsValidator<TOptions>(name, definition.Validator.Validate));
        services.TryAddSingleton(TimeProvider.System);

        var clientName = string.IsNullOrEmpty(name) ? definition.HttpClientName : definition.HttpClientName + ":" + name;
        TOptions Get(IServiceProvider sp) => sp.GetRequiredService<IOptionsMonitor<TOptions>>().Get(name);

        // The factory runs this on every CreateClient: the base address is built once per options instance
        // rather than parsed again each time.
        Tuple<TOptions, Uri>? baseAddress = null;
        var builder = services
            .AddHttpClient(clientName, (sp, http) =>
            {
                var o = Get(sp);
                var cached = Volatile.Read(ref baseAddress);
                if (cached is null || !ReferenceEquals(cached.Item1, o))
                {
                    cached = Tuple.Create(o, o.BaseAddress());
                    Volatile.Write(ref baseAddress, cached);
                }

                SenderHttp.Configure(http, cached.Item2, o.Timeout);
            })
            // First of this client's handler actions, so it sees exactly the host-wide handlers.
            .ConfigureAdditionalHttpMessageHandlers((handlers, _) => HostHandlers.RemoveResending(handlers))
            .ConfigurePrimaryHttpMessageHandler(PrimaryHandlers.Create)
            // IHttpClientFactory's own loggers write the request path at Information; this one redacts.
            .RemoveAllLoggers()
            .AddHttpMessageHandler(sp => new RedactingLoggingHandler(
                sp.GetRequiredService<ILoggerFactory>().CreateLogger(definition.HttpClientName + ".Http"),
                new SecretRedactor([Get(sp).Secret().Value])));
        services.Configure<OutboundClientOptions>(clientName, o => o.Secret = sp => Get(sp).Secret());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHttpMessageHandlerBuilderFilter, OutboundHandlerFilter>());

        TSender Create(IServiceProvider sp)
        {
            var factory = sp.GetRequiredService<IHttpClientFactory>();
            var createLimiter = sp.GetRequiredService<IOptionsMonitor<SenderRateLimiterOptions>>().Get(clientName).Create;
            var core = new SenderCore<TOptions, TClient>(
                definition,
                Get(sp),
                () => factory.CreateClient(clientName),
                sp.GetRequiredService<ILoggerFactory>().CreateLogger(definition.HttpClientName),
                sp.GetRequiredService<TimeProvider>(),
                registrationName: name,
                createLimiter: createLimiter is null ? null : context => createLimiter(sp, context),
                recorder: sp.GetService<IWhatsAppSendRecorder>());
            core.InstanceState.Changed = InstanceStateHandlers.Dispatcher(
                sp.GetRequiredService<IServiceScopeFactory>(), sp.GetRequiredService<ILoggerFactory>().CreateLogger("Messaging.WhatsApp.Health"));
            return createSender(core);
        }

        // The neutral interface of a name is registered once, and fails to resolve when two gateways share the name.
        var names = SenderNames.Of(services);
        var first = names.Add(name, definition.Provider, typeof(TSender));
        if (string.IsNullOrEmpty(name))
        {
            services.AddSingleton(Create);
            if (first)
            {
                services.AddSingleton<IWhatsAppSender>(sp => names.Resolve(sp, string.Empty));
            }
        }
        else
        {
            services.AddKeyedSingleton(name, (sp, _) => Create(sp));
            if (first)
            {
                services.AddKeyedSingleton<IWhatsAppSender>(name, (sp, _) => names.Resolve(sp, name));
            }
        }

        return builder;
    }
}
