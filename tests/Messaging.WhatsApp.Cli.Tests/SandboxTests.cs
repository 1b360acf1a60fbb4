using System.Collections.Generic;
using System.IO;
using System.Threading.Tasks;
using NUnit.Framework;

namespace Messaging.WhatsApp.Cli.Tests;

/// <summary>With no credentials (or --sandbox) the CLI sends for real, through the SDK, to its embedded sandbox.</summary>
[TestFixture]
public sealed class SandboxTests
{
    /// <summary>The shape of each provider's message ids, as in the recorded exchanges.</summary>
    public const string GreenApiMessageId = "[0-9A-F]{20}";

    public const string MaytapiMessageId = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";

    // Without --key the sandbox answers with the recorded id: the line the README quotes, on every machine.
    [TestCase("green-api", "GREEN-API", "message 3EB0C767D097B7C7C030")]
    [TestCase("maytapi", "Maytapi", "message 01010101-b1a2-11ee-8c2f-3b1c2d4e5f60")]
    public async Task Run_WithoutCredentials_SendsToTheSandboxAndPrintsOneLine(string provider, string name, string message)
    {
        var run = await CliRun.RunAsync("--provider", provider, "--to", "+90 530 111 11 11", "--text", "Hello");

        Assert.Multiple(() =>
        {
            Assert.That(run.ExitCode, Is.EqualTo(0), run.ToString());
            Assert.That(run.Stdout.TrimEnd(), Is.EqualTo($"sent via {name} (sandbox): {message} to 905301111111@c.us"));
            Assert.That(run.StdoutLines, Has.Length.EqualTo(1));
            Assert.That(run.Stderr, Is.Empty);
        });
    }

    [TestCase("green-api", GreenApiMessageId, "3EB0C767D097B7C7C030")]
    [TestCase("maytapi", MaytapiMessageId, "01010101-b1a2-11ee-8c2f-3b1c2d4e5f60")]
    public async Task Run_TwoSandboxSendsWithKeys_GetTwoMessageIdsOfTheirOwn(string provider, string idShape, string recordedId)
    {
        // A gateway names each message once; the ledger joins the statuses to the records by that id, so two sandbox
        // sends recorded in one ledger must not share the recorded one.
        var folder = Directory.CreateTempSubdirectory("whatsapp-send-sandbox-").FullName;
        try
        {
            var ledger = Path.Combine(folder, "ledger.db");
            var first = await CliRun.RunAsync("--provider", provider, "--to", "905301111111", "--text", "Hello", "--key", "k-1", "--ledger", ledger);
            var second = await CliRun.RunAsync("--provider", provider, "--to", "905301111111", "--text", "Hello", "--key", "k-2", "--ledger", ledger);

            Assert.That(first.ExitCode, Is.EqualTo(0), first.ToString());
            Assert.That(second.ExitCode, Is.EqualTo(0), second.ToString());
            var ids = new[] { MessageIdOf(first.StdoutLines[0]), MessageIdOf(second.StdoutLines[0]) };
            Assert.That(ids, Is.All.Match("^" + idShape + "$"));
            Assert.That(ids, Is.Unique);
            Assert.That(ids, Has.None.EqualTo(recordedId));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>The id in a <c>sent via … : message &lt;id&gt; to …</c> line.</summary>
    public static string MessageIdOf(string line) =>
        System.Text.RegularExpressions.Regex.Match(line, "message (\\S+) to ").Groups[1].Value is { Length: > 0 } id ? id : throw new AssertionException("no message id in: " + line);

    [Test]
    public async Task Run_MaytapiSandboxToAGroup_AnswerNamesTheChatThatWasSentTo()
    {
        // Maytapi's answer carries data.chatId, and the CLI prints it: the sandbox must echo the request's chat.
        var run = await CliRun.RunAsync("--provider", "maytapi", "--to", "120363238104@g.us", "--text", "Hello group", "--reply-to", "false_1@c.us_ABC");

        Assert.That(run.ExitCode, Is.EqualTo(0), run.ToString());
        Assert.That(run.StdoutLines, Has.Length.EqualTo(1));
        Assert.That(run.StdoutLines[0], Does.EndWith(" to 120363238104@g.us"));
    }

    [TestCase("green-api")]
    [TestCase("maytapi")]
    public async Task Run_SandboxFlagWithConfiguredCredentials_SandboxWins(string provider)
    {
        // Real-looking credentials aimed at a port nobody listens on: only the sandbox can answer.
        var environment = new Dictionary<string, string?>
        {
            ["GreenApi__ApiUrl"] = "http://127.0.0.1:9",
            ["GreenApi__IdInstance"] = "7105000001",
            ["GreenApi__ApiTokenInstance"] = "real-token-never-used",
            ["Maytapi__ApiUrl"] = "http://127.0.0.1:9/api/",
            ["Maytapi__ProductId"] = "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee",
            ["Maytapi__PhoneId"] = "7",
            ["Maytapi__ApiKey"] = "real-key-never-used",
        };

        var run = await CliRun.RunAsync(environment, "--provider", provider, "--to", "905301111111", "--text", "Hello", "--sandbox");

        Assert.That(run.ExitCode, Is.EqualTo(0), run.ToString());
        Assert.That(run.StdoutLines, Has.Length.EqualTo(1));
        Assert.That(run.StdoutLines[0], Does.Contain("(sandbox)").And.EndWith(" to 905301111111@c.us"));
    }

    [TestCase("green-api")]
    [TestCase("maytapi")]
    public async Task Run_EmptyText_IsAnInvalidArgumentAndNothingIsSent(string provider)
    {
        var run = await CliRun.RunAsync("--provider", provider, "--to", "905301111111", "--text", "");

        Assert.Multiple(() =>
        {
            Assert.That(run.ExitCode, Is.EqualTo(2), run.ToString());
            Assert.That(run.StderrLines, Has.Length.EqualTo(1));
            Assert.That(run.Stderr, Does.StartWith("failed: ").And.Contain("must not be empty"));
            Assert.That(run.Stdout, Is.Empty);
        });
    }
}
