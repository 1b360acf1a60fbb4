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
public sealed class GreenApiSender : WhatsAppSender<GreenApiOptions, GreenApiClient>, IGreenApiSender
{
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
        : base(SenderCore<GreenApiOptions, GreenApiClient>.Standalone(GreenApiOptions.Definition, options, primaryHandler, logger))
    {
    }

    internal GreenApiSender(SenderCore<GreenApiOptions, GreenApiClient> core) : base(core) { }

    /// <inheritdoc />
    public override Task<SendResult> SendTextAsync(ChatAddress chat, string text, string? replyTo = null, CancellationToken cancellationToken = default)
    {
        GreenApiRequestValidator.ValidateText(chat, text, replyTo);
        return Send(new GreenApiSendMessageRequest { ChatId = chat.Id, Message = text, QuotedMessageId = replyTo }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<SendResult> SendAsync(GreenApiSendMessageRequest request, CancellationToken cancellationToken = default)
    {
        GreenApiRequestValidator.Validate(request);
        return Send(request, cancellationToken);
    }

    private Task<SendResult> Send(GreenApiSendMessageRequest request, CancellationToken cancellationToken) =>
        Core.SendAsync(
            request,
            static (client, r, core, ct) => client.SendMessageAsync(core.Options.IdInstance, RequestSecret.Placeholder, r, ct),
            static (r, answer, core) => answer.IdMessage is { Length: > 0 } idMessage
                ? new SendResult(GreenApiOptions.Provider, idMessage, r.ChatId)
                : throw GreenApiErrorMap.MapAnswerWithoutId(answer, core.Redactor),
            static (GreenApiException e, SenderCore<GreenApiOptions, GreenApiClient> core) => GreenApiErrorMap.Map(e, core.Redactor, core.Time),
            cancellationToken);
}
