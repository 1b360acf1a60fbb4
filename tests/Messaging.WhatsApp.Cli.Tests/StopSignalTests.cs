using System;
using System.Collections.Generic;
using System.Linq;
using System.Net.Sockets;
using System.Text;
using System.Threading.Tasks;
using NUnit.Framework;
using WireMock;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace Messaging.WhatsApp.Cli.Tests;

/// <summary>
/// whatsapp-send as a real process stopped by Ctrl+C (SIGINT) or SIGTERM while it sends (exit 6: the message may
/// have been sent), while it waits for the delivery status (exit 8: it was sent), or while listen waits for a
/// request in progress (exit 0, however long that takes), as the README documents. A test WireMock server stands in
/// for GREEN-API.
/// </summary>
[TestFixture]
[Platform(Exclude = "Win", Reason = "POSIX signals sent with kill(1)")]
public sealed class StopSignalTests
{
    private const string IdInstance = "1101000001";
    private const string Token = "d75b3a66374942c5b3c019c698abc2067e151558acbd412345";
    private const string MessageId = "BAE5F4886F6F2D05";

    private TaskCompletionSource _sendArrived = null!;
    private TaskCompletionSource _releaseSend = null!;
    private WireMockServer _server = null!;

    [SetUp]
    public void StartServer()
    {
        // Per test: NUnit runs every case on the same instance.
        _sendArrived = new(TaskCreationOptions.RunContinuationsAsynchronously);
        _releaseSend = new(TaskCreationOptions.RunContinuationsAsynchronously);
        _server = WireMockServer.Start();
    }

    [TearDown]
    public void StopServer()
    {
        _releaseSend.TrySetResult();
        _server.Dispose();
    }

    [TestCase("TERM", 15)]
    [TestCase("INT", 2)]
    public async Task Send_AsAProcess_SignalDuringTheSend_Exits6(string signal, int number)
    {
        // The gateway holds the send until the test ends: the signal arrives while the request is in flight.
        _server
            .Given(SendRequest())
            .RespondWith(Response.Create().WithCallback(async _ =>
            {
                _sendArrived.TrySetResult();
                await _releaseSend.Task;
                return new ResponseMessage { StatusCode = 500 };
            }));
        using var process = CliProcess.Start(GreenApiSettings(), "--provider", "green-api", "--to", "905301234567", "--text", "Hello");
        await _sendArrived.Task.WaitAsync(TimeSpan.FromSeconds(30));

        await process.SignalAsync(signal, number);
        var exit = process.WaitForExit();

        var stderr = process.Stderr.Where(l => l.Length > 0).ToList();
        Assert.That(exit, Is.EqualTo(6), process.ToString());
        // One failure line; the SDK's warning about the cancelled request may come before or after it.
        Assert.That(stderr.Where(l => l.StartsWith("failed: ", StringComparison.Ordinal)), Has.One.Contain("may have been sent").And.Exactly(1).Items);
        Assert.That(process.Stdout.Where(l => l.Length > 0), Is.Empty);
        Assert.That(string.Join("\n", stderr), Does.Not.Contain(Token));
    }

    [TestCase("TERM", 15)]
    [TestCase("INT", 2)]
    public async Task Send_AsAProcess_SignalDuringTheWait_Exits8(string signal, int number)
    {
        _server
            .Given(SendRequest())
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json").WithBody($$"""{"idMessage":"{{MessageId}}"}"""));
        var environment = GreenApiSettings();
        environment["GreenApi__WebhookToken"] = Recordings.GreenApiWebhookToken;
        using var process = CliProcess.Start(
            environment,
            "--provider", "green-api", "--to", "905301234567", "--text", "Hello", "--wait", "600", "--port", "0", "--public-url", "https://hooks.example.test");
        await process.WaitForStdoutAsync(l => l.StartsWith("sent via GREEN-API: message " + MessageId, StringComparison.Ordinal));

        await process.SignalAsync(signal, number);
        var exit = process.WaitForExit();

        Assert.That(exit, Is.EqualTo(8), process.ToString());
        Assert.That(
            process.Stderr.Where(l => l.StartsWith("failed: ", StringComparison.Ordinal)),
            Has.One.StartWith($"failed: stopped waiting: no final status for message {MessageId}").And.Exactly(1).Items);
    }

    [TestCase("TERM", 15)]
    [TestCase("INT", 2)]
    public async Task Listen_AsAProcess_SignalWhileARequestIsInProgress_WaitsForItAndExits0(string signal, int number)
    {
        using var process = CliProcess.Start(
            new Dictionary<string, string?> { ["GreenApi__WebhookToken"] = Recordings.GreenApiWebhookToken },
            "listen", "--port", "0");
        await process.WaitForStderrAsync(l => l.StartsWith("listening for green-api at ", StringComparison.Ordinal));
        var local = new Uri(process.Stderr.First(l => l.StartsWith("listening on ", StringComparison.Ordinal))["listening on ".Length..]);

        // A notification whose body never comes: the endpoint has accepted the token and is reading the body when
        // Kestrel answers 100 Continue. Stopping waits for it until the host's shutdown timeout (5 s), longer than
        // System.CommandLine would wait before exiting with the signal's code (130 or 143) had it handled the signal.
        using var client = new TcpClient();
        await client.ConnectAsync(local.Host, local.Port);
        var stream = client.GetStream();
        var head = "POST /whatsapp/green-api HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer " + Recordings.GreenApiWebhookToken
            + "\r\nContent-Type: application/json\r\nContent-Length: 1000\r\nExpect: 100-continue\r\n\r\n";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head));
        var answer = new StringBuilder();
        var buffer = new byte[64];
        while (!answer.ToString().Contains("\r\n\r\n", StringComparison.Ordinal))
        {
            var read = await stream.ReadAsync(buffer).AsTask().WaitAsync(TimeSpan.FromSeconds(30));
            Assert.That(read, Is.GreaterThan(0), "closed after: " + answer);
            answer.Append(Encoding.ASCII.GetString(buffer, 0, read));
        }

        Assert.That(answer.ToString(), Does.StartWith("HTTP/1.1 100 Continue"));

        await process.SignalAsync(signal, number);
        var exit = process.WaitForExit();

        Assert.That(exit, Is.EqualTo(0), process.ToString());
        Assert.That(process.Stdout.Where(l => l.Length > 0), Is.Empty);
    }

    private static IRequestBuilder SendRequest() =>
        Request.Create().UsingPost().WithPath($"/waInstance{IdInstance}/sendMessage/{Token}");

    /// <summary>Real GREEN-API settings aimed at the test server; they win over any of the machine's.</summary>
    private Dictionary<string, string?> GreenApiSettings() => new()
    {
        ["GreenApi__ApiUrl"] = _server.Url,
        ["GreenApi__IdInstance"] = IdInstance,
        ["GreenApi__ApiTokenInstance"] = Token,
    };
}
