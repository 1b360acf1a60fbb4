using System;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.Logging;

namespace Messaging.WhatsApp.GreenApi;

/// <summary>
/// Sends through one GREEN-API instance: validates, stays under the instance's rate limit, maps every
/// failure to a typed <see cref="WhatsAppException"/>, retries only what is safe, and keeps the token out of
/// logs, traces and errors. Thread-safe; register it once per instance with <c>AddGreenApi</c>.
/// </summary>
public sealed class GreenApiSender : IGreenApiSender, IDisposable
{
    /// <summary>GREEN-API as the shared sender machinery needs it.</summary>
    internal static readonly SenderDefinition<GreenApiOptions, GreenApiClient> Definition = new(
        GreenApiOptions.Provider,
        "Messaging.WhatsApp.GreenApi",
        new GreenApiOptionsValidator(),
        o => Guard.WithTrailingSlash(o.ApiUrl),
        // The token is a path segment: the client writes the placeholder, the last handler the token.
        o => RequestSecret.PathSegment(o.ApiTokenInstance),
        http => new GreenApiClient(http));

    private readonly SenderCore<GreenApiOptions, GreenApiClient> _core;

    /// <summary>
    /// Creates a sender that owns its HTTP client, for apps without dependency injection. Prefer
    /// <c>AddGreenApi</c>, which shares connections through IHttpClientFactory and adds redacted logging. Either
    /// way the token is put into the request only by the last handler before the wire, redirects are never
    /// followed, and <see cref="WhatsAppSenderOptions.Timeout"/> bounds each attempt.
    /// </summary>
    /// <param name="options">The instance; checked as at startup.</param>
    /// <param name="primaryHandler">The handler that talks to the network (e.g. one with a proxy), which stays
    /// yours to dispose; or null for a new one. A <c>SocketsHttpHandler</c> or <see cref="HttpClientHandler"/>
    /// has its redirects switched off.</param>
    /// <param name="logger">Where retries are logged, or null.</param>
    /// <exception cref="ArgumentException">A setting breaks a rule; the message names it.</exception>
    public GreenApiSender(GreenApiOptions options, HttpMessageHandler? primaryHandler = null, ILogger<GreenApiSender>? logger = null)
        : this(SenderCore<GreenApiOptions, GreenApiClient>.Standalone(Definition, options, primaryHandler, logger))
    {
    }

    internal GreenApiSender(SenderCore<GreenApiOptions, GreenApiClient> core) => _core = core;

    /// <inheritdoc />
    public WhatsAppProvider Provider => GreenApiOptions.Provider;

    /// <inheritdoc />
    public Task<SendResult> SendTextAsync(ChatAddress chat, string text, string? replyTo = null, CancellationToken cancellationToken = default)
    {
        GreenApiRequestValidator.ValidateChat(chat);
        GreenApiRequestValidator.ValidateMessage(text, nameof(text));
        GreenApiRequestValidator.ValidateQuotedMessageId(replyTo, nameof(replyTo));
        return Send(new GreenApiSendMessageRequest { ChatId = chat.Id, Message = text, QuotedMessageId = replyTo }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<SendResult> SendAsync(GreenApiSendMessageRequest request, CancellationToken cancellationToken = default)
    {
        GreenApiRequestValidator.Validate(request);
        return Send(request, cancellationToken);
    }

    /// <summary>Names the instance without its token.</summary>
    /// <returns>E.g. <c>GreenApiSender(GREEN-API instance 1101000001 at https://api.green-api.com/)</c>.</returns>
    public override string ToString() => _core.Describe(this);

    /// <summary>Releases the rate limiter, and the HTTP client when the sender made it.</summary>
    public void Dispose() => _core.Dispose();

    private Task<SendResult> Send(GreenApiSendMessageRequest request, CancellationToken cancellationToken) =>
        _core.SendAsync((Core: _core, Request: request), static (client, s, ct) => SendOnceAsync(client, s.Core, s.Request, ct), cancellationToken);

    private static async Task<SendResult> SendOnceAsync(GreenApiClient client, SenderCore<GreenApiOptions, GreenApiClient> core, GreenApiSendMessageRequest request, CancellationToken cancellationToken)
    {
        GreenApiSendMessageResponse response;
        try
        {
            response = await client.SendMessageAsync(core.Options.IdInstance, RequestSecret.Placeholder, request, cancellationToken).ConfigureAwait(false);
        }
        catch (GreenApiException e)
        {
            throw GreenApiErrorMap.Map(e, core.Redactor, core.Time);
        }

        return response.IdMessage is { Length: > 0 } idMessage
            ? new SendResult(GreenApiOptions.Provider, idMessage, request.ChatId)
            : throw GreenApiErrorMap.MapAnswerWithoutId(response, core.Redactor);
    }
}
