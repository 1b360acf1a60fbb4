using System;
using System.Net.Http;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace Messaging.WhatsApp.GreenApi;

/// <summary>
/// Polls one GREEN-API instance's notification queue: receiveNotification (a long poll), the app's handlers,
/// then deleteNotification. A notification is deleted only after every handler returned; one the library
/// cannot read is deleted with a warning (it would otherwise block the FIFO queue for 24 hours). Failures
/// wait 1 s, doubling up to <see cref="GreenApiPollingOptions.MaxErrorDelay"/>; a 429 waits what it asks. At
/// most 100 receive and 100 delete calls a second (GREEN-API's limits). The token never leaves the sender's
/// HTTP pipeline, which redacts it.
/// </summary>
internal sealed partial class GreenApiNotificationPoller : BackgroundService
{
    /// <summary>GREEN-API allows 100 receiveNotification calls a second per instance.</summary>
    private static readonly TimeSpan MinInterval = TimeSpan.FromMilliseconds(10);

    private static readonly TimeSpan FirstErrorDelay = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How long a delete may still run once the host stops: a notification its handlers finished must not come
    /// back after a restart only because the stop cut its delete short.
    /// </summary>
    internal static readonly TimeSpan DeleteGrace = TimeSpan.FromSeconds(5);

    private readonly string _name;
    private readonly GreenApiSender _sender;
    private readonly GreenApiPollingOptions _options;
    private readonly NotificationDispatcher _dispatcher;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private TimeSpan _errorDelay = TimeSpan.Zero;

