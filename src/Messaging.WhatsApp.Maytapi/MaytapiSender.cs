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
    private readonly ClientSource<MaytapiClient> _clients;
    private readonly MaytapiOptions _options;
    private readonly SecretRedactor _redactor;
    private readonly TimeProvider _time;
    private readonly SendPipeline _pipeline;

    /// <summary>
    /// Creates a sender over an <see cref="HttpClient"/> you manage, whose BaseAddress must be
    /// <c>{ApiUrl}{ProductId}/</c>. Prefer <c>AddMaytapi</c>, which configures the client, its timeout and
    /// redacted logging from the options.
    /// </summary>
    /// <param name="httpClient">The client.</param>
    /// <param name="options">The phone and key.</param>
    /// <param name="logger">Where retries are logged, or null.</param>
    public MaytapiSender(HttpClient httpClient, MaytapiOptions options, ILogger<MaytapiSender>? logger = null)
        : this(() => httpClient, Validated(options), logger, TimeProvider.System)
    {
        Guard.NotNull(httpClient);
    }

    internal MaytapiSender(Func<HttpClient> httpClient, MaytapiOptions options, ILogger? logger, TimeProvider time)
    {
        Guard.NotNull(options);
        _clients = new ClientSource<MaytapiClient>(httpClient, http => new MaytapiClient(http, options.ApiKey), time);
        _options = options;
        _time = time;
        _redactor = new SecretRedactor([options.ApiKey]);
        _pipeline = new SendPipeline(WhatsAppProvider.Maytapi, options.Retry, options.MaxSendsPerSecond, options.RateLimitQueueLimit, time, logger ?? NullLogger.Instance);
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

    /// <summary>Releases the rate limiter.</summary>
    public void Dispose() => _pipeline.Dispose();

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

        throw MaytapiErrorMap.Map(200, envelope, envelope is null ? null : Newtonsoft.Json.JsonConvert.SerializeObject(envelope), _redactor);
    }
}
