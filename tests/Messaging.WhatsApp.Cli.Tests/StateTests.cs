using System.Collections.Generic;
using System.Threading.Tasks;
using NUnit.Framework;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace Messaging.WhatsApp.Cli.Tests;

/// <summary>
/// <c>state</c>: asks the gateway through the SDK and prints <c>&lt;provider&gt; &lt;state&gt; (&lt;word&gt;)</c>; exit 0 ready,
/// 9 cannot send, 10 could not ask, 2 bad usage.
/// </summary>
[TestFixture]
public sealed class StateTests
{
    private const string GreenToken = "real-token-0123456789";
    private const string MaytapiProduct = "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee";

    private WireMockServer _server = null!;

    [SetUp]
    public void StartServer() => _server = WireMockServer.Start();

    [TearDown]
    public void StopServer() => _server.Dispose();

    [TestCase("green-api", "green-api ready (authorized)")]
    [TestCase("greenapi", "green-api ready (authorized)")]
    [TestCase("maytapi", "maytapi ready (active)")]
    public async Task State_Sandbox_PrintsReadyAndExits0(string provider, string line)
    {
        var run = await CliRun.RunAsync("state", "--provider", provider);
        var flagged = await CliRun.RunAsync("state", "--provider", provider, "--sandbox");

        Assert.Multiple(() =>
        {
            Assert.That(run.ExitCode, Is.EqualTo(0), run.ToString());
            Assert.That(run.StdoutLines, Is.EqualTo(new[] { line }));
            Assert.That(run.Stderr, Is.Empty);
            Assert.That(flagged.ExitCode, Is.EqualTo(0), flagged.ToString());
            Assert.That(flagged.StdoutLines, Is.EqualTo(new[] { line }));
        });
    }

    [TestCase("green-api", """{"stateInstance":"notAuthorized"}""", "green-api needs_login (notAuthorized)")]
    [TestCase("green-api", """{"stateInstance":"yellowCard"}""", "green-api restricted (yellowCard)")]
    [TestCase("green-api", """{"stateInstance":"starting"}""", "green-api starting (starting)")]
    [TestCase("green-api", "null", "green-api starting (null)")]
    [TestCase("green-api", """{"stateInstance":"somethingNew"}""", "green-api unknown (somethingNew)")]
    [TestCase("maytapi", """[{"id":7,"status":"qr-code"}]""", "maytapi needs_login (qr-code)")]
    [TestCase("maytapi", """[{"id":7,"status":"disabled"}]""", "maytapi disabled (disabled)")]
    public async Task State_InstanceCannotSend_PrintsItsStateAndExits9(string provider, string body, string line)
    {
        Answer(provider, 200, body);

        var run = await CliRun.RunAsync(Credentials(), "state", "--provider", provider);

        Assert.Multiple(() =>
        {
            Assert.That(run.ExitCode, Is.EqualTo(9), run.ToString());
            Assert.That(run.StdoutLines, Is.EqualTo(new[] { line }));
            Assert.That(_server.LogEntries, Has.Count.EqualTo(1), "one ask");
        });
    }

    [TestCase("green-api", 401, "", "GREEN-API refused the credentials")]
    [TestCase("green-api", 429, "", "rate limit")]
    [TestCase("maytapi", 200, """{"success":false,"message":"instance not found"}""", "instance not found")]
    [TestCase("maytapi", 200, """[{"id":8,"status":"active"}]""", "does not list phone 7")]
    public async Task State_GatewayDoesNotAnswerAState_Exits10SayingWhy(string provider, int status, string body, string why)
    {
        Answer(provider, status, body);

        var run = await CliRun.RunAsync(Credentials(), "state", "--provider", provider);

        Assert.Multiple(() =>
        {
            Assert.That(run.ExitCode, Is.EqualTo(10), run.ToString());
            Assert.That(run.Stdout, Is.Empty, "no state line");
            Assert.That(run.StderrLines, Has.Length.EqualTo(1));
            Assert.That(run.StderrLines[0], Does.StartWith("failed: could not ask").And.Contain(why));
            Assert.That(run.Stderr, Does.Not.Contain(GreenToken).And.Not.Contain("real-key-0123456789"));
        });
    }

    [Test]
    public async Task State_NoConnection_Exits10()
    {
        var environment = new Dictionary<string, string?>
        {
            ["GreenApi__ApiUrl"] = "http://127.0.0.1:9",
            ["GreenApi__IdInstance"] = "7105000001",
            ["GreenApi__ApiTokenInstance"] = GreenToken,
        };

        var run = await CliRun.RunAsync(environment, "state", "--provider", "green-api");

        Assert.Multiple(() =>
        {
            Assert.That(run.ExitCode, Is.EqualTo(10), run.ToString());
            Assert.That(run.Stderr, Does.StartWith("failed: could not ask GREEN-API for the instance's state").And.Not.Contain(GreenToken));
        });
    }

    [TestCase(new[] { "state" }, "--provider is required")]
    [TestCase(new[] { "state", "--provider", "other" }, "unknown provider 'other'")]
    [TestCase(new[] { "--sandbox", "state", "--provider", "maytapi" }, "state must come first, before --sandbox")]
    [TestCase(new[] { "state", "--provider", "maytapi", "--provider", "green-api" }, "--provider is given more than once")]
    [TestCase(new[] { "state", "--provider", "maytapi", "--to", "905301111111" }, "unknown option --to")]
    public async Task State_BadUsage_Exits2WithItsSynopsis(string[] args, string problem)
    {
        var run = await CliRun.RunAsync(args);

        Assert.Multiple(() =>
        {
            Assert.That(run.ExitCode, Is.EqualTo(2), run.ToString());
            Assert.That(run.Stderr, Does.Contain(problem));
            Assert.That(run.Stdout, Is.Empty);
        });
    }

    private Dictionary<string, string?> Credentials() => new()
    {
        ["GreenApi__ApiUrl"] = _server.Url,
        ["GreenApi__IdInstance"] = "7105000001",
        ["GreenApi__ApiTokenInstance"] = GreenToken,
        ["Maytapi__ApiUrl"] = _server.Url + "/api/",
        ["Maytapi__ProductId"] = MaytapiProduct,
        ["Maytapi__PhoneId"] = "7",
        ["Maytapi__ApiKey"] = "real-key-0123456789",
    };

    private void Answer(string provider, int status, string body)
    {
        var path = provider == "maytapi" ? $"/api/{MaytapiProduct}/listPhones" : $"/waInstance7105000001/getStateInstance/{GreenToken}";
        var response = Response.Create().WithStatusCode(status).WithHeader("Content-Type", "application/json");
        _server.Given(Request.Create().WithPath(path).UsingGet()).RespondWith(body.Length == 0 ? response : response.WithBody(body));
    }
}
