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
        var created = 0;
        var source = new ClientSource<object>(
            () =>
            {
                created++;
                return new HttpClient();
            },
            http => new object(),
            time);

        var first = source.Get();
        time.Advance(TimeSpan.FromSeconds(59));
        var second = source.Get();
        time.Advance(TimeSpan.FromSeconds(2));
        var third = source.Get();

        Assert.Multiple(() =>
        {
            Assert.That(second, Is.SameAs(first));
            Assert.That(third, Is.Not.SameAs(first));
            Assert.That(created, Is.EqualTo(2));
        });
    }

    private sealed class ManualTime : TimeProvider
    {
        private long _ticks;

        public override long TimestampFrequency => TimeSpan.TicksPerSecond;

        public override long GetTimestamp() => _ticks;

        public void Advance(TimeSpan by) => _ticks += by.Ticks;
    }
}
