using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Messaging.WhatsApp;

/// <summary>
/// What is known of one sender's instance, and the one place that changes it: an answer of the gateway's state
/// operation (<see cref="AskAsync"/>) or a state notification (<see cref="RecordAsync"/>). Older news never replaces
/// newer (a notification redelivered an hour late does not undo a poll). Each change is logged and handed to the app's
/// <see cref="IWhatsAppInstanceStateHandler"/>s; one that throws is logged and changes nothing else. Asks are spaced
/// by at least <see cref="MinAskInterval"/>, whoever asks: GREEN-API allows one getStateInstance a second per instance.
/// </summary>
internal sealed partial class InstanceStateMonitor : IDisposable
{
    /// <summary>The least time between two asks of one instance's state (GREEN-API: 1 request a second).</summary>
    internal static readonly TimeSpan MinAskInterval = TimeSpan.FromSeconds(1);

    /// <summary>The monitors the poll runs for, which the <c>whatsapp.instances</c> gauge counts.</summary>
    private static readonly ConcurrentDictionary<InstanceStateMonitor, byte> Monitored = new();

    private readonly object _gate = new();
    private readonly SemaphoreSlim _asking = new(1, 1);
    private readonly TimeProvider _time;
    private readonly bool _failFast;
    private readonly ILogger _logger;
    private WhatsAppInstanceStatus _current;
    private WhatsAppException? _lastFailure;
    private long _lastAsk;

    public InstanceStateMonitor(WhatsAppProvider provider, string registrationName, string instance, TimeSpan trustWindow, bool failFast, TimeProvider time, ILogger? logger)
    {
        _current = WhatsAppInstanceStatus.NotLearned(provider, registrationName, instance);
        TrustWindow = trustWindow;
        _failFast = failFast;
        _time = time;
        _logger = logger ?? NullLogger.Instance;
    }

    /// <summary>How long a learned state is trusted (<see cref="WhatsAppSenderOptions.StateTrustWindow"/>).</summary>
    public TimeSpan TrustWindow { get; }

    public WhatsAppInstanceStatus Current => Volatile.Read(ref _current);

    /// <summary>Why the last ask failed, or null when it answered (or none was made).</summary>
    public WhatsAppException? LastFailure => Volatile.Read(ref _lastFailure);

    /// <summary>Calls the app's handlers with the previous and the new status; set by the DI registration.</summary>
    public Func<WhatsAppInstanceStatus, WhatsAppInstanceStatus, CancellationToken, Task>? Changed { get; set; }

    public TimeProvider Time => _time;

    /// <summary>Every monitor the poll runs for.</summary>
    public static ICollection<InstanceStateMonitor> All => Monitored.Keys;

    /// <summary>Counts this monitor in the gauge until <see cref="Unwatch"/>.</summary>
    public void Watch() => Monitored.TryAdd(this, 0);

    public void Unwatch() => Monitored.TryRemove(this, out _);

    /// <summary>Whether the status was learned within <see cref="TrustWindow"/> of <paramref name="now"/>.</summary>
    public static bool IsFresh(WhatsAppInstanceStatus status, DateTimeOffset now, TimeSpan trustWindow) =>
        status.LearnedAt is { } at && now - at <= trustWindow;

    /// <summary>The state to act on now: the known one while it is fresh, otherwise <see cref="WhatsAppInstanceState.Unknown"/>.</summary>
    public WhatsAppInstanceState EffectiveState()
    {
        var status = Current;
        return IsFresh(status, _time.GetUtcNow(), TrustWindow) ? status.State : WhatsAppInstanceState.Unknown;
    }

    /// <summary>
    /// With fail-fast on, the error that refuses a send: the instance's fresh state is one in which nothing goes out
    /// until someone acts. Null otherwise, a stale or unknown state included: the send then goes to the gateway.
    /// </summary>
    public WhatsAppInstanceUnavailableException? Refusal()
    {
        if (!_failFast)
        {
            return null;
        }

        var status = Current;
        if (!InstanceStates.NeedsAction(status.State) || !IsFresh(status, _time.GetUtcNow(), TrustWindow))
        {
            return null;
        }

        var details = new WhatsAppErrorDetails(status.Provider);
        return new WhatsAppInstanceUnavailableException(
            $"The {status.Provider.DisplayName} instance {status.Instance} cannot send: it is {InstanceStates.Name(status.State)} "
            + $"({status.ProviderState}, learned {status.LearnedAt!.Value.UtcDateTime:yyyy-MM-ddTHH:mm:ssZ} by {status.Source}); nothing was sent.",
            details,
            status);
    }

