using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using System.Threading.Tasks;
using Messaging.WhatsApp.Ledger;
using Newtonsoft.Json.Linq;
using NUnit.Framework;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace Messaging.WhatsApp.Cli.Tests;

/// <summary>
/// <c>--key</c> records a send in the message ledger (a SQLite file, <c>--ledger</c>); a send again with the key sends
/// nothing and prints the record; <c>status &lt;key&gt;</c> prints the record and its timeline. Against the sandbox, and
/// against a test WireMock server standing in for the gateway, which counts the requests that reach it.
/// </summary>
[TestFixture]
public sealed class LedgerTests
{
    private const string IdInstance = "1101000001";
    private const string Token = "d75b3a66374942c5b3c019c698abc2067e151558acbd412345";
    private const string ProductId = "11111111-2222-3333-4444-555555555555";
    private const string PhoneId = "12";
    private const string ApiKey = "test-maytapi-key-0000";
    private const string GreenApiMessageId = "BAE5F4886F6F2D05";
    private const string MaytapiMessageId = "7c9a2f10-0c1d-11ef-9e6b-8f2a3b4c5d6e";
    private const string GreenApiSendPath = $"/waInstance{IdInstance}/sendMessage/{Token}";
    private const string MaytapiSendPath = $"/api/{ProductId}/{PhoneId}/sendMessage";

    /// <summary>A timeline line: time, kind, status, provider status, error, apart by two spaces.</summary>
    private static readonly Regex TimelineLine = new(@"^  (\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ)  (\S+) *  (\S+) *  (\S+)  (.+)$");

    /// <summary>The kinds and statuses of a sandbox send's timeline once delivered.</summary>
    private static readonly string[] Kinds = ["recorded", "accepted", "status", "status"];

    private static readonly string[] Statuses = ["-", "queued", "sent", "delivered"];

    private WireMockServer _server = null!;
    private string _folder = null!;

    private string Ledger => Path.Combine(_folder, "ledger.db");

