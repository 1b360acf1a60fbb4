using System;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.Logging;

namespace Messaging.WhatsApp;

/// <summary>How a webhook request ended, for the endpoint to answer with a status code.</summary>
internal enum WebhookOutcome
{
    /// <summary>Read and handled (an unknown type included): 200.</summary>
    Handled,

    /// <summary>Not one JSON object, or a known type that breaks its schema: 400.</summary>
    Malformed,

    /// <summary>A handler threw: 500, so that the gateway delivers it again.</summary>
    HandlerFailed,
}

/// <summary>
/// One registered webhook: a provider instance the app receives notifications for. The ASP.NET Core package
/// maps one endpoint per receiver; everything it does between reading the request and answering is here, so
/// that any host can reuse it.
/// </summary>
internal sealed partial class WebhookReceiver
{
    /// <summary>The largest body read: 1 MiB, far above any notification a sender needs (they are under 2 KB).</summary>
    public const int MaxBodyBytes = 1024 * 1024;

    private readonly Func<WebhookCredential> _credential;
    private readonly NotificationReader _reader;
    private readonly NotificationDispatcher _dispatcher;
    private readonly ILogger _logger;

    public WebhookReceiver(
        WhatsAppProvider provider,
        string registrationName,
        WebhookCredentialPlace credentialPlace,
        Func<WebhookCredential> credential,
        NotificationReader reader,
        NotificationDispatcher dispatcher,
        ILogger logger)
    {
        Provider = provider;
        RegistrationName = registrationName;
        CredentialPlace = credentialPlace;
        _credential = credential;
        _reader = reader;
        _dispatcher = dispatcher;
        _logger = logger;
    }

    public WhatsAppProvider Provider { get; }

    /// <summary>The name the instance was registered under: "" for the default one.</summary>
    public string RegistrationName { get; }

    public WebhookCredentialPlace CredentialPlace { get; }

    /// <summary>
    /// The endpoint's path below the app's prefix, without the secret: <c>&lt;provider&gt;</c>, or
    /// <c>&lt;provider&gt;/&lt;name&gt;</c> for a named instance.
    /// </summary>
    public string Path => RegistrationName.Length == 0 ? Provider.Name : Provider.Name + "/" + Uri.EscapeDataString(RegistrationName);

    /// <summary>
    /// The URL to paste into the gateway's console, for an endpoint mapped at <paramref name="baseUrl"/> (the
    /// app's public address and prefix). For a secret query parameter it contains the secret: show it to the person
    /// configuring the gateway, never log it.
    /// </summary>
    public string UrlToConfigure(string baseUrl) =>
        baseUrl.TrimEnd('/') + "/" + Path
        + (CredentialPlace == WebhookCredentialPlace.QueryParameter ? "?" + WebhookCredential.QueryParameterName + "=" + Uri.EscapeDataString(_credential().Secret) : string.Empty);

    /// <summary>The secret, for redacting text it could appear in.</summary>
    public string Secret => _credential().Secret;

    /// <summary>Whether the request presents the secret: the <c>Authorization</c> header, or the query parameter.</summary>
    public bool Authenticate(string? presented) => _credential().Matches(presented);

    /// <summary>Counts a request refused before its body was read (unauthorized, too_large).</summary>
    public void Refused(string outcome)
    {
        WhatsAppTelemetry.Refused(Provider, WhatsAppReceiveChannel.Webhook, outcome);
        LogRefused(_logger, Provider.DisplayName, outcome);
    }

    /// <summary>Reads the body and hands it to the app's handlers.</summary>
    public async Task<WebhookOutcome> ReceiveAsync(byte[] body, CancellationToken cancellationToken)
    {
        NotificationBatch batch;
        try
        {
            batch = _reader(body, RegistrationName);
        }
        catch (NotificationFormatException e)
        {
            WhatsAppTelemetry.Refused(Provider, WhatsAppReceiveChannel.Webhook, "malformed");
            LogUnreadable(_logger, Provider.DisplayName, new SecretRedactor([Secret]).Redact(e.Message));
            return WebhookOutcome.Malformed;
        }

        batch.LogIgnored(_logger, Provider, WhatsAppReceiveChannel.Webhook);
        var context = new WhatsAppNotificationContext(Provider, RegistrationName, WhatsAppReceiveChannel.Webhook, batch.Type, batch.Updates) { KnownType = batch.Known };
        try
        {
            await _dispatcher.DispatchAsync(context, batch.Notification, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (!(e is OperationCanceledException && cancellationToken.IsCancellationRequested))
        {
            LogHandlerFailed(_logger, e, Provider.DisplayName, context.TelemetryType);
            return WebhookOutcome.HandlerFailed;
        }

        LogHandled(_logger, Provider.DisplayName, context.TelemetryType, batch.Updates.Count);
        return WebhookOutcome.Handled;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refused a {Provider} webhook request ({Outcome}).")]
    private static partial void LogRefused(ILogger logger, string provider, string outcome);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refused a {Provider} webhook body that cannot be read: {Reason}")]
    private static partial void LogUnreadable(ILogger logger, string provider, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "A handler failed for a {Provider} {Type} notification; answering 500 so that it is delivered again.")]
    private static partial void LogHandlerFailed(ILogger logger, Exception exception, string provider, string type);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Handled a {Provider} {Type} notification with {Updates} update(s).")]
    private static partial void LogHandled(ILogger logger, string provider, string type, int updates);
}
