using System.Collections.Generic;
using System.Threading.Tasks;
using NUnit.Framework;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace Messaging.WhatsApp.Cli.Tests;

/// <summary>
/// Real (non-sandbox) configuration pointed at a test WireMock server: each provider answer becomes its exit
/// code and one stderr line, and the secret never shows.
/// </summary>
[TestFixture]
public sealed class ProviderErrorTests
{
    private const string IdInstance = "1101000001";
    private const string Token = "d75b3a66374942c5b3c019c698abc2067e151558acbd412345";
    private const string ProductId = "11111111-2222-3333-4444-555555555555";
    private const string PhoneId = "12";
    private const string ApiKey = "test-maytapi-key-0000";

    private const string GreenApiPath = "/waInstance" + IdInstance + "/sendMessage/" + Token;
    private const string MaytapiPath = "/api/" + ProductId + "/" + PhoneId + "/sendMessage";

    /// <summary>The send path of each provider's real configuration, by the provider's name on the command line.</summary>
    private static readonly Dictionary<string, string> SendPaths = new()
    {
        ["green-api"] = GreenApiPath,
        ["maytapi"] = MaytapiPath,
    };

    private WireMockServer _server = null!;

    [SetUp]
    public void StartServer() => _server = WireMockServer.Start();

    [TearDown]
    public void StopServer() => _server.Dispose();

    [TestCase("green-api", 401, 3, "GREEN-API refused the credentials")]
    [TestCase("maytapi", 401, 3, "Maytapi refused the key")]
    [TestCase("green-api", 400, 4, "GREEN-API refused the request as invalid")]
    [TestCase("maytapi", 400, 4, "Maytapi refused the request")]
    [TestCase("green-api", 466, 5, "quota is used up")]
    [TestCase("green-api", 500, 6, "the message may have been sent")]
    [TestCase("maytapi", 500, 6, "the message may have been sent")]
    [TestCase("green-api", 418, 1, "GREEN-API did not accept the message")]
    public async Task Run_ProviderAnswer_BecomesExitCodeAndOneLineWithoutTheSecret(string provider, int status, int exitCode, string expected)
    {
        var path = SendPaths[provider];
        var body = status == 401 ? string.Empty : """{"success":false,"message":"no"}""";
        _server
            .Given(Request.Create().UsingPost().WithPath(path))
            .RespondWith(Response.Create().WithStatusCode(status).WithHeader("Content-Type", "application/json").WithBody(body));

        var run = await CliRun.RunAsync(RealConfiguration(), "--provider", provider, "--to", "905301234567", "--text", "Hello");

        Assert.Multiple(() =>
        {
            Assert.That(run.ExitCode, Is.EqualTo(exitCode), run.ToString());
            Assert.That(run.StderrLines, Has.Length.EqualTo(1));
            Assert.That(run.Stderr, Does.StartWith("failed: ").And.Contain(expected));
            Assert.That(run.Stderr, Does.Not.Contain(Token).And.Not.Contain(ApiKey));
            Assert.That(run.Stderr, Does.Not.Contain("   at "), "no stack trace");
            Assert.That(run.Stdout, Is.Empty);
            Assert.That(_server.LogEntries, Has.Count.EqualTo(1), "one request reached the configured server, not the sandbox");
        });
    }

    [Test]
    public async Task Run_RealSend_SucceedsAndIsNotLabelledSandbox()
    {
        _server
            .Given(Request.Create().UsingPost().WithPath(GreenApiPath))
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json").WithBody("""{"idMessage":"BAE5F4886F6F2D05"}"""));

        var run = await CliRun.RunAsync(RealConfiguration(), "--provider", "green-api", "--to", "+90 530 123 45 67", "--text", "Hello");

        Assert.That(run.ExitCode, Is.EqualTo(0), run.ToString());
        Assert.That(run.Stdout.TrimEnd(), Is.EqualTo("sent via GREEN-API: message BAE5F4886F6F2D05 to 905301234567@c.us"));
    }

    [Test]
    public async Task Run_ConnectionRefused_Exits5()
    {
        var environment = RealConfiguration();
        environment["GreenApi__ApiUrl"] = "http://127.0.0.1:9";
        environment["GreenApi__Retry__Enabled"] = "false";

        var run = await CliRun.RunAsync(environment, "--provider", "green-api", "--to", "905301234567", "--text", "Hello");

        Assert.That(run.ExitCode, Is.EqualTo(5), run.ToString());
        Assert.That(run.Stderr, Does.Contain("nothing was sent").And.Contain("Try again later"));
    }

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
