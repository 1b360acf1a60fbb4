using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Threading;
using System.Threading.RateLimiting;
using System.Threading.Tasks;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace Messaging.WhatsApp.Redis;

/// <summary>
/// A sliding window of sends kept in Redis, shared by every sender (in any process) of one provider instance.
/// Each permit is one atomic script on the server, timed by the server's clock, so replicas' clocks do not
/// matter. Sends wait in order: locally in a bounded queue whose first send alone asks the store, and across
/// replicas in a line of tickets in the store, one per replica, so that a freed slot goes to the replica that
/// has waited longest. A waiting replica sleeps until its turn as the store computes it; it does not poll.
/// When the store does not answer within <see cref="RedisRateLimiterOptions.StoreTimeout"/>, or answers anything
/// but what the script returns (other Redis-compatible engines and proxies exist), the waiting sends fail
/// (nothing sent) rather than go out unlimited; after a restart that lost the window, the store grants nothing
/// for one window. Whatever the store answers, no send waits longer than
/// <see cref="RedisRateLimiterOptions.MaxWait"/> and one store call, and a replica does not call the store again
/// sooner than <see cref="MinimumAskInterval"/> after an answer that brought no permit.
/// </summary>
internal sealed partial class RedisSlidingWindowRateLimiter : RateLimiter
{
    /// <summary>
    /// KEYS: 1 the permits (member per permit, scored by grant time), 2 the line (tickets by arrival), 3 the
    /// tickets by when they last asked, 4 the marker whose absence means the store lost (or never had) the
    /// window. ARGV: 1 ticket, 2 permits asked, 3 limit, 4 window (µs), 5 staleness of a ticket (µs), 6 mode
    /// ("take" joins the line, "try" does not, "leave" leaves it), 7 the marker's lifetime (ms).
    /// Returns two RESP integers, {1, 0} when granted, else {0, µs to wait} with the wait within [1 ms, window]
    /// ({0, 0} to "leave"); <see cref="Verdict.Read"/> takes nothing else. Times are the server's, in µs; numbers
    /// stored pass through strings formatted as integers, so that neither Lua 5.1's doubles nor 5.4's integers
    /// round them. The wait, at most a minute in µs, is returned as math.floor's number, which both Lua versions
    /// hold exactly and the server turns into a RESP integer.
    /// </summary>
    internal const string Script = """
        local t = redis.call('TIME')
        local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
        local ticket = ARGV[1]
        local count = tonumber(ARGV[2])
        local limit = tonumber(ARGV[3])
        local window = tonumber(ARGV[4])
        local stale = tonumber(ARGV[5])
        local mode = ARGV[6]
        local function int(x) return string.format('%.0f', x) end
        if mode == 'leave' then
          redis.call('ZREM', KEYS[2], ticket)
          redis.call('ZREM', KEYS[3], ticket)
          return {0, 0}
        end
        local opens = redis.call('GET', KEYS[4])
        if opens then
          opens = tonumber(opens)
          redis.call('PEXPIRE', KEYS[4], ARGV[7])
        else
          opens = now + window
          redis.call('SET', KEYS[4], int(opens), 'PX', ARGV[7])
        end
        redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', int(now - window))
        local gone = redis.call('ZRANGEBYSCORE', KEYS[3], '-inf', int(now - stale))
        for i = 1, #gone do
          redis.call('ZREM', KEYS[2], gone[i])
          redis.call('ZREM', KEYS[3], gone[i])
        end
        local used = redis.call('ZCARD', KEYS[1])
        local ahead
        if mode == 'take' then
          if not redis.call('ZSCORE', KEYS[2], ticket) then
            redis.call('ZADD', KEYS[2], int(now), ticket)
          end
          ahead = redis.call('ZRANK', KEYS[2], ticket)
        else
          ahead = redis.call('ZCARD', KEYS[2])
        end
        local keep = int((window + stale) / 1000)
        if now >= opens and used + ahead + count <= limit then
          for i = 1, count do
            redis.call('ZADD', KEYS[1], int(now), ticket .. '#' .. i)
          end
          redis.call('ZREM', KEYS[2], ticket)
          redis.call('ZREM', KEYS[3], ticket)
          redis.call('PEXPIRE', KEYS[1], keep)
          return {1, 0}
        end
        if mode == 'take' then
          redis.call('ZADD', KEYS[3], int(now), ticket)
          redis.call('PEXPIRE', KEYS[2], keep)
          redis.call('PEXPIRE', KEYS[3], keep)
        end
        local wait = window
        local leaving = used + ahead + count - limit
        if leaving < 1 then
          wait = 0
        elseif leaving <= used then
          local p = redis.call('ZRANGE', KEYS[1], leaving - 1, leaving - 1, 'WITHSCORES')
          wait = tonumber(p[2]) + window - now
        end
        if opens - now > wait then wait = opens - now end
        if wait < 1000 then wait = 1000 end
        if wait > window then wait = window end
        return {0, math.floor(wait)}
        """;

