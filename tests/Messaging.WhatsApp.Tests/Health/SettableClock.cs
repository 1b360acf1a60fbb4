using System;
using System.Threading;

namespace Messaging.WhatsApp.Tests.Health;

/// <summary>
/// A clock the test sets: the time and the timestamps (what elapsed-time checks read) move only when told. Timers run
/// in real time, or fire at once when <paramref name="timersFireAtOnce"/> (for a loop whose waits the test does not
/// measure).
/// </summary>
public sealed class SettableClock(DateTimeOffset start, bool timersFireAtOnce = false) : TimeProvider
{
    private long _ticks = start.UtcTicks;

    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    public override DateTimeOffset GetUtcNow() => new(Interlocked.Read(ref _ticks), TimeSpan.Zero);

    public override long GetTimestamp() => Interlocked.Read(ref _ticks);

    public void Set(DateTimeOffset now) => Interlocked.Exchange(ref _ticks, now.UtcTicks);

    public void Advance(TimeSpan by) => Interlocked.Add(ref _ticks, by.Ticks);

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period) =>
        base.CreateTimer(callback, state, timersFireAtOnce && dueTime != Timeout.InfiniteTimeSpan ? TimeSpan.Zero : dueTime, period);
}
