using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;
using Messaging.WhatsApp.Tests.Infrastructure;
using NUnit.Framework;
using WireMock.ResponseBuilders;

namespace Messaging.WhatsApp.Tests;

/// <summary>
/// Transport faults after the request was written end in <see cref="WhatsAppOutcomeUnknownException"/>,
/// sent once; a cancellation the caller asked for stays an <see cref="OperationCanceledException"/>.
/// </summary>
public sealed class FaultTests
{
    private static readonly ChatAddress Person = ChatAddress.Parse("905301111111");

    public static IEnumerable<TestCaseData> Faults() =>
        TestProvider.Names.SelectMany(provider => new[] { FaultType.EMPTY_RESPONSE, FaultType.MALFORMED_RESPONSE_CHUNK }.Select(fault => new TestCaseData(provider, fault)));

    [TestCaseSource(nameof(Faults))]
    public void Send_WireMockFault_IsOutcomeUnknownSentOnce(string provider, FaultType fault)
    {
        using var services = TestServices.For(provider);
        TestServices.Answer(TestProvider.Named(provider), Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json").WithBody("{\"idMessage\":\"x\"}").WithFault(fault));

        var error = Assert.ThrowsAsync<WhatsAppOutcomeUnknownException>(() => services.Sender.SendTextAsync(Person, "hi"))!;

        Assert.Multiple(() =>
        {
            Assert.That(error.IsSafeToRetry, Is.False);
            Assert.That(TestServices.RequestsReceived, Is.EqualTo(1));
        });
    }

    [TestCaseSource(typeof(TestProvider), nameof(TestProvider.Names))]
    public async Task Send_ConnectionResetAfterRequest_IsOutcomeUnknownSentOnce(string provider)
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var url = new Uri($"http://127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}/");
        var connections = 0;
        var server = Task.Run(async () =>
        {
            while (true)
            {
                using var socket = await listener.AcceptSocketAsync();
                Interlocked.Increment(ref connections);
                var buffer = new byte[64 * 1024];
                await socket.ReceiveAsync(buffer);
                socket.LingerState = new LingerOption(true, 0);
                socket.Close();
            }
        });
        using var services = TestServices.For(provider, url);

        var error = Assert.ThrowsAsync<WhatsAppOutcomeUnknownException>(() => services.Sender.SendTextAsync(Person, "hi"))!;
        await Task.Delay(200);

        Assert.Multiple(() =>
        {
            Assert.That(error.HttpStatus, Is.Null);
            Assert.That(connections, Is.EqualTo(1), "one connection, never a resend");
            Assert.That(server.IsFaulted, Is.False);
        });
        listener.Stop();
    }

    [TestCaseSource(typeof(TestProvider), nameof(TestProvider.Names))]
    public async Task Send_CallerCancelsWhileWaiting_ThrowsOperationCanceledSentOnce(string provider)
    {
        using var services = TestServices.For(provider);
        TestServices.Answer(TestProvider.Named(provider), TestServices.Json(200, "{}").WithDelay(TimeSpan.FromSeconds(1)));
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));

        Assert.CatchAsync<OperationCanceledException>(() => services.Sender.SendTextAsync(Person, "hi", cancellationToken: cancel.Token));

        Assert.That(await TestServices.RequestsReceivedAfter(TimeSpan.FromSeconds(1.5)), Is.EqualTo(1));
    }

    [TestCaseSource(typeof(TestProvider), nameof(TestProvider.Names))]
    public void Send_AlreadyCancelled_SendsNothing(string provider)
    {
        using var services = TestServices.For(provider);
        TestServices.Answer(TestProvider.Named(provider), TestServices.Json(200, "{}"));

        Assert.CatchAsync<OperationCanceledException>(() => services.Sender.SendTextAsync(Person, "hi", cancellationToken: new CancellationToken(canceled: true)));

        Assert.That(TestServices.RequestsReceived, Is.Zero);
    }
}
