using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Net.Http;
using System.Threading;
using System.Threading.RateLimiting;
using System.Threading.Tasks;
using Microsoft.Extensions.Logging;

namespace Messaging.WhatsApp;

/// <summary>
/// Runs one send: waits for the rate limiter, makes an attempt, turns what HttpClient throws into typed
/// errors, and retries only errors that are safe to retry. Owns the sender's rate limiter.
/// </summary>
internal sealed partial class SendPipeline : IDisposable
{
    private readonly WhatsAppProvider _provider;
    private readonly string _registrationName;
    private readonly string _instance;
    private readonly IWhatsAppSendRecorder? _recorder;
    private readonly RetryOptions _retry;
    private readonly RateLimiter? _limiter;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly InstanceStateMonitor? _instanceState;

    private int _disposed;

    /// <param name="provider">The provider, for error details and telemetry.</param>
    /// <param name="retry">The retry settings.</param>
    /// <param name="limiter">The rate limiter, which the pipeline owns, or null for none.</param>
    /// <param name="time">The clock of retry delays.</param>
    /// <param name="logger">Where retries are logged.</param>
    /// <param name="registrationName">The name the sender was registered under, for the recorder.</param>
    /// <param name="instance">The gateway's id of the sending instance, for the recorder.</param>
    /// <param name="recorder">Records each send (the message ledger), or null.</param>
    /// <param name="instanceState">The instance's known state, whose refusal (fail-fast) ends a send before it starts; or null.</param>
    public SendPipeline(WhatsAppProvider provider, RetryOptions retry, RateLimiter? limiter, TimeProvider time, ILogger logger, string registrationName = "", string instance = "", IWhatsAppSendRecorder? recorder = null, InstanceStateMonitor? instanceState = null)
    {
        _instanceState = instanceState;
        _provider = provider;
        _registrationName = registrationName;
        _instance = instance;
        _recorder = recorder;
        _retry = retry;
        _limiter = limiter;
        _time = time;
        _logger = logger;
    }

    /// <summary>
    /// Sends <paramref name="request"/>: each attempt waits for a permit and calls
    /// <see cref="ISendAttempt{TRequest}.AttemptAsync"/>; what it throws is mapped by the provider
    /// (<see cref="ISendAttempt{TRequest}.MapFailure"/>), or else by <see cref="MapFailure"/>. One async method for
    /// the whole send, retries included.
    /// </summary>
    public Task<SendResult> SendAsync<TRequest>(ISendAttempt<TRequest> attempt, TRequest request, SendOptions? options, CancellationToken cancellationToken)
    {
        ThrowIfDisposed();
        options?.Validate();
        if (_recorder is not null)
        {
            return RecordedSendAsync(attempt, request, options?.IdempotencyKey, cancellationToken);
        }

        return options?.IdempotencyKey is null
            ? SendAsync(attempt, request, cancellationToken)
            : throw new WhatsAppArgumentException("idempotencyKey", "needs the message ledger (AddWhatsAppLedger, package Messaging.WhatsApp.Ledger): without one nothing remembers the key, and a second send with it would send again");
    }

