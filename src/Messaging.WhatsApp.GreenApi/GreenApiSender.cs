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
    private readonly ClientSource<GreenApiClient> _clients;
    private readonly GreenApiOptions _options;
    private readonly SecretRedactor _redactor;
    private readonly TimeProvider _time;
    private readonly SendPipeline _pipeline;

    /// <summary>
    /// Creates a sender over an <see cref="HttpClient"/> you manage, whose BaseAddress must be the
    /// instance's host (<see cref="GreenApiOptions.ApiUrl"/>). Prefer <c>AddGreenApi</c>, which configures
    /// the client, its timeout and redacted logging from the options.
    /// </summary>
    /// <param name="httpClient">The client; its BaseAddress must be the instance's host.</param>
    /// <param name="options">The instance.</param>
    /// <param name="logger">Where retries are logged, or null.</param>
    public GreenApiSender(HttpClient httpClient, GreenApiOptions options, ILogger<GreenApiSender>? logger = null)
        : this(() => httpClient, Validated(options), logger, TimeProvider.System)
    {
        Guard.NotNull(httpClient);
    }

    internal GreenApiSender(Func<HttpClient> httpClient, GreenApiOptions options, ILogger? logger, TimeProvider time)
    {
        Guard.NotNull(options);
        _clients = new ClientSource<GreenApiClient>(httpClient, http => new GreenApiClient(http), time);
        _options = options;
        _time = time;
        _redactor = new SecretRedactor([options.ApiTokenInstance]);
        _pipeline = new SendPipeline(WhatsAppProvider.GreenApi, options.Retry, options.MaxSendsPerSecond, options.RateLimitQueueLimit, time, logger ?? NullLogger.Instance);
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

    private static GreenApiOptions Validated(GreenApiOptions options)
    {
        Guard.NotNull(options);
        var result = new GreenApiOptionsValidator().Validate(null, options);
        return result.Failed ? throw new ArgumentException(result.FailureMessage, nameof(options)) : options;
    }

    /// <summary>Names the instance without its token.</summary>
    /// <returns>E.g. <c>GreenApiSender(GREEN-API instance 1101000001 at https://api.green-api.com/)</c>.</returns>
    public override string ToString() => $"{nameof(GreenApiSender)}({_options})";

    /// <summary>Releases the rate limiter.</summary>
    public void Dispose() => _pipeline.Dispose();

    private Task<SendResult> Send(SendMessageRequest request, CancellationToken cancellationToken) =>
        _pipeline.SendAsync((Sender: this, Request: request), static (s, ct) => s.Sender.SendOnceAsync(s.Request, ct), cancellationToken);

    private async Task<SendResult> SendOnceAsync(SendMessageRequest request, CancellationToken cancellationToken)
    {
        var client = _clients.Get();
        SendMessageResponse response;
        try
        {
            response = await client.SendMessageAsync(_options.IdInstance, _options.ApiTokenInstance, request, cancellationToken).ConfigureAwait(false);
        }
        catch (GreenApiApiException e)
        {
            throw GreenApiErrorMap.Map(e, _redactor, _time);
        }

        if (response?.IdMessage is not { Length: > 0 } idMessage)
        {
            var details = new WhatsAppErrorDetails(WhatsAppProvider.GreenApi, System.Net.HttpStatusCode.OK);
            throw new WhatsAppOutcomeUnknownException(
                details.Describe("GREEN-API answered success with an empty message id; the message may have been queued"), details);
        }

        return new SendResult(WhatsAppProvider.GreenApi, idMessage, request.ChatId);
    }
}
