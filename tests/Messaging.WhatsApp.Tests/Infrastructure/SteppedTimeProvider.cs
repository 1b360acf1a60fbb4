using System;
using System.Threading;
using System.Threading.Channels;
using System.Threading.Tasks;

namespace Messaging.WhatsApp.Tests.Infrastructure;

/// <summary>
/// A clock that moves only when the test says: every timer asked for waits in a queue until <see cref="NextDelayAsync"/>
/// takes it, moves the clock by its due time and fires it. The test thus sees each wait the code under test asks for, in
/// order, and nothing waits in real time (the real-time bound in <see cref="NextDelayAsync"/> only catches a hang).
/// </summary>
public sealed class SteppedTimeProvider(DateTimeOffset start) : SettableClock(start)
{
    private readonly Channel<SteppedTimer> _timers = Channel.CreateUnbounded<SteppedTimer>();

    /// <summary>
    /// Taken when each timer is asked for, and returned with it by <see cref="NextAsync"/>: what the code under test had
    /// done when it began to wait, read before the wait ends and the code runs on.
    /// </summary>
    public Func<object?>? Snapshot { get; set; }

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = new SteppedTimer(callback, state, dueTime, Snapshot?.Invoke());
        _timers.Writer.TryWrite(timer);
        return timer;
    }

    /// <summary>
    /// Waits for the next timer still pending (one disposed meanwhile is skipped), moves the clock by its due time, fires
    /// it and returns the due time.
    /// </summary>
    public async Task<TimeSpan> NextDelayAsync() => (await NextAsync()).Due;

    /// <summary>As <see cref="NextDelayAsync"/>, with the <see cref="Snapshot"/> taken when the timer was asked for.</summary>
    public async Task<(TimeSpan Due, object? Snapshot)> NextAsync()
    {
        using var hang = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (true)
        {
            var timer = await _timers.Reader.ReadAsync(hang.Token);
            if (timer.Disposed)
            {
                continue;
            }

            Advance(timer.Due);
            timer.Fire();
            return (timer.Due, timer.Snapshot);
        }
    }

    private sealed class SteppedTimer(TimerCallback callback, object? state, TimeSpan due, object? snapshot) : ITimer
    {
        public TimeSpan Due { get; } = due;

        public object? Snapshot { get; } = snapshot;

        public bool Disposed { get; private set; }

        public void Fire() => callback(state);

        public bool Change(TimeSpan dueTime, TimeSpan period) => false;

        public void Dispose() => Disposed = true;

        public ValueTask DisposeAsync()
        {
            Disposed = true;
            return ValueTask.CompletedTask;
        }
    }
}