    /// <summary>
    /// Asks the gateway through <paramref name="ask"/> (the provider's state operation, mapped to a neutral state and its
    /// word), at least <see cref="MinAskInterval"/> after the previous ask, and records the answer.
    /// </summary>
    /// <exception cref="WhatsAppException">The gateway did not answer with a state; kept as <see cref="LastFailure"/>.</exception>
    public async Task<WhatsAppInstanceStatus> AskAsync(Func<CancellationToken, Task<(WhatsAppInstanceState State, string? Word)>> ask, CancellationToken cancellationToken)
    {
        WhatsAppInstanceStatus learned;
        await _asking.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_lastAsk != 0 && _time.GetElapsedTime(_lastAsk) is var since && since < MinAskInterval)
            {
                await Delays.Delay(_time, MinAskInterval - since, cancellationToken).ConfigureAwait(false);
            }

            try
            {
                var (state, word) = await ask(cancellationToken).ConfigureAwait(false);
                learned = Current with { State = state, ProviderState = word, LearnedAt = _time.GetUtcNow(), Source = WhatsAppInstanceStateSource.Query };
                Volatile.Write(ref _lastFailure, null);
            }
            catch (WhatsAppException e)
            {
                Volatile.Write(ref _lastFailure, e);
                throw;
            }
            finally
            {
                _lastAsk = _time.GetTimestamp();
            }
        }
        finally
        {
            _asking.Release();
        }

        await RecordAsync(learned, cancellationToken).ConfigureAwait(false);
        return learned;
    }

    /// <summary>
    /// Records what the gateway stated, unless something newer is known already; on a change (another state or word)
    /// logs it and calls the handlers. Returns whether it was recorded.
    /// </summary>
    public async Task<bool> RecordAsync(WhatsAppInstanceStatus status, CancellationToken cancellationToken)
    {
        WhatsAppInstanceStatus previous;
        lock (_gate)
        {
            previous = _current;
            if (previous.LearnedAt is { } known && status.LearnedAt < known)
            {
                LogOlder(_logger, status.Provider, status.Instance, status.ProviderState, previous.ProviderState);
                return false;
            }

            Volatile.Write(ref _current, status);
        }

        if (previous.State == status.State && string.Equals(previous.ProviderState, status.ProviderState, StringComparison.Ordinal) && previous.LearnedAt is not null)
        {
            return true;
        }

        LogChanged(_logger, status.Provider, status.Instance, status.State, status.ProviderState, previous.State, status.Source);
        if (Changed is { } changed)
        {
            try
            {
                await changed(previous, status, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (!(e is OperationCanceledException && cancellationToken.IsCancellationRequested))
            {
                // Each handler's own failure is caught and logged by the handlers' dispatcher; what comes here is a
                // failure to create their scope or resolve them (a handler whose dependencies cannot be), or to dispose it.
                LogHandlersFailed(_logger, e, status.Provider, status.Instance);
            }
        }

        return true;
    }

    public void Dispose()
    {
        Unwatch();
        _asking.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "{Provider} instance {Instance} is {State} ({ProviderState}), was {Previous}; learned by {Source}")]
    private static partial void LogChanged(ILogger logger, WhatsAppProvider provider, string instance, WhatsAppInstanceState state, string? providerState, WhatsAppInstanceState previous, WhatsAppInstanceStateSource source);

    [LoggerMessage(Level = LogLevel.Debug, Message = "{Provider} instance {Instance}: ignored the state {ProviderState}, stated before the state known ({Known})")]
    private static partial void LogOlder(ILogger logger, WhatsAppProvider provider, string instance, string? providerState, string? known);

    [LoggerMessage(Level = LogLevel.Error, Message = "The instance state handlers for {Provider} instance {Instance} could not be created (or their scope disposed); the state is recorded and monitoring goes on")]
    private static partial void LogHandlersFailed(ILogger logger, Exception exception, WhatsAppProvider provider, string instance);
}
