using System;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Messaging.WhatsApp.GreenApi;
using Messaging.WhatsApp.Maytapi;
using Messaging.WhatsApp.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using NUnit.Framework;

namespace Messaging.WhatsApp.Tests.Health;

/// <summary>
/// getStateInstance and listPhones answered by a raw socket server that misbehaves on the wire: it stalls after the
/// headers, or sends a chunked body whose chunk sizes are no sizes. The ask must end with a typed
/// <see cref="WhatsAppException"/> (never a state, never a bare IOException or cancellation) within the sender's
/// <c>Timeout</c>, bounded here by a minute that only a hang exceeds, and leave nothing learned.
/// </summary>
public sealed class StateAnswerRawSocketTests
{
    private const string GreenBody = """{"stateInstance":"authorized"}""";

    private const string MaytapiBody = """[{"id":12,"status":"active"}]""";

    private static readonly TimeSpan HangBound = TimeSpan.FromSeconds(60);

    [TestCase("green-api")]
    [TestCase("maytapi")]
    public async Task GetInstanceState_ServerStallsAfterTheHeaders_EndsTypedWithinTheTimeout(string provider)
    {
        using var release = new CancellationTokenSource();
        await using var server = new RawHttpServer(async (_, responder) =>
        {
            await responder.WriteAsync("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n[{\"stat");
            try
            {
                await Task.Delay(Timeout.Infinite, release.Token);
            }
            catch (OperationCanceledException)
            {
            }

            responder.Close();
        });
        using var services = Services(server.Url);
        var source = Source(services, provider);

        Exception? error;
        try
        {
            error = await ErrorOf(source);
        }
        finally
        {
            await release.CancelAsync();
        }

        Assert.Multiple(() =>
        {
            Assert.That(error, Is.InstanceOf<WhatsAppException>(), $"{provider}: a stalled body ends typed, not with {error?.GetType().FullName}: {error}");
            Assert.That(source.InstanceState.Current.LearnedAt, Is.Null, "nothing was learned");
        });
    }

    [TestCase("green-api", "ZZ")]
    [TestCase("green-api", "-1e")]
    [TestCase("green-api", "1e1e1e1e1e1e1e1e1e1e")]
    [TestCase("green-api", "40")]
    [TestCase("green-api", "1e no CRLF after the data")]
    [TestCase("maytapi", "ZZ")]
    [TestCase("maytapi", "-1d")]
    [TestCase("maytapi", "1d1d1d1d1d1d1d1d1d1d")]
    [TestCase("maytapi", "40")]
    [TestCase("maytapi", "1d no CRLF after the data")]
    public async Task GetInstanceState_ChunkedBodyWithBadChunkSizes_EndsTyped(string provider, string size)
    {
        var body = provider == "maytapi" ? MaytapiBody : GreenBody;
        var chunks = size.EndsWith("no CRLF after the data", StringComparison.Ordinal)
            ? $"{size[..2]}\r\n{body}XX0\r\n\r\n"
            : $"{size}\r\n{body}\r\n0\r\n\r\n";
        var response = Encoding.ASCII.GetBytes("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n" + chunks);
        await using var server = new RawHttpServer(async (_, responder) =>
        {
            await responder.WriteAsync(response);
            responder.Close();
        });
        using var services = Services(server.Url);
        var source = Source(services, provider);

        var error = await ErrorOf(source);

        Assert.Multiple(() =>
        {
            Assert.That(body.Length, Is.EqualTo(provider == "maytapi" ? 0x1d : 0x1e), "the one good size is the body's");
            Assert.That(error, Is.InstanceOf<WhatsAppException>(), $"{provider}, chunk size '{size}': ends typed, not with {error?.GetType().FullName}: {error}");
            Assert.That(source.InstanceState.Current.LearnedAt, Is.Null, "nothing was learned");
        });
    }

    /// <summary>What the ask threw, or null when it answered a state; a hang fails the test after <see cref="HangBound"/>.</summary>
    private static async Task<Exception?> ErrorOf(IInstanceStateSource source)
    {
        var ask = source.GetInstanceStateAsync(CancellationToken.None);
        if (await Task.WhenAny(ask, Task.Delay(HangBound)) != ask)
        {
            throw new AssertionException($"no end within {HangBound.TotalSeconds} s: a hang");
        }

        try
        {
            await ask;
            return null;
        }
        catch (Exception e)
        {
            return e;
        }
    }

    private static IInstanceStateSource Source(TestServices services, string provider) =>
        provider == "maytapi" ? (IInstanceStateSource)services.MaytapiSender : (IInstanceStateSource)services.GreenApiSender;

    /// <summary>Both senders on <paramref name="root"/>, a second's Timeout and no retries: one ask, one answer.</summary>
    private static TestServices Services(Uri root) =>
        TestServices.With(s =>
        {
            s.AddGreenApi(o =>
            {
                TestServices.ConfigureGreenApi(o);
                o.ApiUrl = root;
                o.Timeout = TimeSpan.FromSeconds(1);
                o.Retry.Enabled = false;
            });
            s.AddMaytapi(o =>
            {
                TestServices.ConfigureMaytapi(o);
                o.ApiUrl = new Uri(root, "api/");
                o.Timeout = TimeSpan.FromSeconds(1);
                o.Retry.Enabled = false;
            });
        });
}