    /// <summary>
    /// A send the recorder knows of: its intent recorded before anything is sent (or an earlier send of the same key
    /// returned instead), its outcome after. A recorder that fails before the send stops it; one that fails after is
    /// logged, and the send's own outcome stands: a second send is never made of it.
    /// </summary>
    private async Task<SendResult> RecordedSendAsync<TRequest>(ISendAttempt<TRequest> attempt, TRequest request, string? idempotencyKey, CancellationToken cancellationToken)
    {
        var (chatId, text) = attempt.Describe(request);
        var intent = new WhatsAppSendIntent(_provider, _registrationName, _instance, idempotencyKey, chatId, text, Newtonsoft.Json.JsonConvert.SerializeObject(request));
        SendResult? earlier;
        try
        {
            earlier = await _recorder!.BeginAsync(intent, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not WhatsAppException && !(e is OperationCanceledException && cancellationToken.IsCancellationRequested))
        {
            var details = new WhatsAppErrorDetails(_provider);
            throw new WhatsAppException(details.Describe($"The send could not be recorded ({e.GetType().Name}); nothing was sent"), details, e, isSafeToRetry: true);
        }

        if (earlier is not null)
        {
            return earlier with { IsRepeat = true };
        }

        SendResult? result = null;
        Exception? failure = null;
        try
        {
            result = await SendAsync(attempt, request, cancellationToken).ConfigureAwait(false);
            return result;
        }
        catch (Exception e)
        {
            failure = e;
            throw;
        }
        finally
        {
            try
            {
                await _recorder!.EndAsync(intent, result, failure, CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception e)
            {
                LogRecordFailed(_logger, e, intent.ToString(), result is null ? "a failure" : "the message id " + result.MessageId);
            }
        }
    }

    private async Task<SendResult> SendAsync<TRequest>(ISendAttempt<TRequest> attempt, TRequest request, CancellationToken cancellationToken)
    {
        // The clock is read only for a duration something records (0: nothing listened when the send began).
        var started = WhatsAppTelemetry.SendDuration.Enabled ? Stopwatch.GetTimestamp() : 0;
        using var activity = WhatsAppTelemetry.Source.StartActivity("whatsapp.send", ActivityKind.Internal);
        activity?.SetTag(WhatsAppTelemetry.ProviderTag, _provider.Name);
        Exception? failure = null;
        try
        {
            // Fail-fast: an instance known to be unable to send refuses the send before the rate limiter and the gateway.
            if (_instanceState?.Refusal() is { } refused)
            {
                throw refused;
            }

            for (var attemptNumber = 1; ; attemptNumber++)
            {
                activity?.SetTag(WhatsAppTelemetry.AttemptsTag, attemptNumber);
                TimeSpan? delay;
                try
                {
                    if (_limiter is not null)
                    {
                        await WaitForPermitAsync(_limiter, cancellationToken).ConfigureAwait(false);
                    }

                    try
                    {
                        var result = await attempt.AttemptAsync(request, cancellationToken).ConfigureAwait(false);
                        activity?.SetTag(WhatsAppTelemetry.MessageIdTag, result.MessageId);
                        return result;
                    }
                    catch (Exception e) when (MapAttemptFailure(attempt, e, cancellationToken) is { } mapped)
                    {
                        throw mapped;
                    }
                }
                catch (WhatsAppException e) when (e.IsSafeToRetry && _retry.Enabled && attemptNumber < _retry.MaxAttempts
                    && (delay = _retry.DelayBefore(attemptNumber, (e as WhatsAppRateLimitedException)?.RetryAfter, NextJitter())) is not null)
                {
                    LogRetry(_logger, _provider, e.GetType().Name, attemptNumber, _retry.MaxAttempts, delay.Value.TotalMilliseconds);
                    if (WhatsAppTelemetry.Retries.Enabled)
                    {
                        WhatsAppTelemetry.Retries.Add(1, new KeyValuePair<string, object?>(WhatsAppTelemetry.ProviderTag, _provider.Name), new KeyValuePair<string, object?>(WhatsAppTelemetry.ErrorTypeTag, e.GetType().FullName));
                    }
                }

#if NET8_0_OR_GREATER
                await Task.Delay(delay.Value, _time, cancellationToken).ConfigureAwait(false);
#else
                await _time.Delay(delay.Value, cancellationToken).ConfigureAwait(false);
#endif
            }
        }
        catch (Exception e)
        {
            failure = e;
            if (activity is not null)
            {
                activity.SetTag(WhatsAppTelemetry.ErrorTypeTag, e.GetType().FullName);
                activity.SetStatus(ActivityStatusCode.Error, WhatsAppTelemetry.Outcome(e));
            }

            throw;
        }
        finally
        {
            activity?.SetTag(WhatsAppTelemetry.OutcomeTag, WhatsAppTelemetry.Outcome(failure));
            RecordSend(failure, started);
        }
    }

    /// <summary>
    /// What an attempt's failure becomes: the provider's map for its client's exception, else <see cref="MapFailure"/>;
    /// null to let it pass as it is. Runs in an exception filter, where an exception would be swallowed, so a map
    /// that throws is itself mapped.
    /// </summary>
    private Exception? MapAttemptFailure<TRequest>(ISendAttempt<TRequest> attempt, Exception exception, CancellationToken cancellationToken)
    {
        try
        {
            return attempt.MapFailure(exception) ?? MapFailure(_provider, exception, cancellationToken);
        }
        catch (Exception mapFailure)
        {
            return MapFailure(_provider, mapFailure, cancellationToken) ?? mapFailure;
        }
    }

    private void RecordSend(Exception? failure, long started)
    {
        if (!WhatsAppTelemetry.Sends.Enabled && !WhatsAppTelemetry.SendDuration.Enabled)
        {
            return;
        }

        var tags = new TagList
        {
            { WhatsAppTelemetry.ProviderTag, _provider.Name },
            { WhatsAppTelemetry.OutcomeTag, WhatsAppTelemetry.Outcome(failure) },
        };
        if (failure is not null)
        {
            tags.Add(WhatsAppTelemetry.ErrorTypeTag, failure.GetType().FullName);
        }

        WhatsAppTelemetry.Sends.Add(1, tags);
        if (started != 0)
        {
            WhatsAppTelemetry.SendDuration.Record(ElapsedSeconds(started), tags);
        }
    }

    private static double ElapsedSeconds(long started) =>
        (Stopwatch.GetTimestamp() - started) / (double)Stopwatch.Frequency;

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            _limiter?.Dispose();
        }
    }

