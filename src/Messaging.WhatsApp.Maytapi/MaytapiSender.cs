using System;
using System.Globalization;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.Logging;

namespace Messaging.WhatsApp.Maytapi;

/// <summary>
/// Sends through one Maytapi phone: validates, maps every failure (HTTP 200 with <c>success:false</c>
/// included) to a typed <see cref="WhatsAppException"/>, retries only what is safe (W05, failed
/// connections), and keeps the key out of logs and errors. Thread-safe; register it with <c>AddMaytapi</c>.
/// </summary>
public sealed class MaytapiSender : IMaytapiSender, IDisposable
{
    /// <summary>Maytapi as the shared sender machinery needs it.</summary>
    internal static readonly SenderDefinition<MaytapiOptions, MaytapiClient> Definition = new(
        MaytapiOptions.Provider,
        "Messaging.WhatsApp.Maytapi",
        new MaytapiOptionsValidator(),
        BaseAddressFor,
        // The key is a header: the client leaves it out, the last handler adds it.
        o => RequestSecret.Header(MaytapiClient.ApiKeyHeader, o.ApiKey),
        http => new MaytapiClient(http));

    private readonly SenderCore<MaytapiOptions, MaytapiClient> _core;

    /// <summary>
    /// Creates a sender that owns its HTTP client, for apps without dependency injection. Prefer
    /// <c>AddMaytapi</c>, which shares connections through IHttpClientFactory and adds redacted logging. Either
    /// way the key is put into the request only by the last handler before the wire, redirects are never
    /// followed, and <see cref="WhatsAppSenderOptions.Timeout"/> bounds each attempt.
    /// </summary>
    /// <param name="options">The phone and key; checked as at startup.</param>
    /// <param name="primaryHandler">The handler that talks to the network (e.g. one with a proxy), which stays
    /// yours to dispose; or null for a new one. A <c>SocketsHttpHandler</c> or <see cref="HttpClientHandler"/>
    /// has its redirects switched off.</param>
    /// <param name="logger">Where retries are logged, or null.</param>
    /// <exception cref="ArgumentException">A setting breaks a rule; the message names it.</exception>
    public MaytapiSender(MaytapiOptions options, HttpMessageHandler? primaryHandler = null, ILogger<MaytapiSender>? logger = null)
        : this(SenderCore<MaytapiOptions, MaytapiClient>.Standalone(Definition, options, primaryHandler, logger))
    {
    }

    internal MaytapiSender(SenderCore<MaytapiOptions, MaytapiClient> core) => _core = core;

    /// <inheritdoc />
    public WhatsAppProvider Provider => MaytapiOptions.Provider;

    /// <summary>The base address a Maytapi HttpClient needs: <c>{ApiUrl}{ProductId}/</c>.</summary>
    /// <param name="options">The options.</param>
    /// <returns>The address.</returns>
    public static Uri BaseAddressFor(MaytapiOptions options)
    {
        Guard.NotNull(options);
        var root = Guard.WithTrailingSlash(options.ApiUrl).AbsoluteUri;
        return new Uri(root + Uri.EscapeDataString(options.ProductId) + "/");
    }

    /// <inheritdoc />
    public Task<SendResult> SendTextAsync(ChatAddress chat, string text, string? replyTo = null, CancellationToken cancellationToken = default)
    {
        MaytapiRequestValidator.ValidateChat(chat);
        MaytapiRequestValidator.ValidateText(text, nameof(text));
        if (replyTo is { Length: 0 })
        {
            throw new WhatsAppArgumentException(nameof(replyTo), "must be null or a message id, not empty");
        }

        return Send(new TextMessage { ToNumber = MaytapiRequestValidator.ToNumber(chat), Message = text, ReplyTo = replyTo }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<SendResult> SendAsync(MaytapiMessage message, CancellationToken cancellationToken = default)
    {
        MaytapiRequestValidator.Validate(message);
        return Send(message, cancellationToken);
    }

    /// <inheritdoc />
    public Task<SendResult> SendLocationAsync(ChatAddress chat, double latitude, double longitude, string? name = null, CancellationToken cancellationToken = default)
    {
        MaytapiRequestValidator.ValidateChat(chat);
        MaytapiRequestValidator.ValidateCoordinate("latitude", latitude, 90);
        MaytapiRequestValidator.ValidateCoordinate("longitude", longitude, 180);
        var message = new LocationMessage
        {
            ToNumber = MaytapiRequestValidator.ToNumber(chat),
            Latitude = latitude.ToString("0.0#####", CultureInfo.InvariantCulture),
            Longitude = longitude.ToString("0.0#####", CultureInfo.InvariantCulture),
            Text = name,
        };
        return Send(message, cancellationToken);
    }

    /// <summary>Names the phone without the key.</summary>
    /// <returns>E.g. <c>MaytapiSender(Maytapi phone 12 of product …)</c>.</returns>
    public override string ToString() => _core.Describe(this);

    /// <summary>Releases the rate limiter, and the HTTP client when the sender made it.</summary>
    public void Dispose() => _core.Dispose();

    private Task<SendResult> Send(MaytapiMessage message, CancellationToken cancellationToken) =>
        _core.SendAsync((Core: _core, Message: message), static (client, s, ct) => SendOnceAsync(client, s.Core, s.Message, ct), cancellationToken);

    private static async Task<SendResult> SendOnceAsync(MaytapiClient client, SenderCore<MaytapiOptions, MaytapiClient> core, MaytapiMessage message, CancellationToken cancellationToken)
    {
        MaytapiSendMessageResponse envelope;
        try
        {
            envelope = await client.SendMessageAsync(core.Options.PhoneId, message, cancellationToken).ConfigureAwait(false);
        }
        catch (MaytapiException e)
        {
            throw MaytapiErrorMap.Map(e, core.Redactor, core.Time);
        }

        return envelope is { Success: true, Data.MsgId: { Length: > 0 } msgId }
            ? new SendResult(MaytapiOptions.Provider, msgId, envelope.Data.ChatId ?? message.ToNumber)
            : throw MaytapiErrorMap.Map(200, envelope, Newtonsoft.Json.JsonConvert.SerializeObject(envelope), core.Redactor);
    }
}