    /// <summary>
    /// The least time between an answer that brought no permit (a wait, an error, an answer outside the contract, a
    /// timeout) and the replica's next call to the store: at most 100 such calls a second, whatever the store answers.
    /// The script's own shortest wait is 1 ms; a permit that frees sooner than this is taken a few ms late.
    /// </summary>
    internal static readonly TimeSpan MinimumAskInterval = TimeSpan.FromMilliseconds(10);

    /// <summary>How long an absent store marker means nothing: a day without sends.</summary>
    private static readonly TimeSpan MarkerLifetime = TimeSpan.FromDays(1);

    private static readonly Lease Acquired = new(true, null, null);

    private readonly Func<CancellationToken, Task<IDatabaseAsync>> _database;
    private readonly WhatsAppRateLimitContext _context;
    private readonly string _instance;
    private readonly RedisRateLimiterOptions _options;
    private readonly ILogger _logger;
    private readonly RedisKey[] _keys;
    private readonly RedisValue _limit;
    private readonly RedisValue _window;
    private readonly long _windowMicroseconds;
    private readonly long _maxWait;
    private readonly long _minimumAskInterval;
    private readonly Lease _waitedMaxWait;
    private readonly RedisValue _stale;
    private readonly RedisValue _markerLifetime;
    private readonly object _gate = new();
    private readonly LinkedList<Waiter> _queue = new();
    private readonly CancellationTokenSource _disposed = new();

    private bool _pumping;
    private string _ticket = NewTicket();
    private int _storeDown;

    /// <summary>When (a <see cref="Stopwatch"/> timestamp) the store may be asked again for a waiting send.</summary>
    private long _notBefore;
    private long _successful;
    private long _failed;