    /// <summary>
    /// Maps what HttpClient, the response stream or the request's serialization threw to a typed error, or
    /// returns null for what passes as it is: typed errors already, and a cancellation the caller asked for.
    /// </summary>
    internal static Exception? MapFailure(WhatsAppProvider provider, Exception exception, CancellationToken cancellationToken)
    {
        var details = new WhatsAppErrorDetails(provider);
        switch (exception)
        {
            case WhatsAppException:
                return null;
            case OperationCanceledException when cancellationToken.IsCancellationRequested:
                return null;
            case Newtonsoft.Json.JsonSerializationException serialization:
                // Only the request is serialized by the caller's thread before sending: nothing was sent.
                return new WhatsAppArgumentException("request", "cannot be serialized as the spec requires: " + serialization.Message);
            case OperationCanceledException:
                return new WhatsAppOutcomeUnknownException(
                    details.Describe("No answer within the configured timeout; the message may have been sent"), details, exception);
            case HttpRequestException http when IsConnectFailure(http):
                return new WhatsAppConnectionFailedException(
                    details.Describe("Could not connect; nothing was sent"), details, exception);
            case HttpRequestException or IOException:
                return new WhatsAppOutcomeUnknownException(
                    details.Describe("The connection failed after the request was sent; the message may have been sent"), details, exception);
            default:
                // Nothing but a typed error leaves a send. What else can fail here (an app's own handler, an
                // unexpected runtime error) may have happened after the request was written.
                return new WhatsAppOutcomeUnknownException(
                    details.Describe($"The send failed unexpectedly ({exception.GetType().Name}); the message may have been sent"), details, exception);
        }
    }

