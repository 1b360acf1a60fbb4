using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;
using Newtonsoft.Json.Linq;
using NUnit.Framework;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace Messaging.WhatsApp.Cli.Tests;

/// <summary>
/// How the arguments are read: an option's value is taken as typed, even when it looks like an option, the verb
/// or a response file; both <c>--name value</c> and <c>--name=value</c> work; and every usage error is one line
/// in the CLI's own words, whatever the UI culture.
/// </summary>
[TestFixture]
public sealed class CommandLineTests
{
    private const string IdInstance = "1101000001";
    private const string Token = "d75b3a66374942c5b3c019c698abc2067e151558acbd412345";

    private WireMockServer _server = null!;

    [SetUp]
    public void StartServer()
    {
        _server = WireMockServer.Start();
        _server
            .Given(Request.Create().UsingPost().WithPath($"/waInstance{IdInstance}/sendMessage/{Token}"))
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json").WithBody("""{"idMessage":"BAE5F4886F6F2D05"}"""));
    }

    [TearDown]
    public void StopServer() => _server.Dispose();

    [TestCase("@alice see you at 8")]
    [TestCase("@alice")]
    [TestCase("listen")]
    [TestCase("--help")]
    [TestCase("-h")]
    [TestCase("--version")]
    [TestCase("-5 degrees")]
    [TestCase("[suggest]")]
    public async Task Run_TextThatLooksLikeSyntax_IsSentAsTyped(string text)
    {
        var run = await CliRun.RunAsync(Settings(), "--provider", "green-api", "--to", "905301234567", "--text", text);

        Assert.That(run.ExitCode, Is.EqualTo(0), run.ToString());
        Assert.That(SentTexts(), Is.EqualTo(new[] { text }));
    }

    [Test]
    public async Task Run_OptionsWithEquals_AreReadAsTheirValues()
    {
        var run = await CliRun.RunAsync(Settings(), "--provider=green-api", "--to=905301234567", "--text=a=b", "--reply-to=BAE5F4886F6F2D04");

        Assert.That(run.ExitCode, Is.EqualTo(0), run.ToString());
        Assert.That(SentTexts(), Has.Length.EqualTo(1).And.Contains("a=b"));
        Assert.That((string?)JObject.Parse(_server.LogEntries.Single().RequestMessage!.Body!)["quotedMessageId"], Is.EqualTo("BAE5F4886F6F2D04"));
    }

    [TestCase("--provider maytapi --to 905301111111 --to 905301111112 --text Hi", "--to is given more than once", "send")]
    [TestCase("--provider maytapi --to 905301111111 --text Hi --wait 5 --wait", "--wait is given more than once", "send")]
    [TestCase("--provider maytapi --to 905301111111 --text Hi --colour=blue", "unknown option --colour", "send")]
    [TestCase("--provider maytapi --to 905301111111 --text", "--text needs a value", "send")]
    [TestCase("--provider maytapi --to 905301111111 --text Hi @args.rsp", "unexpected argument '@args.rsp'", "send")]
    [TestCase("--to 905301111111 --text Hi", "--provider is required", "send")]
    [TestCase("--provider maytapi listen --port 0", "listen must come first, before --provider", "listen")]
    [TestCase("listen --port 0 --port 1", "--port is given more than once", "listen")]
    [TestCase("listen --port", "--port needs a value", "listen")]
    public async Task Run_UsageError_Exits2WithOneLineAndTheUsageOfThatCommand(string commandLine, string problem, string command)
    {
        var run = await CliRun.RunAsync(commandLine.Split(' '));

        Assert.Multiple(() =>
        {
            Assert.That(run.ExitCode, Is.EqualTo(2), run.ToString());
            Assert.That(run.StderrLines, Has.Length.EqualTo(1), run.ToString());
            Assert.That(run.Stderr, Does.StartWith($"failed: {problem}. usage: "));
            Assert.That(run.Stderr, Does.Contain(command == "listen" ? "usage: whatsapp-send listen --port <p>" : "usage: whatsapp-send --provider "));
            Assert.That(run.Stdout, Is.Empty);
        });
    }

    [TestCase("--provider maytapi --to 905301111111", "--text is required")]
    [TestCase("--provider maytapi --to 905301111111 --text", "--text needs a value")]
    [TestCase("--provider maytapi --to 905301111111 --text Hi --to 905301111112", "--to is given more than once")]
    [TestCase("--provider maytapi --to 905301111111 --text Hi --colour blue", "unknown option --colour")]
    [SetUICulture("de-DE")]
    public async Task Run_UsageErrorUnderAnotherUiCulture_IsStillInTheClisWords(string commandLine, string problem)
    {
        // System.CommandLine words these errors in the UI culture's language; the CLI prints its own, as for every other line.
        var run = await CliRun.RunAsync(commandLine.Split(' '));

        Assert.That(run.ExitCode, Is.EqualTo(2), run.ToString());
        Assert.That(run.Stderr, Does.StartWith($"failed: {problem}. usage: "));
    }

    private string?[] SentTexts() =>
        _server.LogEntries.Select(e => (string?)JObject.Parse(e.RequestMessage!.Body!)["message"]).ToArray();

    private Dictionary<string, string?> Settings() => new()
    {
        ["GreenApi__ApiUrl"] = _server.Url,
        ["GreenApi__IdInstance"] = IdInstance,
        ["GreenApi__ApiTokenInstance"] = Token,
    };
}
