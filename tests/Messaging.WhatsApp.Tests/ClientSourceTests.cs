using System;
using System.Net.Http;
using NUnit.Framework;

namespace Messaging.WhatsApp.Tests;

/// <summary>The sender reuses a client from IHttpClientFactory for a minute, then asks for a new one.</summary>
public sealed class ClientSourceTests
{
    [Test]
    public void Get_WithinAndAfterAMinute_ReusesTheClientThenMakesANewOne()
    {
        var time = new ManualTime();
        var source = Counting(time, out var created);

        var first = source.Get();
        time.Advance(TimeSpan.FromSeconds(59));
        var second = source.Get();
        time.Advance(TimeSpan.FromSeconds(2));
        var third = source.Get();

        Assert.Multiple(() =>
        {
            Assert.That(second, Is.SameAs(first));
            Assert.That(third, Is.Not.SameAs(first));
            Assert.That(created(), Is.EqualTo(2));
        });
    }

    [Test]
    public void Get_OnTheSystemClock_ReusesTheClient()
    {
        // The system clock is read as a millisecond tick count rather than through TimeProvider: one client for
        // every send within the minute, as with any other clock.
        var source = Counting(TimeProvider.System, out var created);

        var first = source.Get();
        for (var i = 0; i < 1000; i++)
        {
            Assert.That(source.Get(), Is.SameAs(first));
        }

        Assert.That(created(), Is.EqualTo(1));
    }

    /// <summary>A source over new HttpClients; <paramref name="created"/> tells how many it asked for.</summary>
    private static ClientSource<object> Counting(TimeProvider time, out Func<int> created)
    {
        var count = 0;
        created = () => count;
        return new ClientSource<object>(
            () =>
            {
                count++;
                return new HttpClient();
            },
            http => new object(),
            time);
    }

    private sealed class ManualTime : TimeProvider
    {
        private long _ticks;

        public override long TimestampFrequency => TimeSpan.TicksPerSecond;

        public override long GetTimestamp() => _ticks;

        public void Advance(TimeSpan by) => _ticks += by.Ticks;
    }
}
