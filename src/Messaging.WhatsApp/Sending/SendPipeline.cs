using System;
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
    private readonly RetryOptions _retry;
    private readonly RateLimiter? _limiter;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    private int _disposed;

    public SendPipeline(WhatsAppProvider provider, RetryOptions retry, int maxSendsPerSecond, int rateLimitQueueLimit, TimeProvider time, ILogger logger)
    {
        _provider = provider;
        _retry = retry;
        _limiter = RateLimits.PerSecond(maxSendsPerSecond, rateLimitQueueLimit);
        _time = time;
        _logger = logger;
    }

    /// <summary>Sends with <paramref name="attempt"/>; the state is passed through so that callers need no closure.</summary>
    public async Task<T> SendAsync<TState, T>(TState state, Func<TState, CancellationToken, Task<T>> attempt, CancellationToken cancellationToken)
    {
        ThrowIfDisposed();
        for (var attemptNumber = 1; ; attemptNumber++)
        {
            TimeSpan? delay;
            try
            {
                await WaitForPermitAsync(cancellationToken).ConfigureAwait(false);
                try
                {
                    return await attempt(state, cancellationToken).ConfigureAwait(false);
                }
                catch (Exception e) when (MapFailure(_provider, e, cancellationToken) is { } mapped)
                {
                    throw mapped;
                }
            }
            catch (WhatsAppException e) when (e.IsSafeToRetry && _retry.Enabled && attemptNumber < _retry.MaxAttempts
                && (delay = _retry.DelayBefore(attemptNumber, (e as WhatsAppRateLimitedException)?.RetryAfter, NextJitter())) is not null)
            {
                LogRetry(_logger, _provider, e.GetType().Name, attemptNumber, _retry.MaxAttempts, delay.Value.TotalMilliseconds);
            }

#if NET8_0_OR_GREATER
            await Task.Delay(delay.Value, _time, cancellationToken).ConfigureAwait(false);
#else
            await _time.Delay(delay.Value, cancellationToken).ConfigureAwait(false);
#endif
        }
    }

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
                return null;
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

    private async ValueTask WaitForPermitAsync(CancellationToken cancellationToken)
    {
        if (_limiter is null)
        {
            return;
        }

        using var lease = await _limiter.AcquireAsync(1, cancellationToken).ConfigureAwait(false);
        if (!lease.IsAcquired)
        {
            // A disposed limiter fails every lease: that is not a full queue, and not worth a retry.
            ThrowIfDisposed();
            var details = new WhatsAppErrorDetails(_provider);
            throw new WhatsAppRateLimitedException(
                details.Describe("The sender's rate limiter queue is full; nothing was sent"), details);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Provider} send attempt {Attempt} of {MaxAttempts} failed with {Error}, which is safe to retry; retrying in {DelayMs} ms")]
    private static partial void LogRetry(ILogger logger, WhatsAppProvider provider, string error, int attempt, int maxAttempts, double delayMs);
}