    /// <param name="database">The shared connection's database, connecting on first use until the token is cancelled.</param>
    /// <param name="context">The instance and its limit; <see cref="WhatsAppRateLimitContext.PermitsPerSecond"/> is positive.</param>
    /// <param name="options">The checked options.</param>
    /// <param name="logger">Where store faults and recoveries are logged.</param>
    public RedisSlidingWindowRateLimiter(Func<CancellationToken, Task<IDatabaseAsync>> database, WhatsAppRateLimitContext context, RedisRateLimiterOptions options, ILogger logger)
    {
        _database = database;
        _context = context;
        _instance = context.ToString();
        _options = options;
        _logger = logger;
        var tag = "{" + context.Provider.Name + ":" + context.InstanceId + "}";
        var prefix = options.KeyPrefix + tag;
        _keys = [prefix + ":permits", prefix + ":line", prefix + ":seen", prefix + ":fresh"];
        _limit = context.PermitsPerSecond;
        var windowMicroseconds = (long)(options.Window.Ticks / 10);
        _window = windowMicroseconds;
        _windowMicroseconds = windowMicroseconds;
        _maxWait = StopwatchTicks(options.MaxWait);
        _minimumAskInterval = StopwatchTicks(MinimumAskInterval);
        _waitedMaxWait = Refused("no permit from the shared rate limit store within MaxWait (" + options.MaxWait.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture) + " s); try later", options.StoreRetryAfter);
        // A waiting replica asks again at least once a window; one that has not asked for two windows and 2 s is gone.
        _stale = 2 * windowMicroseconds + 2_000_000;
        _markerLifetime = (long)MarkerLifetime.TotalMilliseconds;
    }

    /// <inheritdoc />
    public override TimeSpan? IdleDuration => null;

    /// <inheritdoc />
    public override RateLimiterStatistics? GetStatistics()
    {
        lock (_gate)
        {
            return new RateLimiterStatistics
            {
                CurrentAvailablePermits = 0,
                CurrentQueuedCount = _queue.Count,
                TotalSuccessfulLeases = Interlocked.Read(ref _successful),
                TotalFailedLeases = Interlocked.Read(ref _failed),
            };
        }
    }

    /// <summary>
    /// Asks the store once, without joining the line: acquired only when nobody waits, here or in another
    /// replica, and the window has room. Blocks for up to <see cref="RedisRateLimiterOptions.StoreTimeout"/>.
    /// </summary>
    protected override RateLimitLease AttemptAcquireCore(int permitCount)
    {
        CheckPermitCount(permitCount);
        lock (_gate)
        {
            if (_queue.Count > 0)
            {
                return Count(Refused("others are waiting", null));
            }
        }

        if (permitCount == 0)
        {
            return Count(Acquired);
        }

        try
        {
            var verdict = Task.Run(() => AskAsync("try", NewTicket(), permitCount)).GetAwaiter().GetResult();
            StoreAnswered();
            return Count(verdict.Granted ? Acquired : Refused("the shared limit is reached", verdict.Wait));
        }
        catch (Exception e) when (!_disposed.IsCancellationRequested)
        {
            StoreFailed(e);
            return Count(StoreFault(e));
        }
    }

    /// <inheritdoc />
    protected override ValueTask<RateLimitLease> AcquireAsyncCore(int permitCount, CancellationToken cancellationToken)
    {
        CheckPermitCount(permitCount);
        if (cancellationToken.IsCancellationRequested)
        {
            return new ValueTask<RateLimitLease>(Task.FromCanceled<RateLimitLease>(cancellationToken));
        }

        if (permitCount == 0)
        {
            return new ValueTask<RateLimitLease>(Count(Acquired));
        }

        var waiter = new Waiter(permitCount, Stopwatch.GetTimestamp() + _maxWait);
        bool start;
        lock (_gate)
        {
            // The first send in the queue is the one the store is being asked about; the others wait behind it.
            if (_queue.Count > _context.QueueLimit)
            {
                return new ValueTask<RateLimitLease>(Count(Refused("its queue is full", null)));
            }

            waiter.Node = _queue.AddLast(waiter);
            start = !_pumping;
            _pumping = true;
        }

        if (cancellationToken.CanBeCanceled)
        {
            waiter.CancellationToken = cancellationToken;
            waiter.Registration = cancellationToken.Register(static s => ((Tuple<RedisSlidingWindowRateLimiter, Waiter>)s!).Item1.Cancel(((Tuple<RedisSlidingWindowRateLimiter, Waiter>)s!).Item2), Tuple.Create(this, waiter));
        }

        if (start)
        {
            _ = PumpAsync();
        }

        return new ValueTask<RateLimitLease>(waiter.Task);
    }

    /// <summary>
    /// Asks the store for the first waiting send until the queue is empty; one pump at a time. Whatever fails
    /// unexpectedly fails the waiting sends and stops the pump, so that none waits for a pump that is gone.
    /// </summary>
    private async Task PumpAsync()
    {
        try
        {
            await PumpQueueAsync().ConfigureAwait(false);
        }
        catch (Exception e)
        {
            lock (_gate)
            {
                _pumping = false;
            }

            StoreFailed(e);
            FailAll(StoreUnavailable());
        }
    }

    private async Task PumpQueueAsync()
    {
        while (true)
        {
            int permits;
            string ticket;
            long deadline = 0;
            List<Waiter>? late = null;
            var now = Stopwatch.GetTimestamp();
            lock (_gate)
            {
                // Sends that waited MaxWait fail. All wait as long and joined in order, so they are the first ones.
                while (_queue.First is { } first && first.Value.Deadline <= now)
                {
                    _queue.RemoveFirst();
                    (late ??= []).Add(first.Value);
                }

                if (_queue.First is not { } head || _disposed.IsCancellationRequested)
                {
                    _pumping = false;
                    ticket = _ticket;
                    _ticket = NewTicket();
                    permits = 0;
                }
                else
                {
                    permits = head.Value.Permits;
                    deadline = head.Value.Deadline;
                    ticket = _ticket;
                }
            }

            if (late is not null)
            {
                foreach (var waiter in late)
                {
                    waiter.Complete(Count(_waitedMaxWait));
                }
            }

            if (permits == 0)
            {
                // Out of the line, so that the next replica need not wait for this ticket to go stale.
                if (!_disposed.IsCancellationRequested)
                {
                    _ = LeaveAsync(ticket);
                }

                return;
            }

            // Not before the store's wait is over, nor sooner than MinimumAskInterval after an answer without a
            // permit; the first send's deadline wakes the pump early, to fail it.
            var pause = Math.Min(Volatile.Read(ref _notBefore), deadline) - now;
            if (pause > 0)
            {
                try
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(Math.Ceiling(pause * 1000.0 / Stopwatch.Frequency)), _disposed.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                }

                continue;
            }

            Verdict verdict;
            try
            {
                verdict = await AskAsync("take", ticket, permits).ConfigureAwait(false);
            }
            catch (Exception e) when (!_disposed.IsCancellationRequested)
            {
                Volatile.Write(ref _notBefore, Stopwatch.GetTimestamp() + _minimumAskInterval);
                StoreFailed(e);
                FailAll(StoreFault(e));
                continue;
            }
            catch (Exception)
            {
                continue;
            }

            StoreAnswered();
            if (verdict.Granted)
            {
                Waiter? granted;
                lock (_gate)
                {
                    // The permit goes to whoever is first now: the send it was asked for may have been cancelled.
                    granted = _queue.First?.Value;
                    if (granted is not null)
                    {
                        _queue.RemoveFirst();
                    }

                    _ticket = NewTicket();
                }

                granted?.Complete(Count(Acquired));
                continue;
            }

            if (_context.QueueLimit == 0)
            {
                // No send may wait: the first fails now, and this replica leaves the line.
                Waiter? refused;
                lock (_gate)
                {
                    refused = _queue.First?.Value;
                    if (refused is not null)
                    {
                        _queue.RemoveFirst();
                    }
                }

                Volatile.Write(ref _notBefore, Stopwatch.GetTimestamp() + _minimumAskInterval);
                refused?.Complete(Count(Refused("the shared limit is reached", verdict.Wait)));
                continue;
            }

            Volatile.Write(ref _notBefore, Stopwatch.GetTimestamp() + Math.Max(StopwatchTicks(verdict.Wait), _minimumAskInterval));
        }
    }

    /// <summary>Runs the script, failing after the store timeout (connecting included).</summary>
    private async Task<Verdict> AskAsync(string mode, string ticket, int permits, bool stopOnDispose = true)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stopOnDispose ? _disposed.Token : CancellationToken.None);
        timeout.CancelAfter(_options.StoreTimeout);
        var database = await _database(timeout.Token).ConfigureAwait(false);
        // On a timeout the script may still run later: that only takes a permit no send uses.
        var answer = await RedisRateLimitConnections.Within(
            database.ScriptEvaluateAsync(Script, _keys, [ticket, permits, _limit, _window, _stale, mode, _markerLifetime]),
            "The rate limit store did not answer in time.",
            timeout.Token).ConfigureAwait(false);
        return Verdict.Read(answer, mode == "leave", _windowMicroseconds);
    }

    private async Task LeaveAsync(string ticket)
    {
        try
        {
            await AskAsync("leave", ticket, 1, stopOnDispose: false).ConfigureAwait(false);
        }
        catch (Exception)
        {
            // The ticket goes stale and leaves the line by itself.
        }
    }

    private void Cancel(Waiter waiter)
    {
        lock (_gate)
        {
            if (waiter.Node?.List is not null)
            {
                _queue.Remove(waiter.Node);
            }
        }

        waiter.Cancel();
    }

    private void FailAll(Lease lease)
    {
        List<Waiter> failed;
        lock (_gate)
        {
            failed = [.. _queue];
            _queue.Clear();
        }

        foreach (var waiter in failed)
        {
            waiter.Complete(Count(lease));
        }
    }

    private Lease StoreUnavailable() =>
        Refused("the shared rate limit store did not answer; try later", _options.StoreRetryAfter);

    /// <summary>The refusal for what a call to the store threw; the store's own words are never quoted.</summary>
    private Lease StoreFault(Exception e) =>
        e is RedisServerException ? Refused("the shared rate limit store answered with an error; try later", _options.StoreRetryAfter)
        : NotUnderstood(e) ? Refused("the shared rate limit store's answer was not understood; try later", _options.StoreRetryAfter)
        : StoreUnavailable();

    /// <summary>
    /// Whether the store answered outside the script's contract: read here, or not readable at all (StackExchange.Redis
    /// then drops the connection, as a protocol or internal failure, its reader having thrown).
    /// </summary>
    private static bool NotUnderstood(Exception e) =>
        e is UnexpectedAnswerException or RedisConnectionException { FailureType: ConnectionFailureType.ProtocolFailure or ConnectionFailureType.InternalFailure };

    /// <summary>Logs the first fault of an outage: a silent store, or one answering outside the script's contract.</summary>
    private void StoreFailed(Exception e)
    {
        if (Interlocked.Exchange(ref _storeDown, 1) == 0)
        {
            if (e is RedisServerException || NotUnderstood(e))
            {
                // The rule the answer broke, or the exception's type: never the store's words.
                LogStoreMisanswered(_logger, _instance, e is UnexpectedAnswerException ? e.Message : e.GetType().Name);
            }
            else
            {
                LogStoreFailed(_logger, _instance, e.GetType().Name, _options.StoreTimeout.TotalMilliseconds);
            }
        }
    }

    private void StoreAnswered()
    {
        if (Interlocked.Exchange(ref _storeDown, 0) == 1)
        {
            LogStoreAnswered(_logger, _instance);
        }
    }

    private static long StopwatchTicks(TimeSpan span) => (long)(span.TotalSeconds * Stopwatch.Frequency);

    private Lease Count(Lease lease)
    {
        Interlocked.Increment(ref lease.IsAcquired ? ref _successful : ref _failed);
        return lease;
    }

    private void CheckPermitCount(int permitCount)
    {
        if (permitCount < 0 || permitCount > _context.PermitsPerSecond)
        {
            throw new ArgumentOutOfRangeException(nameof(permitCount), permitCount, $"permitCount must be between 0 and the limit, {_context.PermitsPerSecond}.");
        }

        if (_disposed.IsCancellationRequested)
        {
            throw new ObjectDisposedException(nameof(RedisSlidingWindowRateLimiter));
        }
    }

    private static Lease Refused(string reason, TimeSpan? retryAfter) => new(false, reason, retryAfter);

    private static string NewTicket() => Guid.NewGuid().ToString("N");

    /// <summary>Names the instance and the limit, not the store.</summary>
    public override string ToString() => "Redis rate limiter for " + _instance;

    protected override void Dispose(bool disposing)
    {
        if (disposing && !_disposed.IsCancellationRequested)
        {
            string ticket;
            lock (_gate)
            {
                ticket = _ticket;
            }

            _ = LeaveAsync(ticket);
            _disposed.Cancel();
            FailAll(Refused("the sender was disposed", null));
        }

        base.Dispose(disposing);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The shared rate limit store did not answer within {TimeoutMs} ms for {Instance} ({Error}); sends fail with WhatsAppRateLimitedException, nothing sent, until it answers again")]
    private static partial void LogStoreFailed(ILogger logger, string instance, string error, double timeoutMs);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The shared rate limit store answered outside the permit script's contract for {Instance} ({Error}); sends fail with WhatsAppRateLimitedException, nothing sent, until it answers as the script does")]
    private static partial void LogStoreMisanswered(ILogger logger, string instance, string error);

    [LoggerMessage(Level = LogLevel.Information, Message = "The shared rate limit store answers again for {Instance}")]
    private static partial void LogStoreAnswered(ILogger logger, string instance);

    private readonly struct Verdict
    {
        private Verdict(bool granted, TimeSpan wait)
        {
            Granted = granted;
            Wait = wait;
        }

        public bool Granted { get; }

        public TimeSpan Wait { get; }

        /// <summary>
        /// The script's answer, read strictly: exactly two RESP integers, {1, 0} (granted) or {0, µs to wait} with
        /// the wait within the script's clamp, 1 ms to the window; {0, 0} when leaving the line. Anything else
        /// (numbers as strings or RESP3 types, another length, nesting, nulls, values the script cannot return) is
        /// no permit: it throws <see cref="UnexpectedAnswerException"/>, naming the rule, not the bytes.
        /// </summary>
        public static Verdict Read(RedisResult? answer, bool leaving, long windowMicroseconds)
        {
            if (answer is null || answer.IsNull || answer.Resp3Type != ResultType.Array || answer.Length != 2)
            {
                throw new UnexpectedAnswerException("not an array of two elements");
            }

            if (!Integer(answer[0], out var granted) || !Integer(answer[1], out var wait))
            {
                throw new UnexpectedAnswerException("not two integers");
            }

            if (leaving)
            {
                return granted == 0 && wait == 0 ? new Verdict(false, TimeSpan.Zero) : throw new UnexpectedAnswerException("not {0, 0} to leaving the line");
            }

            return granted switch
            {
                1 when wait == 0 => new Verdict(true, TimeSpan.Zero),
                0 when wait >= 1000 && wait <= windowMicroseconds => new Verdict(false, TimeSpan.FromTicks(wait * 10)),
                0 or 1 => throw new UnexpectedAnswerException("a wait outside 1 ms to the window, or a grant with a wait"),
                _ => throw new UnexpectedAnswerException("a first element neither 0 nor 1"),
            };
        }

        private static bool Integer(RedisResult item, out long value)
        {
            value = 0;
            return item is { IsNull: false, Resp3Type: ResultType.Integer } && ((RedisValue)item).TryParse(out value);
        }
    }

    /// <summary>The store answered the script with something the script does not return; the message is the rule it broke.</summary>
    private sealed class UnexpectedAnswerException(string rule) : Exception(rule);

    private sealed class Waiter
    {
        private readonly TaskCompletionSource<RateLimitLease> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Waiter(int permits, long deadline)
        {
            Permits = permits;
            Deadline = deadline;
        }

        public int Permits { get; }

        /// <summary>When (a <see cref="Stopwatch"/> timestamp) the send has waited MaxWait.</summary>
        public long Deadline { get; }

        public LinkedListNode<Waiter>? Node { get; set; }

        public CancellationTokenRegistration Registration { get; set; }

        public CancellationToken CancellationToken { get; set; }

        public Task<RateLimitLease> Task => _completion.Task;

        public void Complete(RateLimitLease lease)
        {
            Registration.Dispose();
            _completion.TrySetResult(lease);
        }

        public void Cancel() => _completion.TrySetCanceled(CancellationToken);
    }

    private sealed class Lease : RateLimitLease
    {
        private readonly string? _reason;
        private readonly TimeSpan? _retryAfter;

        public Lease(bool acquired, string? reason, TimeSpan? retryAfter)
        {
            IsAcquired = acquired;
            _reason = reason;
            _retryAfter = retryAfter;
        }

        public override bool IsAcquired { get; }

        public override IEnumerable<string> MetadataNames
        {
            get
            {
                if (_reason is not null)
                {
                    yield return MetadataName.ReasonPhrase.Name;
                }

                if (_retryAfter is not null)
                {
                    yield return MetadataName.RetryAfter.Name;
                }
            }
        }

        public override bool TryGetMetadata(string metadataName, out object? metadata)
        {
            if (metadataName == MetadataName.ReasonPhrase.Name && _reason is not null)
            {
                metadata = _reason;
                return true;
            }

            if (metadataName == MetadataName.RetryAfter.Name && _retryAfter is not null)
            {
                metadata = _retryAfter.Value;
                return true;
            }

            metadata = null;
            return false;
        }
    }
}
