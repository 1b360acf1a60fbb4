using System;
using System.Globalization;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Messaging.WhatsApp.Maytapi;

/// <summary>
/// Sends through one Maytapi phone: validates, maps every failure (HTTP 200 with <c>success:false</c>
/// included) to a typed <see cref="WhatsAppException"/>, retries only what is safe (W05, failed
/// connections), and keeps the key out of logs and errors. Thread-safe; register it with <c>AddMaytapi</c>.
/// </summary>
public sealed class MaytapiSender : IMaytapiSender, IDisposable
{
    /// <summary>The provider's name in telemetry.</summary>
    internal const string TelemetryName = "maytapi";

    private readonly ClientSource<MaytapiClient> _clients;
    private readonly MaytapiOptions _options;
    private readonly SecretRedactor _redactor;
    private readonly TimeProvider _time;
    private readonly SendPipeline _pipeline;
    private readonly HttpClient? _ownedHttp;

    /// <summary>
    /// Creates a sender that owns its HTTP client, for apps without dependency injection. Prefer
    /// <c>AddMaytapi</c>, which shares connections through IHttpClientFactory and adds redacted logging. Either
    /// way the key is put into the request only by the last handler before the wire, redirects are never
    /// followed, and <see cref="MaytapiOptions.Timeout"/> bounds each attempt.
    /// </summary>
    /// <param name="options">The phone and key; checked as at startup.</param>
    /// <param name="primaryHandler">The handler that talks to the network (e.g. one with a proxy), which stays
    /// yours to dispose; or null for a new one. A <c>SocketsHttpHandler</c> or
    /// <see cref="HttpClientHandler"/> has its redirects switched off.</param>
    /// <param name="logger">Where retries are logged, or null.</param>
    /// <exception cref="ArgumentException">A setting breaks a rule; the message names it.</exception>
    public MaytapiSender(MaytapiOptions options, HttpMessageHandler? primaryHandler = null, ILogger<MaytapiSender>? logger = null)
        : this(SenderHttp.Create(BaseAddressFor(Validated(options)), options.Timeout, Secret(options), primaryHandler), options, logger)
    {
    }

    private MaytapiSender(HttpClient ownedHttp, MaytapiOptions options, ILogger? logger)
        : this(() => ownedHttp, options, logger, TimeProvider.System)
    {
        _ownedHttp = ownedHttp;
    }

    internal MaytapiSender(Func<HttpClient> httpClient, MaytapiOptions options, ILogger? logger, TimeProvider time)
    {
        Guard.NotNull(options);

        // No key on the client: the last handler before the wire adds it (see Secret).
        _clients = new ClientSource<MaytapiClient>(httpClient, http => new MaytapiClient(http), time);
        _options = options;
        _time = time;
        _redactor = new SecretRedactor([options.ApiKey]);
        _pipeline = new SendPipeline(WhatsAppProvider.Maytapi, TelemetryName, options.Retry, options.MaxSendsPerSecond, options.RateLimitQueueLimit, time, logger ?? NullLogger.Instance);
    }

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
    public WhatsAppProvider Provider => WhatsAppProvider.Maytapi;

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
    public Task<SendResult> SendAsync(SendMessageRequest message, CancellationToken cancellationToken = default)
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

    private static MaytapiOptions Validated(MaytapiOptions options)
    {
        Guard.NotNull(options);
        var result = new MaytapiOptionsValidator().Validate(null, options);
        return result.Failed ? throw new ArgumentException(result.FailureMessage, nameof(options)) : options;
    }

    /// <summary>Names the phone without the key.</summary>
    /// <returns>E.g. <c>MaytapiSender(Maytapi phone 12 of product …)</c>.</returns>
    public override string ToString() => $"{nameof(MaytapiSender)}({_options})";

    /// <summary>Releases the rate limiter, and the HTTP client when the sender made it.</summary>
    public void Dispose()
    {
        _pipeline.Dispose();
        _ownedHttp?.Dispose();
    }

    /// <summary>The key travels as the <c>x-maytapi-key</c> header, added by the last handler before the wire.</summary>
    internal static RequestSecret Secret(MaytapiOptions options) => RequestSecret.Header(MaytapiClient.ApiKeyHeader, options.ApiKey);

    private Task<SendResult> Send(SendMessageRequest message, CancellationToken cancellationToken) =>
        _pipeline.SendAsync((Sender: this, Message: message), static (s, ct) => s.Sender.SendOnceAsync(s.Message, ct), cancellationToken);

    private async Task<SendResult> SendOnceAsync(SendMessageRequest message, CancellationToken cancellationToken)
    {
        var client = _clients.Get();
        SendMessageResponse envelope;
        try
        {
            envelope = await client.SendMessageAsync(_options.PhoneId, message, cancellationToken).ConfigureAwait(false);
        }
        catch (MaytapiApiException e)
        {
            throw MaytapiErrorMap.Map(e, _redactor, _time);
        }

        if (envelope is { Success: true, Data.MsgId: { Length: > 0 } msgId })
        {
            return new SendResult(WhatsAppProvider.Maytapi, msgId, envelope.Data.ChatId ?? message.ToNumber);
        }

        throw MaytapiErrorMap.Map(200, envelope, Newtonsoft.Json.JsonConvert.SerializeObject(envelope), _redactor);
    }
}
