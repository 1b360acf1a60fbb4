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
}
