using System.Collections.Generic;
using System.Linq;
using System.Reflection;
using System.Text.RegularExpressions;
using System.Threading.Tasks;
using NUnit.Framework;

namespace Messaging.WhatsApp.Cli.Tests;

/// <summary>The generated help, the completions of the <c>[suggest]</c> directive, and <c>--version</c>.</summary>
[TestFixture]
public sealed class HelpTests
{
    /// <summary>Every option of a send, as the README documents them, and the standard ones.</summary>
    private static readonly string[] SendOptions =
        ["--provider", "--to", "--text", "--reply-to", "--sandbox", "--key", "--ledger", "--wait", "--port", "--bind", "--public-url", "--help", "--version"];

    private static readonly string[] ListenOptions = ["--port", "--bind", "--public-url", "--help"];

    private static readonly string[] StatusOptions = ["--ledger", "--registration", "--help"];

    /// <summary>Every setting the README documents, read from the environment or user secrets.</summary>
    private static readonly string[] Settings =
    [
        "Maytapi__ProductId", "Maytapi__PhoneId", "Maytapi__ApiKey", "Maytapi__WebhookSecret",
        "GreenApi__IdInstance", "GreenApi__ApiTokenInstance", "GreenApi__ApiUrl", "GreenApi__WebhookToken",
        "Logging__LogLevel__Default",
    ];

    [Test]
    public async Task Run_Help_ListsEveryOptionTheListenCommandTheSettingsAndEveryExitCode()
    {
        var run = await CliRun.RunAsync("--help");

        Assert.Multiple(() =>
        {
            Assert.That(run.ExitCode, Is.EqualTo(0), run.ToString());
            foreach (var option in SendOptions)
            {
                Assert.That(run.Stdout, Does.Match(OptionRow(option)), option);
            }

            Assert.That(run.Stdout, Does.Match(@"(?m)^  listen +\S"), "the listen command, with its description");
            Assert.That(run.Stdout, Does.Match(@"(?m)^  state +\S"), "the state command, with its description");
            Assert.That(run.Stdout, Does.Match(@"(?m)^  status <key> +\S"), "the status command, with its description");
            Assert.That(run.Stdout, Does.Contain(CliLedger.DefaultPath), "where the ledger is kept");
            foreach (var setting in Settings)
            {
                Assert.That(run.Stdout, Does.Contain(setting));
            }

            Assert.That(run.Stdout, Does.Contain("user secrets"));
            foreach (var code in Enumerable.Range(0, 12))
            {
                Assert.That(run.Stdout, Does.Match($@"(?m)^  {code} \S"), $"exit code {code}");
            }

            Assert.That(run.Stderr, Is.Empty);
        });
    }

    [Test]
    public async Task Run_ListenHelp_ListsListensOptionsOnly()
    {
        var run = await CliRun.RunAsync("listen", "--help");

        Assert.Multiple(() =>
        {
            Assert.That(run.ExitCode, Is.EqualTo(0), run.ToString());
            foreach (var option in ListenOptions)
            {
                Assert.That(run.Stdout, Does.Match(OptionRow(option)), option);
            }

            foreach (var option in SendOptions.Except(ListenOptions))
            {
                Assert.That(run.Stdout, Does.Not.Match(OptionRow(option)), option + " is a send's option");
            }
        });
    }

    [Test]
    public async Task Run_StatusHelp_ListsStatusOptionsAndItsKeyOnly()
    {
        var run = await CliRun.RunAsync("status", "--help");

        Assert.Multiple(() =>
        {
            Assert.That(run.ExitCode, Is.EqualTo(0), run.ToString());
            Assert.That(run.Stdout, Does.Match(@"(?m)^  <key>  \S"), "the key argument, with its description");
            foreach (var option in StatusOptions)
            {
                Assert.That(run.Stdout, Does.Match(OptionRow(option)), option);
            }

            foreach (var option in SendOptions.Except(StatusOptions))
            {
                Assert.That(run.Stdout, Does.Not.Match(OptionRow(option)), option + " is a send's option");
            }
        });
    }

    [TestCase("-h")]
    [TestCase("-?")]
    public async Task Run_ShortHelp_PrintsTheSameHelpAsHelp(string alias)
    {
        var help = await CliRun.RunAsync("--help");

        var run = await CliRun.RunAsync(alias);

        Assert.That(run.ExitCode, Is.EqualTo(0));
        Assert.That(run.Stdout, Is.EqualTo(help.Stdout));
    }

    [Test]
    public async Task Run_HelpWithOtherwiseBadArguments_PrintsTheHelpAndExits0()
    {
        var run = await CliRun.RunAsync("--provider", "twilio", "--wait", "0", "--help");

        Assert.That(run.ExitCode, Is.EqualTo(0), run.ToString());
        Assert.That(run.Stdout, Does.Contain("usage: whatsapp-send"));
        Assert.That(run.Stderr, Is.Empty);
    }

    [TestCase("--provider ", 11, new[] { "green-api", "maytapi" })]
    [TestCase("--provider gr", 13, new[] { "green-api" })]
    [TestCase("listen --", 9, new[] { "--bind", "--help", "--port", "--public-url" })]
    public async Task Run_SuggestDirective_CompletesAtThePosition(string commandLine, int position, string[] expected)
    {
        var run = await CliRun.RunAsync($"[suggest:{position}]", commandLine);

        Assert.That(run.ExitCode, Is.EqualTo(0), run.ToString());
        Assert.That(run.StdoutLines, Is.EqualTo(expected));
        Assert.That(run.Stderr, Is.Empty);
    }

    [Test]
    public async Task Run_SuggestDirective_CompletesTheListenCommandAndEveryOption()
    {
        var run = await CliRun.RunAsync("[suggest:0]", string.Empty);

        Assert.That(run.ExitCode, Is.EqualTo(0), run.ToString());
        Assert.That(run.StdoutLines, Is.SupersetOf(SendOptions.Append("listen")));
    }

    [Test]
    public void Version_AsAProcess_PrintsTheCliVersionAndExits0()
    {
        // As a process: in-process, the entry assembly whose version is printed would be the test host.
        using var process = CliProcess.Start(new Dictionary<string, string?>(), "--version");

        var exit = process.WaitForExit();

        var expected = typeof(CliApp).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()!.InformationalVersion;
        Assert.That(exit, Is.EqualTo(0), process.ToString());
        Assert.That(process.Stdout.Where(l => l.Length > 0), Is.EqualTo(new[] { expected }));
        Assert.That(process.Stderr.Where(l => l.Length > 0), Is.Empty);
    }

    /// <summary>A row of the Options section: the option (after any aliases) at the start of an indented line.</summary>
    private static string OptionRow(string option) => $@"(?m)^  (\S+, )*{Regex.Escape(option)}( <[^>]+>)?( |$)";
}
