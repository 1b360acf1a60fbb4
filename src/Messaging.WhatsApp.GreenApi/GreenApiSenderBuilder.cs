using System;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Messaging.WhatsApp.GreenApi;

/// <summary>What <c>AddGreenApi</c> returns: the sender's builder, plus GREEN-API's receiving by polling.</summary>
public sealed class GreenApiSenderBuilder : WhatsAppSenderBuilder
{
    internal GreenApiSenderBuilder(IHttpClientBuilder http, string registrationName)
        : base(http, GreenApiOptions.Provider, registrationName)
    {
    }

    /// <summary>
    /// Receives this instance's notifications without a public URL: a hosted service fetches them one at a time
    /// with receiveNotification (a long poll), hands each to the app's handlers (<c>AddWhatsAppUpdateHandler</c>)
    /// and deletes it with deleteNotification only after every handler returned, so that none is lost (at least
    /// once: a notification whose deletion fails comes again). GREEN-API delivers to polling only while the
    /// instance has no webhook URL set.
    /// </summary>
    /// <param name="configure">Adjusts the polling; optional.</param>
    /// <returns>This builder.</returns>
    public GreenApiSenderBuilder AddNotificationPolling(Action<GreenApiPollingOptions>? configure = null)
    {
        var name = RegistrationName;
        var polling = Services.AddOptions<GreenApiPollingOptions>(name);
        if (configure is not null)
        {
            polling.Configure(configure);
        }

        polling.ValidateOnStart();
        Services.AddSingleton<IValidateOptions<GreenApiPollingOptions>>(new NamedOptionsValidator<GreenApiPollingOptions>(name, (n, o) => o.Validate(n)));
        ReceiverRegistration.AddDispatching(Services);
        Services.AddSingleton<IHostedService>(sp => new GreenApiNotificationPoller(
            name,
            name.Length == 0 ? sp.GetRequiredService<IGreenApiSender>() : sp.GetRequiredKeyedService<IGreenApiSender>(name),
            sp.GetRequiredService<IOptionsMonitor<GreenApiPollingOptions>>().Get(name),
            sp.GetRequiredService<NotificationDispatcher>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILoggerFactory>().CreateLogger("Messaging.WhatsApp.Receiving")));
        return this;
    }
}
