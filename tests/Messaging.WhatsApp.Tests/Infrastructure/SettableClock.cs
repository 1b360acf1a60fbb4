using System;
using System.Threading;

namespace Messaging.WhatsApp.Tests.Infrastructure;

/// <summary>
/// A clock the test sets: the time and the timestamps (what elapsed-time checks read) move only when told. Timers run
/// in real time unless a derived clock takes them (<see cref="SteppedTimeProvider"/>).
/// </summary>
public class SettableClock(DateTimeOffset start) : TimeProvider
{
    private long _ticks = start.UtcTicks;

    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    public override DateTimeOffset GetUtcNow() => new(Interlocked.Read(ref _ticks), TimeSpan.Zero);

    public override long GetTimestamp() => Interlocked.Read(ref _ticks);

    public void Set(DateTimeOffset now) => Interlocked.Exchange(ref _ticks, now.UtcTicks);

    /// <summary>Moves the clock without firing anything.</summary>
    public void Advance(TimeSpan by) => Interlocked.Add(ref _ticks, by.Ticks);
}