    [SetUp]
    public void SetUp()
    {
        _folder = Path.Combine(Path.GetTempPath(), "whatsapp-send-ledger-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_folder);
        _server = WireMockServer.Start();
        _server
            .Given(Request.Create().UsingPost().WithPath(GreenApiSendPath))
            .RespondWith(Json($$"""{"idMessage":"{{GreenApiMessageId}}"}"""));
        _server
            .Given(Request.Create().UsingPost().WithPath(MaytapiSendPath))
            .RespondWith(Json($$$"""{"success":true,"data":{"chatId":"905301234567@c.us","msgId":"{{{MaytapiMessageId}}}"}}"""));
    }

    [TearDown]
    public void TearDown()
    {
        _server.Dispose();
        Directory.Delete(_folder, recursive: true);
    }

    // The record keeps the chat as ChatAddress.Id spells it, Maytapi's too (its to_number has no @c.us): one spelling per chat.
    [TestCase("green-api", "GREEN-API", "sent", "delivered", "905301111111@c.us")]
    [TestCase("maytapi", "Maytapi", "delivered", "reached", "905301111111@c.us")]
    public async Task Sandbox_KeyWithWaitThenTheSameSendThenStatus_OneMessageItsRecordAndQueuedSentDelivered(string provider, string name, string sentWord, string deliveredWord, string recordedChat)
    {
        string[] send = ["--provider", provider, "--to", "+90 530 111 11 11", "--text", "Hello", "--key", "order-42", "--ledger", Ledger];

        var first = await CliRun.RunAsync([.. send, "--wait", "30"]);
        var again = await CliRun.RunAsync(send);
        var status = await CliRun.RunAsync("status", "order-42", "--ledger", Ledger);

        Assert.That(first.ExitCode, Is.EqualTo(0), first.ToString());
        Assert.That(first.StdoutLines, Has.Length.EqualTo(3), first.ToString());
        var messageId = SandboxTests.MessageIdOf(first.StdoutLines[0]);
        Assert.Multiple(() =>
        {
            Assert.That(first.StdoutLines[0], Does.StartWith($"sent via {name} (sandbox): message {messageId} to "));
            Assert.That(first.StdoutLines[1], Does.Contain($"\"messageId\":\"{messageId}\"").And.Contain("\"status\":\"sent\""));
            Assert.That(first.StdoutLines[2], Does.Contain($"\"messageId\":\"{messageId}\"").And.Contain("\"status\":\"delivered\""));
            Assert.That(again.ExitCode, Is.EqualTo(0), again.ToString());
            Assert.That(again.StdoutLines, Has.Length.EqualTo(1), again.ToString());

            // The sandbox names each message anew: the same id is the record's, not a second send's.
            Assert.That(again.StdoutLines[0], Does.Match(
                $@"^already sent via {name} \(sandbox\): message {messageId} to {Regex.Escape(recordedChat)} \(recorded \d{{4}}-\d\d-\d\dT\d\d:\d\d:\d\dZ, now delivered; nothing sent\)$"));
            Assert.That(again.Stderr, Is.Empty);

            Assert.That(status.ExitCode, Is.EqualTo(0), status.ToString());
            Assert.That(status.Stderr, Is.Empty);
        });

        var lines = status.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r')).ToArray();
        Assert.That(lines, Has.Length.EqualTo(5), status.ToString());
        Assert.That(lines[0], Does.Match(
            $@"^order-42: {name} \(sandbox\) to {Regex.Escape(recordedChat)}: accepted as message {messageId}, now delivered \(recorded \d{{4}}-\d\d-\d\dT\d\d:\d\d:\d\dZ, 1 attempt\)$"));
        var steps = lines.Skip(1).Select(l => TimelineLine.Match(l)).ToList();
        Assert.That(steps.Select(s => s.Success), Is.All.True, status.ToString());
        Assert.Multiple(() =>
        {
            Assert.That(steps.Select(s => s.Groups[2].Value), Is.EqualTo(Kinds));
            Assert.That(steps.Select(s => s.Groups[3].Value), Is.EqualTo(Statuses));
            Assert.That(steps.Select(s => s.Groups[4].Value), Is.EqualTo(new[] { "-", "-", sentWord, deliveredWord }));
            Assert.That(steps.Select(s => s.Groups[5].Value), Is.All.EqualTo("-"));
            var times = steps.Select(s => DateTimeOffset.ParseExact(s.Groups[1].Value, "yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal)).ToList();
            Assert.That(times, Is.Ordered, "in the order they happened");
        });
    }

    [TestCase("green-api", GreenApiSendPath, GreenApiMessageId, "GREEN-API", "905301234567@c.us")]
    [TestCase("maytapi", MaytapiSendPath, MaytapiMessageId, "Maytapi", "905301234567@c.us")]
    public async Task Send_SameKeyAndTextTwice_OneRequestReachesTheGatewayAndTheSecondPrintsTheRecord(string provider, string path, string messageId, string name, string recordedChat)
    {
        string[] send = ["--provider", provider, "--to", "905301234567", "--text", "Hello", "--key", "k-1", "--ledger", Ledger];

        var first = await CliRun.RunAsync(RealConfiguration(), send);
        var again = await CliRun.RunAsync(RealConfiguration(), send);

        Assert.Multiple(() =>
        {
            Assert.That(first.ExitCode, Is.EqualTo(0), first.ToString());
            Assert.That(first.Stdout.TrimEnd(), Is.EqualTo($"sent via {name}: message {messageId} to 905301234567@c.us"));
            Assert.That(again.ExitCode, Is.EqualTo(0), again.ToString());
            Assert.That(again.Stdout.TrimEnd(), Does.Match($@"^already sent via {name}: message {messageId} to {Regex.Escape(recordedChat)} \(recorded [^,]+Z, now queued; nothing sent\)$"));
            Assert.That(again.Stderr, Is.Empty, "no log of the refused insert");
            Assert.That(SendRequests(path), Is.EqualTo(1), "the second send sent nothing");
        });
    }

    [Test]
    public async Task Send_SameKeyOtherText_Exits2NamingTheKeyAndSendsNothing()
    {
        var first = await CliRun.RunAsync(RealConfiguration(), "--provider", "green-api", "--to", "905301234567", "--text", "Hello", "--key", "k-1", "--ledger", Ledger);
        var other = await CliRun.RunAsync(RealConfiguration(), "--provider", "green-api", "--to", "905301234567", "--text", "Hello again", "--key", "k-1", "--ledger", Ledger);

        Assert.Multiple(() =>
        {
            Assert.That(first.ExitCode, Is.EqualTo(0), first.ToString());
            Assert.That(other.ExitCode, Is.EqualTo(2), other.ToString());
            Assert.That(other.StderrLines, Has.Length.EqualTo(1), other.ToString());
            Assert.That(other.Stderr, Does.StartWith("failed: The idempotency key 'k-1' was used for another message").And.Contain("nothing was sent"));
            Assert.That(other.Stdout, Is.Empty);
            Assert.That(SendRequests(GreenApiSendPath), Is.EqualTo(1));
        });
    }

    [Test]
    public async Task Send_KeyWhoseSendHasAnUnknownOutcome_Exits6BothTimesAndSendsOnce()
    {
        _server.Reset();
        _server.Given(Request.Create().UsingPost().WithPath(GreenApiSendPath)).RespondWith(Response.Create().WithStatusCode(500));
        string[] send = ["--provider", "green-api", "--to", "905301234567", "--text", "Hello", "--key", "k-1", "--ledger", Ledger];

        var first = await CliRun.RunAsync(RealConfiguration(), send);
        var again = await CliRun.RunAsync(RealConfiguration(), send);
        var status = await CliRun.RunAsync("status", "k-1", "--ledger", Ledger);

        Assert.Multiple(() =>
        {
            Assert.That(first.ExitCode, Is.EqualTo(6), first.ToString());
            Assert.That(again.ExitCode, Is.EqualTo(6), again.ToString());
            Assert.That(again.Stderr, Does.StartWith("failed: An earlier send with the idempotency key 'k-1' has an unknown outcome").And.Contain("Nothing was sent now"));
            Assert.That(SendRequests(GreenApiSendPath), Is.EqualTo(1));
            Assert.That(status.ExitCode, Is.EqualTo(0), status.ToString());
            Assert.That(status.StdoutLines[0], Does.Match(@"^k-1: GREEN-API to 905301234567@c\.us: outcome unknown \(it may have been sent\) \(recorded [^,]+, 1 attempt\)$"));
            Assert.That(status.Stdout, Does.Match(@"(?m)^  \S+Z  unknown  +-  +WhatsAppOutcomeUnknownException  \S.*$"), "the failure, its type and its message");
            Assert.That(status.Stdout + status.Stderr, Does.Not.Contain(Token));
        });
    }

    [TestCase("")]
    [TestCase("   ")]
    [TestCase("order\u0001")]
    [TestCase("order\t42")]
    [TestCase(null)]
    public async Task Send_BadKey_Exits2NamingTheOptionAndTouchesNothing(string? key)
    {
        key ??= new string('k', SendOptions.MaxIdempotencyKeyLength + 1);

        var run = await CliRun.RunAsync(RealConfiguration(), "--provider", "green-api", "--to", "905301234567", "--text", "Hello", "--key", key, "--ledger", Ledger);

        Assert.Multiple(() =>
        {
            Assert.That(run.ExitCode, Is.EqualTo(2), run.ToString());
            Assert.That(run.StderrLines, Has.Length.EqualTo(1));
            Assert.That(run.Stderr, Does.StartWith("failed: --key: must ").And.Contain("usage:"));
            Assert.That(File.Exists(Ledger), Is.False, "no ledger made");
            Assert.That(_server.LogEntries, Is.Empty, "nothing was sent");
        });
    }

    [Test]
    public async Task Send_LongestKey_IsRecorded()
    {
        var key = new string('k', SendOptions.MaxIdempotencyKeyLength);

        var run = await CliRun.RunAsync(RealConfiguration(), "--provider", "green-api", "--to", "905301234567", "--text", "Hello", "--key", key, "--ledger", Ledger);
        var status = await CliRun.RunAsync("status", key, "--ledger", Ledger);

        Assert.That(run.ExitCode, Is.EqualTo(0), run.ToString());
        Assert.That(status.ExitCode, Is.EqualTo(0), status.ToString());
        Assert.That(status.StdoutLines[0], Does.StartWith(key + ": GREEN-API to 905301234567@c.us: accepted as message " + GreenApiMessageId));
    }

    [Test]
    public async Task Send_LedgerWithoutKey_Exits2()
    {
        var run = await CliRun.RunAsync(RealConfiguration(), "--provider", "green-api", "--to", "905301234567", "--text", "Hello", "--ledger", Ledger);

        Assert.That(run.ExitCode, Is.EqualTo(2), run.ToString());
        Assert.That(run.Stderr, Does.StartWith("failed: --ledger is for --key"));
        Assert.That(_server.LogEntries, Is.Empty);
    }

    [Test]
    public async Task Send_WithoutKey_RecordsNothing()
    {
        var run = await CliRun.RunAsync(RealConfiguration(), "--provider", "green-api", "--to", "905301234567", "--text", "Hello");

        Assert.That(run.ExitCode, Is.EqualTo(0), run.ToString());
        Assert.That(Directory.EnumerateFileSystemEntries(_folder), Is.Empty);
    }

    [TestCase("folder")]
    [TestCase("not a database")]
    [TestCase("under a file")]
    public async Task Send_LedgerThatCannotBeWritten_Exits5NamingItAndSendsNothing(string kind)
    {
        var ledger = kind switch
        {
            "folder" => _folder,
            "not a database" => Garbage(Path.Combine(_folder, "garbage.db")),
            _ => Path.Combine(Garbage(Path.Combine(_folder, "a-file")), "ledger.db"),
        };

        var run = await CliRun.RunAsync(RealConfiguration(), "--provider", "green-api", "--to", "905301234567", "--text", "Hello", "--key", "k-1", "--ledger", ledger);

        Assert.Multiple(() =>
        {
            Assert.That(run.ExitCode, Is.EqualTo(5), run.ToString());
            Assert.That(run.StderrLines, Has.Length.EqualTo(1), run.ToString());
            Assert.That(run.Stderr, Does.StartWith($"failed: the message ledger {ledger} ").And.Contain("nothing was sent"));
            Assert.That(run.Stdout, Is.Empty);
            Assert.That(_server.LogEntries, Is.Empty, "nothing was sent");
        });
    }

    [Test]
    public async Task Send_LedgerInAFolderThatDoesNotExistYet_CreatesIt()
    {
        var ledger = Path.Combine(_folder, "deep", "er", "ledger.db");

        var run = await CliRun.RunAsync(RealConfiguration(), "--provider", "green-api", "--to", "905301234567", "--text", "Hello", "--key", "k-1", "--ledger", ledger);

        Assert.That(run.ExitCode, Is.EqualTo(0), run.ToString());
        Assert.That(File.Exists(ledger), Is.True);
    }

    [Test]
    public async Task Status_KeyWithoutRecord_Exits11()
    {
        await CliRun.RunAsync(RealConfiguration(), "--provider", "green-api", "--to", "905301234567", "--text", "Hello", "--key", "k-1", "--ledger", Ledger);

        var run = await CliRun.RunAsync("status", "k-2", "--ledger", Ledger);

        Assert.Multiple(() =>
        {
            Assert.That(run.ExitCode, Is.EqualTo(11), run.ToString());
            Assert.That(run.Stderr.TrimEnd(), Is.EqualTo($"failed: no record of the key 'k-2' in the ledger {Ledger}"));
            Assert.That(run.Stdout, Is.Empty);
        });
    }

    [Test]
    public async Task Status_NoLedgerFile_Exits11AndCreatesNone()
    {
        var run = await CliRun.RunAsync("status", "k-1", "--ledger", Ledger);

        Assert.Multiple(() =>
        {
            Assert.That(run.ExitCode, Is.EqualTo(11), run.ToString());
            Assert.That(run.Stderr, Does.StartWith($"failed: no record of the key 'k-1': there is no ledger at {Ledger}"));
            Assert.That(File.Exists(Ledger), Is.False);
        });
    }

    [Test]
    public async Task Status_FileThatIsNotALedger_Exits5()
    {
        var run = await CliRun.RunAsync("status", "k-1", "--ledger", Garbage(Ledger));

        Assert.That(run.ExitCode, Is.EqualTo(5), run.ToString());
        Assert.That(run.Stderr, Does.StartWith($"failed: the message ledger {Ledger} could not be read"));
    }

    [TestCase("")]
    [TestCase("bad\u0001key")]
    public async Task Status_BadKey_Exits2(string key)
    {
        var run = await CliRun.RunAsync("status", key, "--ledger", Ledger);

        Assert.That(run.ExitCode, Is.EqualTo(2), run.ToString());
        Assert.That(run.Stderr, Does.StartWith("failed: <key>: must ").And.Contain("usage: whatsapp-send status <key>"));
    }

    [Test]
    public async Task Status_WithoutKey_Exits2()
    {
        var run = await CliRun.RunAsync("status", "--ledger", Ledger);

        Assert.That(run.ExitCode, Is.EqualTo(2), run.ToString());
        Assert.That(run.Stderr, Does.StartWith("failed: status needs its <key>. usage: whatsapp-send status <key>"));
    }

    [Test]
    public async Task SandboxAndRealSendsWithOneKey_AreTwoRecords_TheSandboxNeverStopsTheRealMessage()
    {
        var sandbox = await CliRun.RunAsync("--provider", "green-api", "--to", "905301234567", "--text", "Hello", "--key", "k-1", "--ledger", Ledger);
        var real = await CliRun.RunAsync(RealConfiguration(), "--provider", "green-api", "--to", "905301234567", "--text", "Hello", "--key", "k-1", "--ledger", Ledger);
        var both = await CliRun.RunAsync("status", "k-1", "--ledger", Ledger);
        var sandboxOnly = await CliRun.RunAsync("status", "k-1", "--ledger", Ledger, "--registration", "sandbox");

        Assert.Multiple(() =>
        {
            Assert.That(sandbox.ExitCode, Is.EqualTo(0), sandbox.ToString());
            Assert.That(real.ExitCode, Is.EqualTo(0), real.ToString());
            Assert.That(real.Stdout.TrimEnd(), Is.EqualTo($"sent via GREEN-API: message {GreenApiMessageId} to 905301234567@c.us"));
            Assert.That(SendRequests(GreenApiSendPath), Is.EqualTo(1));
            Assert.That(both.ExitCode, Is.EqualTo(0), both.ToString());
            Assert.That(both.StdoutLines.Where(l => l.StartsWith("k-1: ", StringComparison.Ordinal)), Is.EqualTo(new[]
            {
                both.StdoutLines.Single(l => l.StartsWith("k-1: GREEN-API to ", StringComparison.Ordinal)),
                both.StdoutLines.Single(l => l.StartsWith("k-1: GREEN-API (sandbox) to ", StringComparison.Ordinal)),
            }));
            Assert.That(sandboxOnly.StdoutLines.Where(l => l.StartsWith("k-1: ", StringComparison.Ordinal)).ToList(), Has.Count.EqualTo(1).And.All.StartWith("k-1: GREEN-API (sandbox) to "));
        });
    }

    [Test]
    public async Task Sandbox_SameKeyAgainWithWaitOnceDelivered_Exits0WithoutWaiting()
    {
        string[] send = ["--provider", "green-api", "--to", "905301111111", "--text", "Hello", "--key", "k-1", "--ledger", Ledger, "--wait", "30"];
        var first = await CliRun.RunAsync(send);

        var again = await CliRun.RunAsync(send);

        Assert.That(first.ExitCode, Is.EqualTo(0), first.ToString());
        Assert.That(again.ExitCode, Is.EqualTo(0), again.ToString());
        Assert.That(again.StdoutLines, Has.Length.EqualTo(1), "the record's line, and no update: nothing was sent");
        Assert.That(again.StdoutLines[0], Does.StartWith("already sent via GREEN-API (sandbox): message " + SandboxTests.MessageIdOf(first.StdoutLines[0])).And.Contain("now delivered; nothing sent"));
    }

    [Test]
    public async Task Send_WaitPollingWithKey_AppliesThePolledStatusToTheRecord()
    {
        var delivered = Recordings.Load("green-api-notifications/outgoing-status-delivered.json");
        var notification = new JObject { ["receiptId"] = 7, ["body"] = WebhookPost.BodyAbout(delivered, "idMessage", GreenApiMessageId) };
        var receive = Request.Create().UsingGet().WithPath($"/waInstance{IdInstance}/receiveNotification/{Token}");
        _server.Given(receive).InScenario("queue").WillSetStateTo("empty").RespondWith(Json(notification.ToString()));
        _server.Given(receive).InScenario("queue").WhenStateIs("empty").RespondWith(Json("null"));
        _server
            .Given(Request.Create().UsingDelete().WithPath($"/waInstance{IdInstance}/deleteNotification/{Token}/7"))
            .RespondWith(Json("""{"result":true}"""));

        var run = await CliRun.RunAsync(RealConfiguration(), "--provider", "green-api", "--to", "905301234567", "--text", "Hello", "--key", "k-1", "--ledger", Ledger, "--wait", "30");
        var status = await CliRun.RunAsync("status", "k-1", "--ledger", Ledger);

        Assert.That(run.ExitCode, Is.EqualTo(0), run.ToString());
        Assert.That(status.ExitCode, Is.EqualTo(0), status.ToString());
        Assert.That(status.StdoutLines[0], Does.StartWith($"k-1: GREEN-API to 905301234567@c.us: accepted as message {GreenApiMessageId}, now delivered (recorded "));
        Assert.That(status.StdoutLines.Last(), Does.Match(@"^\S+Z  status  +delivered  delivered  -$"));
    }

    [Test]
    public void Failure_TheLedgersTypedErrors_MapToTheirExitCodes()
    {
        var details = new WhatsAppErrorDetails(Messaging.WhatsApp.GreenApi.GreenApiOptions.Provider);

        var conflict = Failure.From(new WhatsAppIdempotencyConflictException("k-1", details), []);
        var inFlight = Failure.From(new WhatsAppSendInProgressException("k-1", DateTimeOffset.UnixEpoch, details), []);
        var unavailable = Failure.From(new WhatsAppLedgerUnavailableException(details, new InvalidOperationException("locked.")), []);

        Assert.Multiple(() =>
        {
            Assert.That(conflict, Is.EqualTo(new Failure(2, "failed: " + new WhatsAppIdempotencyConflictException("k-1", details).Message)));
            Assert.That(inFlight.ExitCode, Is.EqualTo(5));
            Assert.That(inFlight.Line, Does.StartWith("failed: A send with the idempotency key 'k-1' has been in flight since 1970-01-01T00:00:00Z").And.Contain("nothing was sent"));
            Assert.That(unavailable.ExitCode, Is.EqualTo(5));
            Assert.That(unavailable.Line, Does.StartWith("failed: The message ledger could not be written").And.EndWith("(locked)"));
        });
    }

    [Test]
    [Platform(Include = "Linux", Reason = "the default folder follows XDG_DATA_HOME on Linux")]
    public void DefaultLedger_AsAProcess_IsUnderXdgDataHome()
    {
        var environment = new Dictionary<string, string?> { ["XDG_DATA_HOME"] = _folder, ["HOME"] = _folder };
        string[] send = ["--provider", "green-api", "--to", "905301111111", "--text", "Hello", "--key", "k-1"];

        int sendExit, statusExit;
        string statusOutput;
        using (var process = CliProcess.Start(environment, send))
        {
            sendExit = process.WaitForExit();
        }

        using (var process = CliProcess.Start(environment, "status", "k-1"))
        {
            statusExit = process.WaitForExit();
            statusOutput = string.Join("\n", process.Stdout);
        }

        Assert.That(sendExit, Is.EqualTo(0));
        Assert.That(File.Exists(Path.Combine(_folder, "whatsapp-send", "ledger.db")), Is.True, "the documented default path");
        Assert.That(statusExit, Is.EqualTo(0), statusOutput);
        Assert.That(statusOutput, Does.StartWith("k-1: GREEN-API (sandbox) to 905301111111@c.us: accepted"));
    }

    private static string Garbage(string path)
    {
        File.WriteAllText(path, "this is not a SQLite database, and it is longer than its header would be.");
        return path;
    }

    private static IResponseBuilder Json(string body) =>
        Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json").WithBody(body);

    private int SendRequests(string path) =>
        _server.LogEntries.Count(e => e.RequestMessage?.Path == path && e.RequestMessage.Method == "POST");

    private Dictionary<string, string?> RealConfiguration() => new()
    {
        ["GreenApi__ApiUrl"] = _server.Url,
        ["GreenApi__IdInstance"] = IdInstance,
        ["GreenApi__ApiTokenInstance"] = Token,
        ["Maytapi__ApiUrl"] = _server.Url + "/api/",
        ["Maytapi__ProductId"] = ProductId,
        ["Maytapi__PhoneId"] = PhoneId,
        ["Maytapi__ApiKey"] = ApiKey,
    };
}
