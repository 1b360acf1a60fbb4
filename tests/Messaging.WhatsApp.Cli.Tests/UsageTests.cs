using System.Threading.Tasks;
using NUnit.Framework;

namespace Messaging.WhatsApp.Cli.Tests;

/// <summary>Bad command lines fail with exit 2 and one line naming the problem, before anything is sent.</summary>
[TestFixture]
public sealed class UsageTests
{
    [Test]
    public async Task Run_BadAddress_Exits2NamingTheInput()
    {
        var run = await CliRun.RunAsync("--provider", "green-api", "--to", "call-me-maybe", "--text", "Hello");

        Assert.Multiple(() =>
        {
            Assert.That(run.ExitCode, Is.EqualTo(2));
            Assert.That(run.StderrLines, Has.Length.EqualTo(1));
            Assert.That(run.Stderr, Does.StartWith("failed: --to: 'call-me-maybe' is not a WhatsApp chat address"));
            Assert.That(run.Stderr, Does.Contain("905301111111@c.us"), "the accepted forms");
            Assert.That(run.Stdout, Is.Empty);
        });
    }

    [Test]
    public async Task Run_MissingText_Exits2WithUsage()
    {
        var run = await CliRun.RunAsync("--provider", "maytapi", "--to", "905301111111");

        Assert.Multiple(() =>
        {
            Assert.That(run.ExitCode, Is.EqualTo(2));
            Assert.That(run.StderrLines, Has.Length.EqualTo(1));
            Assert.That(run.Stderr, Does.Contain("--text is required").And.Contain("usage: whatsapp-send --provider maytapi|green-api"));
            Assert.That(run.Stdout, Is.Empty);
        });
    }

    [Test]
    public async Task Run_UnknownProvider_Exits2()
    {
        var run = await CliRun.RunAsync("--provider", "twilio", "--to", "905301111111", "--text", "Hello");

        Assert.That(run.ExitCode, Is.EqualTo(2));
        Assert.That(run.Stderr, Does.Contain("unknown provider 'twilio'").And.Contain("usage:"));
    }

    [TestCase("--colour", "blue")]
    [TestCase("stray")]
    [TestCase("--text")]
    public async Task Run_UnknownOptionStrayArgumentOrMissingValue_Exits2(params string[] extra)
    {
        string[] args = ["--provider", "maytapi", "--to", "905301111111", .. extra];
        var run = await CliRun.RunAsync(args);

        Assert.That(run.ExitCode, Is.EqualTo(2), run.ToString());
        Assert.That(run.Stderr, Does.StartWith("failed: ").And.Contain("usage:"));
    }

    [Test]
    public async Task Run_Help_PrintsUsageAndExits0()
    {
        var run = await CliRun.RunAsync("--help");

        Assert.That(run.ExitCode, Is.EqualTo(0));
        Assert.That(run.Stdout, Does.Contain("usage: whatsapp-send").And.Contain("Exit codes"));
        Assert.That(run.Stderr, Is.Empty);
    }

    [Test]
    public async Task Run_Help_DescribesListenWaitTheWebhookSettingsAndTheNewExitCodes()
    {
        var run = await CliRun.RunAsync("listen", "--help");

        Assert.That(run.ExitCode, Is.EqualTo(0));
        Assert.That(run.Stdout, Does.Contain("whatsapp-send listen --port <p>").And.Contain("--wait <seconds>").And.Contain("--public-url"));
        Assert.That(run.Stdout, Does.Contain("GreenApi__WebhookToken").And.Contain("Maytapi__WebhookSecret"), "generated from the provider profiles");
        Assert.That(run.Stdout, Does.Contain("7 with --wait").And.Contain("8 with --wait"));
    }

    [TestCase("listen", "--port is required", "listen")]
    [TestCase("listen --port 70000", "--port: '70000' is not a port number", "listen")]
    [TestCase("listen --port 0 --bind nowhere", "--bind: 'nowhere' is not an IP address", "listen")]
    [TestCase("listen --port 0 --public-url ftp://example.test", "--public-url: 'ftp://example.test' is not an http or https URL", "listen")]
    [TestCase("listen --port 0 --public-url https://example.test/?x=1", "--public-url: 'https://example.test/?x=1' is not an http or https URL without query", "listen")]
    [TestCase("listen --port 0 --wait 3", "unknown option --wait", "listen")]
    [TestCase("listen --port 0 --sandbox", "unknown option --sandbox", "listen")]
    [TestCase("--provider green-api --to 905301111111 --text Hi --port 8080", "--port, --bind and --public-url are for --wait", "send")]
    [TestCase("--provider green-api --to 905301111111 --text Hi --wait 0", "--wait: '0' is not a whole number of seconds", "send")]
    [TestCase("--provider green-api --to 905301111111 --text Hi --wait 1.5", "--wait: '1.5' is not a whole number of seconds", "send")]
    [TestCase("--provider green-api --to 905301111111 --text Hi --wait 5 --public-url https://example.test", "--bind and --public-url need --port", "send")]
    public async Task Run_BadListenOrWaitOption_Exits2WithTheUsageOfThatCommand(string commandLine, string problem, string command)
    {
        var run = await CliRun.RunAsync(commandLine.Split(' '));

        Assert.Multiple(() =>
        {
            Assert.That(run.ExitCode, Is.EqualTo(2), run.ToString());
            Assert.That(run.StderrLines, Has.Length.EqualTo(1));
            Assert.That(run.Stderr, Does.StartWith("failed: " + problem));
            Assert.That(run.Stderr, Does.Contain(command == "listen" ? "usage: whatsapp-send listen --port <p>" : "usage: whatsapp-send --provider "));
            Assert.That(run.Stdout, Is.Empty);
        });
    }
}
