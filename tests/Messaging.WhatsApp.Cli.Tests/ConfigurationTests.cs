using System.Collections.Generic;
using System.Threading.Tasks;
using NUnit.Framework;

namespace Messaging.WhatsApp.Cli.Tests;

/// <summary>Partial credentials are not silently replaced by the sandbox: they fail at startup, naming the setting, never the secret.</summary>
[TestFixture]
public sealed class ConfigurationTests
{
    private const string Token = "d75b3a66374942c5b3c019c698abc2067e151558acbd4fffff";
    private const string Key = "maytapi-key-that-must-not-leak";

    [Test]
    public async Task Run_GreenApiWithOnlyTheInstance_FailsAtStartupNamingTheTokenSetting()
    {
        var run = await CliRun.RunAsync(
            new Dictionary<string, string?> { ["GreenApi__IdInstance"] = "1101000001" },
            "--provider", "green-api", "--to", "905301111111", "--text", "Hello");

        Assert.Multiple(() =>
        {
            Assert.That(run.ExitCode, Is.EqualTo(2), run.ToString());
            Assert.That(run.StderrLines, Has.Length.EqualTo(1));
            Assert.That(run.Stderr, Does.StartWith("failed: configuration: ").And.Contain("GreenApi:ApiTokenInstance is required"));
            Assert.That(run.Stdout, Is.Empty);
        });
    }

    [Test]
    public async Task Run_GreenApiWithOnlyTheToken_FailsNamingTheInstanceSettingWithoutTheToken()
    {
        var run = await CliRun.RunAsync(
            new Dictionary<string, string?> { ["GreenApi__ApiTokenInstance"] = Token },
            "--provider", "green-api", "--to", "905301111111", "--text", "Hello");

        Assert.Multiple(() =>
        {
            Assert.That(run.ExitCode, Is.EqualTo(2), run.ToString());
            Assert.That(run.Stderr, Does.Contain("GreenApi:IdInstance is required"));
            Assert.That(run.Stderr + run.Stdout, Does.Not.Contain(Token));
        });
    }

    [Test]
    public async Task Run_MaytapiWithOnlyTheKey_FailsNamingProductAndPhoneWithoutTheKey()
    {
        var run = await CliRun.RunAsync(
            new Dictionary<string, string?> { ["Maytapi__ApiKey"] = Key },
            "--provider", "maytapi", "--to", "905301111111", "--text", "Hello");

        Assert.Multiple(() =>
        {
            Assert.That(run.ExitCode, Is.EqualTo(2), run.ToString());
            Assert.That(run.StderrLines, Has.Length.EqualTo(1));
            Assert.That(run.Stderr, Does.Contain("Maytapi:ProductId is required").And.Contain("Maytapi:PhoneId is required"));
            Assert.That(run.Stderr + run.Stdout, Does.Not.Contain(Key));
        });
    }

    [Test]
    public async Task Run_ValueThatDoesNotBind_Exits2AsAConfigurationError()
    {
        var run = await CliRun.RunAsync(
            new Dictionary<string, string?> { ["GreenApi__IdInstance"] = "not-a-number", ["GreenApi__ApiTokenInstance"] = Token },
            "--provider", "green-api", "--to", "905301111111", "--text", "Hello");

        Assert.That(run.ExitCode, Is.EqualTo(2), run.ToString());
        Assert.That(run.Stderr, Does.StartWith("failed: configuration: ").And.Contain("GreenApi:IdInstance"));
        Assert.That(run.Stderr, Does.Not.Contain(Token));
    }

    [Test]
    public async Task Run_OnlyTheOtherProvidersCredentials_StillSendsToTheSandbox()
    {
        var run = await CliRun.RunAsync(
            new Dictionary<string, string?> { ["GreenApi__IdInstance"] = "1101000001" },
            "--provider", "maytapi", "--to", "905301111111", "--text", "Hello");

        Assert.That(run.ExitCode, Is.EqualTo(0), run.ToString());
        Assert.That(run.Stdout, Does.StartWith("sent via Maytapi (sandbox): "));
    }
}