    /// <summary>True when the request failed while connecting, so it was never written.</summary>
    private static bool IsConnectFailure(HttpRequestException exception)
    {
#if NET8_0_OR_GREATER
        return exception.HttpRequestError is HttpRequestError.NameResolutionError or HttpRequestError.ConnectionError or HttpRequestError.SecureConnectionError;
#else
        // Before .NET 8 the kind of failure is not exposed: only socket and web errors that can happen
        // while connecting count. Anything else is treated as "may have been sent".
        return exception.InnerException switch
        {
            System.Net.Sockets.SocketException socket => socket.SocketErrorCode is System.Net.Sockets.SocketError.ConnectionRefused
                or System.Net.Sockets.SocketError.HostNotFound or System.Net.Sockets.SocketError.HostUnreachable
                or System.Net.Sockets.SocketError.NetworkUnreachable or System.Net.Sockets.SocketError.TryAgain
                or System.Net.Sockets.SocketError.NoData,
            System.Net.WebException web => web.Status is System.Net.WebExceptionStatus.ConnectFailure
                or System.Net.WebExceptionStatus.NameResolutionFailure or System.Net.WebExceptionStatus.ProxyNameResolutionFailure,
            _ => false,
        };
#endif
    }

    private static double NextJitter()
    {
#if NET8_0_OR_GREATER
        return Random.Shared.NextDouble();
#else
        lock (SharedRandom)
        {
            return SharedRandom.NextDouble();
        }
#endif
    }

#if !NET8_0_OR_GREATER
    private static readonly Random SharedRandom = new();
#endif

    private void ThrowIfDisposed()
    {
        if (Volatile.Read(ref _disposed) != 0)
        {
            throw new ObjectDisposedException("The sender was disposed.");
        }
    }

    private async ValueTask WaitForPermitAsync(RateLimiter limiter, CancellationToken cancellationToken)
    {
        var started = WhatsAppTelemetry.RateLimitWait.Enabled ? Stopwatch.GetTimestamp() : 0;
        RateLimitLease lease;
        try
        {
            lease = await limiter.AcquireAsync(1, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // A replaced limiter (a shared store's) may throw; nothing was sent. Its message is not quoted: it
            // is the limiter's, and may name what it connects to.
            ThrowIfDisposed();
            var details = new WhatsAppErrorDetails(_provider);
            throw new WhatsAppRateLimitedException(
                details.Describe($"The sender's rate limiter failed ({e.GetType().Name}); nothing was sent"), details, innerException: e, isSafeToRetry: true);
        }

        using (lease)
        {
            if (started != 0)
            {
                WhatsAppTelemetry.RateLimitWait.Record(ElapsedSeconds(started), new KeyValuePair<string, object?>(WhatsAppTelemetry.ProviderTag, _provider.Name));
            }

            if (!lease.IsAcquired)
            {
                // A disposed limiter fails every lease: that is not a full queue, and not worth a retry.
                ThrowIfDisposed();
                throw Refused(lease);
            }
        }
    }

    /// <summary>
    /// The error for a lease the limiter refused: the in-process limiter's queue was full, or a replaced limiter
    /// gave its reason (<see cref="MetadataName.ReasonPhrase"/>) and when to try again (<see cref="MetadataName.RetryAfter"/>).
    /// </summary>
    private WhatsAppRateLimitedException Refused(RateLimitLease lease)
    {
        var details = new WhatsAppErrorDetails(_provider);
        var reason = lease.TryGetMetadata(MetadataName.ReasonPhrase, out var phrase) && !string.IsNullOrEmpty(phrase)
            ? phrase
            : "its queue is full";
        TimeSpan? retryAfter = lease.TryGetMetadata(MetadataName.RetryAfter, out var after) ? after : null;
        return new WhatsAppRateLimitedException(
            details.Describe($"The sender's rate limiter refused the send ({reason}); nothing was sent"), details, retryAfter, isSafeToRetry: true);
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "The outcome of a {Send} ({Outcome}) could not be recorded; the send stands as it ended, and its record stays in flight until it is settled")]
    private static partial void LogRecordFailed(ILogger logger, Exception exception, string send, string outcome);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Provider} send attempt {Attempt} of {MaxAttempts} failed with {Error}, which is safe to retry; retrying in {DelayMs} ms")]
    private static partial void LogRetry(ILogger logger, WhatsAppProvider provider, string error, int attempt, int maxAttempts, double delayMs);
}