    public GreenApiNotificationPoller(string name, IGreenApiSender sender, GreenApiPollingOptions options, NotificationDispatcher dispatcher, TimeProvider time, ILogger logger)
    {
        _name = name;
        _sender = sender as GreenApiSender
            ?? throw new InvalidOperationException("Notification polling needs the GreenApiSender that AddGreenApi registers.");
        _options = options;
        _dispatcher = dispatcher;
        _time = time;
        _logger = logger;
        var timeout = _sender.Core.Options.Timeout;
        if (options.ReceiveTimeout + TimeSpan.FromSeconds(5) > timeout)
        {
            throw new InvalidOperationException(
                $"GreenApi{(name.Length == 0 ? string.Empty : "[" + name + "]")}:Polling:ReceiveTimeout ({options.ReceiveTimeout.TotalSeconds:0} s) must be at least 5 s shorter than Timeout ({timeout.TotalSeconds:0} s), which bounds each receiveNotification call.");
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Yield first: the host's start must not wait for the first poll.
        await Task.Yield();
        LogStarted(_logger, _sender.Core.Options.IdInstance);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var started = _time.GetTimestamp();
                await PollOnceAsync(stoppingToken).ConfigureAwait(false);
                var elapsed = _time.GetElapsedTime(started);
                if (elapsed < MinInterval)
                {
                    await Delays.Delay(_time, MinInterval - elapsed, stoppingToken).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e)
            {
                // Something else (a handler the app added to the sender's client, such as a circuit breaker):
                // waited out like any failure, since an exception leaving ExecuteAsync stops the whole host.
                LogUnexpected(_logger, e);
                try
                {
                    await WaitAfterErrorAsync(null, stoppingToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
                {
                    break;
                }
            }
        }

        LogStopped(_logger, _sender.Core.Options.IdInstance);
    }

    /// <summary>One receive, dispatch and delete; failures are logged and waited out here.</summary>
    internal async Task PollOnceAsync(CancellationToken cancellationToken)
    {
        var client = _sender.Core.Client();
        var id = _sender.Core.Options.IdInstance;
        GreenApiReceivedNotification? received;
        try
        {
            received = await client.ReceiveNotificationAsync(id, RequestSecret.Placeholder, (int)_options.ReceiveTimeout.TotalSeconds, cancellationToken).ConfigureAwait(false);
        }
        catch (GreenApiException e) when (e.StatusCode is >= 200 and < 300 && IsNothing(e.Response))
        {
            // An empty 200 (what GREEN-API's Go SDK also reads as "nothing arrived"), or a JSON null.
            received = null;
        }
        catch (GreenApiException e) when (e.StatusCode is >= 200 and < 300 && ReceiptIdOf(e.Response) is { } unreadable)
        {
            // A notification whose envelope cannot be read comes back until it is deleted, like any other.
            LogUnreadable(_logger, unreadable, GreenApiErrorMap.Map(e, _sender.Core.Redactor, _time, readMethod: "receiveNotification").Message);
            WhatsAppTelemetry.Refused(GreenApiOptions.Provider, WhatsAppReceiveChannel.Polling, "malformed");
            await DeleteAsync(unreadable, cancellationToken).ConfigureAwait(false);
            return;
        }
        catch (Exception e) when (e is GreenApiException or HttpRequestException || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            await FailedAsync("receiveNotification", e, cancellationToken).ConfigureAwait(false);
            return;
        }

        if (received is null)
        {
            _errorDelay = TimeSpan.Zero;
            return;
        }

        var receiptId = received.ReceiptId;
        // The body's exact bytes, read by the webhook's reader: one body means the same on both channels.
        var body = Encoding.UTF8.GetBytes(received.Body is JToken token ? token.ToString(Formatting.None) : JsonConvert.SerializeObject(received.Body));
        NotificationBatch batch;
        try
        {
            batch = GreenApiNotificationReader.Read(body, _name);
        }
        catch (NotificationFormatException e)
        {
            LogUnreadable(_logger, receiptId, _sender.Core.Redactor.Redact(e.Message));
            WhatsAppTelemetry.Refused(GreenApiOptions.Provider, WhatsAppReceiveChannel.Polling, "malformed");
            await DeleteAsync(receiptId, cancellationToken).ConfigureAwait(false);
            return;
        }

        batch.LogIgnored(_logger, GreenApiOptions.Provider, WhatsAppReceiveChannel.Polling);
        var context = new WhatsAppNotificationContext(GreenApiOptions.Provider, _name, WhatsAppReceiveChannel.Polling, batch.Type, batch.Updates) { KnownType = batch.Known };
        try
        {
            await _dispatcher.DispatchAsync(context, batch.Notification, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (!(e is OperationCanceledException && cancellationToken.IsCancellationRequested))
        {
            LogHandlerFailed(_logger, e, receiptId, context.TelemetryType);
            await WaitAfterErrorAsync(null, cancellationToken).ConfigureAwait(false);
            return;
        }

        await DeleteAsync(receiptId, cancellationToken).ConfigureAwait(false);
    }

    private async Task DeleteAsync(long receiptId, CancellationToken cancellationToken)
    {
        // The stop does not cancel the delete at once: it gets DeleteGrace to finish (the sender's Timeout still bounds it).
        using var grace = new CancellationTokenSource();
        using var stopping = cancellationToken.Register(static state => ((CancellationTokenSource)state!).CancelAfter(DeleteGrace), grace);
        try
        {
            var deleted = await _sender.Core.Client().DeleteNotificationAsync(_sender.Core.Options.IdInstance, RequestSecret.Placeholder, receiptId, grace.Token).ConfigureAwait(false);
            if (!deleted.Result)
            {
                LogAlreadyDeleted(_logger, receiptId);
            }

            _errorDelay = TimeSpan.Zero;
        }
        catch (OperationCanceledException) when (grace.IsCancellationRequested)
        {
            // Stopped, and the grace ran out: it comes again after the restart (at least once).
            LogDeleteCutShort(_logger, receiptId);
        }
        catch (Exception e) when (e is GreenApiException or HttpRequestException || e is OperationCanceledException)
        {
            // Handled but not deleted: it comes again, and the handlers see it twice (at least once).
            await FailedAsync("deleteNotification", e, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task FailedAsync(string method, Exception e, CancellationToken cancellationToken)
    {
        var error = e is GreenApiException g ? GreenApiErrorMap.Map(g, _sender.Core.Redactor, _time, readMethod: method) : null;
        LogFailed(_logger, method, error?.Message ?? (e is OperationCanceledException ? "no answer within the sender's Timeout" : _sender.Core.Redactor.Redact(e.Message)));
        await WaitAfterErrorAsync((error as WhatsAppRateLimitedException)?.RetryAfter, cancellationToken).ConfigureAwait(false);
    }

    private Task WaitAfterErrorAsync(TimeSpan? asked, CancellationToken cancellationToken)
    {
        _errorDelay = _errorDelay == TimeSpan.Zero
            ? FirstErrorDelay
            : TimeSpan.FromTicks(Math.Min(_errorDelay.Ticks * 2, _options.MaxErrorDelay.Ticks));
        var delay = asked is { } retryAfter && retryAfter > _errorDelay && retryAfter <= _options.MaxErrorDelay ? retryAfter : _errorDelay;
        return Delays.Delay(_time, delay, cancellationToken);
    }

    /// <summary>
    /// The receipt id of an answer whose envelope cannot be read as the spec's (its body is broken JSON, a field is
    /// given twice, the body is missing…): the one integer <c>receiptId</c> among the object's top-level fields read
    /// before the text breaks, however deep the values in between nest. Null when there is none, or more than one:
    /// deleting by a guess could remove a notification nobody handled.
    /// </summary>
    internal static long? ReceiptIdOf(string? response)
    {
        if (string.IsNullOrEmpty(response))
        {
            return null;
        }

        long? found = null;
        var count = 0;
        using var reader = new JsonTextReader(new System.IO.StringReader(response)) { MaxDepth = null, DateParseHandling = DateParseHandling.None };
        try
        {
            if (!reader.Read() || reader.TokenType != JsonToken.StartObject)
            {
                return null;
            }

            while (reader.Read() && reader.TokenType == JsonToken.PropertyName)
            {
                var isReceiptId = string.Equals((string?)reader.Value, "receiptId", StringComparison.Ordinal);
                if (!reader.Read())
                {
                    break;
                }

                if (isReceiptId)
                {
                    count++;
                    found = reader.TokenType == JsonToken.Integer && reader.Value is long id ? id : null;
                }
                else
                {
                    reader.Skip();
                }
            }
        }
        catch (JsonException)
        {
            // The text breaks here; what was read before it stands.
        }

        return count == 1 ? found : null;
    }

    private static bool IsNothing(string? response) =>
        string.IsNullOrWhiteSpace(response) || string.Equals(response!.Trim(), "null", StringComparison.Ordinal);

    [LoggerMessage(Level = LogLevel.Information, Message = "Polling GREEN-API instance {Instance} for notifications.")]
    private static partial void LogStarted(ILogger logger, long instance);

    [LoggerMessage(Level = LogLevel.Information, Message = "Stopped polling GREEN-API instance {Instance}.")]
    private static partial void LogStopped(ILogger logger, long instance);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Deleting GREEN-API notification {ReceiptId}, which cannot be read ({Reason}); left in the queue, it would hold back every later one.")]
    private static partial void LogUnreadable(ILogger logger, long receiptId, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "A handler failed for GREEN-API notification {ReceiptId} ({Type}); it stays in the queue and comes again.")]
    private static partial void LogHandlerFailed(ILogger logger, Exception exception, long receiptId, string type);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The stop cut short the delete of GREEN-API notification {ReceiptId}; it was handled and will come again.")]
    private static partial void LogDeleteCutShort(ILogger logger, long receiptId);

    [LoggerMessage(Level = LogLevel.Debug, Message = "GREEN-API had already deleted notification {ReceiptId}.")]
    private static partial void LogAlreadyDeleted(ILogger logger, long receiptId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Polling GREEN-API failed unexpectedly; trying again after a wait.")]
    private static partial void LogUnexpected(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "GREEN-API {Method} failed: {Error}")]
    private static partial void LogFailed(ILogger logger, string method, string error);
}
