using System;
using System.Collections.Generic;
using System.Linq;
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
public sealed class GreenApiSender : WhatsAppSender<GreenApiOptions, GreenApiClient>, IGreenApiSender, ISendAttempt<GreenApiSendMessageRequest>, IInstanceStateSource
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

    /// <summary>
    /// How late GREEN-API's journals may show a message: up to 2 minutes, as its documentation says. The default of
    /// <see cref="GreenApiOptions.JournalDelay"/>.
    /// </summary>
    public static TimeSpan JournalDelay { get; } = TimeSpan.FromMinutes(2);

    /// <summary>How far apart GREEN-API's clock and this machine's may be, for matching journal times.</summary>
    private static readonly TimeSpan ClockDifference = TimeSpan.FromMinutes(1);

    /// <inheritdoc />
    public override Task<SendResult> SendTextAsync(ChatAddress chat, string text, string? replyTo = null, CancellationToken cancellationToken = default) =>
        SendTextAsync(chat, text, replyTo, null, cancellationToken);

    /// <inheritdoc />
    public override Task<SendResult> SendTextAsync(ChatAddress chat, string text, string? replyTo, SendOptions? options, CancellationToken cancellationToken = default)
    {
        GreenApiRequestValidator.ValidateText(chat, text, replyTo);
        return Core.Pipeline.SendAsync(this, new GreenApiSendMessageRequest { ChatId = chat.Id, Message = text, QuotedMessageId = replyTo }, options, cancellationToken);
    }

    /// <inheritdoc />
    public Task<SendResult> SendAsync(GreenApiSendMessageRequest request, CancellationToken cancellationToken = default) =>
        SendAsync(request, null, cancellationToken);

    /// <inheritdoc />
    public Task<SendResult> SendAsync(GreenApiSendMessageRequest request, SendOptions? options, CancellationToken cancellationToken = default)
    {
        GreenApiRequestValidator.Validate(request);
        return Core.Pipeline.SendAsync(this, request, options, cancellationToken);
    }

    /// <summary>One sendMessage call: a non-empty <c>idMessage</c> is a success, anything else a typed error.</summary>
    async Task<SendResult> ISendAttempt<GreenApiSendMessageRequest>.AttemptAsync(GreenApiSendMessageRequest request, CancellationToken cancellationToken)
    {
        var answer = await Core.Client().SendMessageAsync(Core.Options.IdInstance, RequestSecret.Placeholder, request, cancellationToken).ConfigureAwait(false);
        return answer.IdMessage is { Length: > 0 } idMessage
            ? new SendResult(GreenApiOptions.Provider, idMessage, request.ChatId)
            : throw GreenApiErrorMap.MapAnswerWithoutId(answer, Core.Redactor);
    }

    WhatsAppException? ISendAttempt<GreenApiSendMessageRequest>.MapFailure(Exception exception) =>
        exception is GreenApiException e ? GreenApiErrorMap.Map(e, Core.Redactor, Core.Time) : null;

    (string ChatId, string? Text) ISendAttempt<GreenApiSendMessageRequest>.Describe(GreenApiSendMessageRequest request) =>
        (request.ChatId, request.Message);

    /// <inheritdoc />
    public async Task<SentMessageLookup> FindSentMessageAsync(ChatAddress chat, string text, DateTimeOffset sentAfter, CancellationToken cancellationToken = default)
    {
        GreenApiRequestValidator.ValidateText(chat, text, null);
        var searches = await SearchJournalAsync([new SentMessageQuery(chat, text, sentAfter)], nameof(sentAfter), cancellationToken).ConfigureAwait(false);
        return searches[0].First;
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<SentMessageSearch>> FindSentMessagesAsync(IReadOnlyList<SentMessageQuery> queries, CancellationToken cancellationToken = default)
    {
        if (queries is not { Count: > 0 })
        {
            throw new WhatsAppArgumentException(nameof(queries), "must hold at least one query");
        }

        for (var i = 0; i < queries.Count; i++)
        {
            if (queries[i] is not { } query || query.Text is null)
            {
                throw new WhatsAppArgumentException($"queries[{i}]", "must be a query with a chat and a text");
            }

            GreenApiRequestValidator.ValidateChat(query.Chat, $"queries[{i}].Chat");
            GreenApiRequestValidator.ValidateMessage(query.Text, $"queries[{i}].Text");
        }

        return await SearchJournalAsync(queries, "queries", cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// One lastOutgoingMessages call, far enough back for the earliest query, and every query judged against every
    /// entry (<see cref="GreenApiJournal.Judge"/>): its complete matches earliest first; "not found" conclusive only
    /// when no entry was doubtful and the journal's delay has passed since the query's send.
    /// </summary>
    private async Task<IReadOnlyList<SentMessageSearch>> SearchJournalAsync(IReadOnlyList<SentMessageQuery> queries, string field, CancellationToken cancellationToken)
    {
        var now = Core.Time.GetUtcNow();
        var first = queries[0].SentAfter;
        foreach (var query in queries)
        {
            if (query.SentAfter > now + ClockDifference)
            {
                throw new WhatsAppArgumentException(field == "queries" ? "queries.SentAfter" : field, "must not be in the future: pass the time taken just before the send");
            }

            first = query.SentAfter < first ? query.SentAfter : first;
        }

        // Whole minutes back to the earliest attempt, plus the clock difference; at least one.
        var minutes = (int)Math.Min(int.MaxValue, Math.Max(1, Math.Ceiling((now - first + ClockDifference).TotalMinutes)));
        ICollection<GreenApiJournalMessage> messages;
        try
        {
            messages = await Core.Client().LastOutgoingMessagesAsync(Core.Options.IdInstance, RequestSecret.Placeholder, minutes, cancellationToken).ConfigureAwait(false);
        }
        catch (GreenApiException e)
        {
            throw GreenApiErrorMap.Map(e, Core.Redactor, Core.Time, readMethod: "lastOutgoingMessages");
        }
        catch (Exception e) when (Unreached(e, "lastOutgoingMessages", cancellationToken) is { } unreached)
        {
            throw unreached;
        }

        // The window: from the attempt to now, each widened by the clock difference. The earliest complete match is
        // the message (a later one may be a deliberate second send); any doubt keeps "not found" from being conclusive.
        var latest = now + ClockDifference;
        var searches = new List<SentMessageSearch>(queries.Count);
        foreach (var query in queries)
        {
            var earliest = query.SentAfter - ClockDifference;
            var matches = new List<SentMessageLookup>();
            var doubt = false;
            foreach (var message in messages)
            {
                switch (GreenApiJournal.Judge(message, query.Chat, query.Text, earliest, latest, out var time))
                {
                    case GreenApiJournal.Verdict.Match:
                        matches.Add(SentMessageLookup.Present(message.IdMessage, GreenApiNotificationReader.StatusOf(message.StatusMessage), message.StatusMessage, time));
                        break;
                    case GreenApiJournal.Verdict.Doubtful:
                        doubt = true;
                        break;
                }
            }

            // OrderBy is stable: of equal times, the first listed stays first.
            var ordered = matches.OrderBy(m => m.Time).ToList();
            searches.Add(new SentMessageSearch(ordered, conclusive: !doubt && now - query.SentAfter >= Core.Options.JournalDelay));
        }

        return searches;
    }

    /// <inheritdoc />
    public async Task<SentMessageLookup> GetMessageStatusAsync(ChatAddress chat, string messageId, CancellationToken cancellationToken = default)
    {
        GreenApiRequestValidator.ValidateChat(chat);
        if (string.IsNullOrWhiteSpace(messageId))
        {
            throw new WhatsAppArgumentException(nameof(messageId), "must not be empty: pass the id the send returned");
        }

        GreenApiJournalMessage message;
        try
        {
            message = await Core.Client().GetMessageAsync(Core.Options.IdInstance, RequestSecret.Placeholder, new GreenApiGetMessageRequest { ChatId = chat.Id, IdMessage = messageId }, cancellationToken).ConfigureAwait(false);
        }
        catch (GreenApiException e) when (e.StatusCode == 400 && IsNotFound(e.Response))
        {
            return SentMessageLookup.Absent(conclusive: false);
        }
        catch (GreenApiException e)
        {
            throw GreenApiErrorMap.Map(e, Core.Redactor, Core.Time, readMethod: "getMessage");
        }
        catch (Exception e) when (Unreached(e, "getMessage", cancellationToken) is { } unreached)
        {
            throw unreached;
        }

        if (GreenApiJournal.NotTheMessageAsked(message, chat, messageId) is { } notAsked)
        {
            throw notAsked;
        }

        return SentMessageLookup.Present(
            messageId,
            GreenApiNotificationReader.StatusOf(message.StatusMessage),
            message.StatusMessage,
            GreenApiJournal.TimeOf(message.Timestamp));
    }

    /// <inheritdoc />
    public Task<WhatsAppInstanceStatus> GetInstanceStateAsync(CancellationToken cancellationToken = default) =>
        Core.InstanceState.AskAsync(AskStateAsync, cancellationToken);

    InstanceStateMonitor IInstanceStateSource.InstanceState => Core.InstanceState;

    /// <summary>
    /// A <c>stateInstanceChanged</c> of this instance (its <c>idInstance</c>), at its own time when it has one, else at its
    /// arrival. One whose time is no time (negative, past year 9999) or more than <see cref="ClockDifference"/> ahead of its
    /// arrival is ignored: believed, a time far ahead would make every later state look older, and pin this one.
    /// </summary>
    WhatsAppInstanceStatus? IInstanceStateSource.StateReportedBy(object notification, DateTimeOffset receivedAt)
    {
        if (notification is not GreenApiStateInstanceChangedNotification changed || changed.InstanceData?.IdInstance != Core.Options.IdInstance)
        {
            return null;
        }

        var learnedAt = receivedAt;
        if (changed.Timestamp is { } seconds)
        {
            if (NotificationJson.FromUnixSeconds(seconds) is not { } stated || stated > receivedAt + ClockDifference)
            {
                return null;
            }

            learnedAt = stated;
        }

        return Core.InstanceState.Current with
        {
            State = GreenApiInstanceStates.Map(changed.StateInstance),
            ProviderState = Core.Redactor.RedactOrNull(changed.StateInstance),
            LearnedAt = learnedAt,
            Source = WhatsAppInstanceStateSource.Notification,
        };
    }

    /// <summary>One getStateInstance call, as a neutral state and GREEN-API's word.</summary>
    private async Task<(WhatsAppInstanceState State, string? Word)> AskStateAsync(CancellationToken cancellationToken)
    {
        GreenApiStateInstance? answer;
        try
        {
            answer = await Core.Client().GetStateInstanceAsync(Core.Options.IdInstance, RequestSecret.Placeholder, cancellationToken).ConfigureAwait(false);
        }
        catch (GreenApiException e)
        {
            throw GreenApiErrorMap.Map(e, Core.Redactor, Core.Time, readMethod: "getStateInstance");
        }
        catch (Exception e) when (Unreached(e, "getStateInstance", cancellationToken) is { } unreached)
        {
            throw unreached;
        }

        if (answer is null)
        {
            return (GreenApiInstanceStates.Map(null, nullAnswer: true), null);
        }

        // An answer without stateInstance states no state: an error envelope sent with 200, or nothing at all.
        if (answer.StateInstance is not { } word)
        {
            throw AnswerWithoutState(answer);
        }

        // The word is kept for the app to see; a gateway or proxy that echoes the token there must not put it in logs.
        return (GreenApiInstanceStates.Map(word), Core.Redactor.Redact(word));
    }

    /// <summary>
    /// A getStateInstance answer of 200 without <c>stateInstance</c>: GREEN-API's <c>{"code":401,…}</c> (the token refused,
    /// as on sendMessage) is a <see cref="WhatsAppAuthenticationException"/>; anything else a plain error, never a state.
    /// </summary>
    private WhatsAppException AnswerWithoutState(GreenApiStateInstance answer)
    {
        // Unknown fields keep their values as read: text and numbers as they are, objects and arrays as JTokens.
        string? Field(string name) =>
            answer.AdditionalProperties.TryGetValue(name, out var value) ? ErrorBody.Text(value as Newtonsoft.Json.Linq.JToken ?? new Newtonsoft.Json.Linq.JValue(value)) : null;
        var code = Field("code");
        var message = Field("description") ?? Field("message");
        var details = new WhatsAppErrorDetails(GreenApiOptions.Provider, System.Net.HttpStatusCode.OK, Core.Redactor.RedactOrNull(code), Core.Redactor.RedactOrNull(message));
        return code == "401"
            ? new WhatsAppAuthenticationException(details.Describe("GREEN-API refused the token (getStateInstance answered code 401)"), details)
            : new WhatsAppException(details.Describe("GREEN-API answered getStateInstance without stateInstance, so it states no state; asking again is safe"), details);
    }

    /// <summary>
    /// A journal method that got no answer (no connection, a connection cut, the sender's Timeout) as a typed error,
    /// as its documentation promises; null for anything else, the caller's own cancellation included. A lookup
    /// changes nothing, so asking again is safe.
    /// </summary>
    private static WhatsAppException? Unreached(Exception e, string method, CancellationToken cancellationToken)
    {
        if (!(e is HttpRequestException or System.IO.IOException || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested)))
        {
            return null;
        }

        if (SendPipeline.MapFailure(GreenApiOptions.Provider, e, cancellationToken) is WhatsAppConnectionFailedException connect)
        {
            return connect;
        }

        var details = new WhatsAppErrorDetails(GreenApiOptions.Provider);
        return new WhatsAppException(
            details.Describe(e is OperationCanceledException
                ? $"No answer to {method} within the configured Timeout; asking again is safe"
                : $"The connection failed during {method}; asking again is safe"),
            details,
            e,
            isSafeToRetry: true);
    }

    /// <summary>GREEN-API's 400 for an unknown message ("ID message notfound") or chat ("chatId not found").</summary>
    private static bool IsNotFound(string? response) =>
        response is not null && (response.IndexOf("notfound", StringComparison.OrdinalIgnoreCase) >= 0 || response.IndexOf("not found", StringComparison.OrdinalIgnoreCase) >= 0);
}
