using System;

namespace Messaging.WhatsApp.Tests.Infrastructure;

/// <summary>A clock that reads what the test set (<see cref="UtcNow"/>); timers and timestamps stay real.</summary>
public sealed class ManualClock : TimeProvider
{
    public ManualClock(DateTimeOffset now) => UtcNow = now;

    public DateTimeOffset UtcNow { get; set; }

    public override DateTimeOffset GetUtcNow() => UtcNow;
}
