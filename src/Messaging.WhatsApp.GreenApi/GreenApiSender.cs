using System;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Messaging.WhatsApp.GreenApi;

/// <summary>
/// Sends through one GREEN-API instance: validates, stays under the instance's rate limit, maps every
/// failure to a typed <see cref="WhatsAppException"/>, retries only what is safe, and keeps the token out of
/// logs and errors. Thread-safe; register it once per instance with <c>AddGreenApi</c>.
/// </summary>
public sealed class GreenApiSender : IGreenApiSender, IDisposable
{
    /// <summary>The provider's name in telemetry.</summary>
    internal const string TelemetryName = "green-api";

    private readonly ClientSource<GreenApiClient> _clients;
    private readonly GreenApiOptions _options;
    private readonly SecretRedactor _redactor;
    private readonly TimeProvider _time;
    private readonly SendPipeline _pipeline;
    private readonly HttpClient? _ownedHttp;

    /// <summary>
    /// Creates a sender that owns its HTTP client, for apps without dependency injection. Prefer
    /// <c>AddGreenApi</c>, which shares connections through IHttpClientFactory and adds redacted logging. Either
    /// way the token is put into the request only by the last handler before the wire, redirects are never
    /// followed, and <see cref="GreenApiOptions.Timeout"/> bounds each attempt.
    /// </summary>
    /// <param name="options">The instance; checked as at startup.</param>
    /// <param name="primaryHandler">The handler that talks to the network (e.g. one with a proxy), which stays
    /// yours to dispose; or null for a new one. A <c>SocketsHttpHandler</c> or
    /// <see cref="HttpClientHandler"/> has its redirects switched off.</param>
    /// <param name="logger">Where retries are logged, or null.</param>
    /// <exception cref="ArgumentException">A setting breaks a rule; the message names it.</exception>
    public GreenApiSender(GreenApiOptions options, HttpMessageHandler? primaryHandler = null, ILogger<GreenApiSender>? logger = null)
        : this(SenderHttp.Create(BaseAddress(Validated(options)), options.Timeout, Secret(options), primaryHandler), options, logger)
    {
    }

    private GreenApiSender(HttpClient ownedHttp, GreenApiOptions options, ILogger? logger)
        : this(() => ownedHttp, options, logger, TimeProvider.System)
    {
        _ownedHttp = ownedHttp;
    }

    internal GreenApiSender(Func<HttpClient> httpClient, GreenApiOptions options, ILogger? logger, TimeProvider time)
    {
        Guard.NotNull(options);
        _clients = new ClientSource<GreenApiClient>(httpClient, http => new GreenApiClient(http), time);
        _options = options;
        _time = time;
        _redactor = new SecretRedactor([options.ApiTokenInstance]);
        _pipeline = new SendPipeline(WhatsAppProvider.GreenApi, TelemetryName, options.Retry, options.MaxSendsPerSecond, options.RateLimitQueueLimit, time, logger ?? NullLogger.Instance);
    }

    /// <inheritdoc />
    public WhatsAppProvider Provider => WhatsAppProvider.GreenApi;

    /// <inheritdoc />
    public Task<SendResult> SendTextAsync(ChatAddress chat, string text, string? replyTo = null, CancellationToken cancellationToken = default)
    {
        GreenApiRequestValidator.ValidateChat(chat);
        GreenApiRequestValidator.ValidateMessage(text, nameof(text));
        GreenApiRequestValidator.ValidateQuotedMessageId(replyTo, nameof(replyTo));
        return Send(new SendMessageRequest { ChatId = chat.Id, Message = text, QuotedMessageId = replyTo }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<SendResult> SendAsync(SendMessageRequest request, CancellationToken cancellationToken = default)
    {
        GreenApiRequestValidator.Validate(request);
        return Send(request, cancellationToken);
    }

    /// <summary>Names the instance without its token.</summary>
    /// <returns>E.g. <c>GreenApiSender(GREEN-API instance 1101000001 at https://api.green-api.com/)</c>.</returns>
    public override string ToString() => $"{nameof(GreenApiSender)}({_options})";

    /// <summary>Releases the rate limiter, and the HTTP client when the sender made it.</summary>
    public void Dispose()
    {
        _pipeline.Dispose();
        _ownedHttp?.Dispose();
    }

    /// <summary>The base address of an instance's client: its <see cref="GreenApiOptions.ApiUrl"/> with a trailing '/'.</summary>
    internal static Uri BaseAddress(GreenApiOptions options) => Guard.WithTrailingSlash(options.ApiUrl);

    /// <summary>The token is a path segment: the client writes the placeholder, the last handler the token.</summary>
    internal static RequestSecret Secret(GreenApiOptions options) => RequestSecret.PathSegment(options.ApiTokenInstance);

    private static GreenApiOptions Validated(GreenApiOptions options)
    {
        Guard.NotNull(options);
        var result = new GreenApiOptionsValidator().Validate(null, options);
        return result.Failed ? throw new ArgumentException(result.FailureMessage, nameof(options)) : options;
    }

    private Task<SendResult> Send(SendMessageRequest request, CancellationToken cancellationToken) =>
        _pipeline.SendAsync((Sender: this, Request: request), static (s, ct) => s.Sender.SendOnceAsync(s.Request, ct), cancellationToken);

    private async Task<SendResult> SendOnceAsync(SendMessageRequest request, CancellationToken cancellationToken)
    {
        var client = _clients.Get();
        SendMessageResponse response;
        try
        {
            response = await client.SendMessageAsync(_options.IdInstance, RequestSecret.Placeholder, request, cancellationToken).ConfigureAwait(false);
        }
        catch (GreenApiApiException e)
        {
            throw GreenApiErrorMap.Map(e, _redactor, _time);
        }

        return response.IdMessage is { Length: > 0 } idMessage
            ? new SendResult(WhatsAppProvider.GreenApi, idMessage, request.ChatId)
            : throw GreenApiErrorMap.MapAnswerWithoutId(response, _redactor);
    }
}
