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
    public async Task Green_api_with_only_the_instance_fails_at_startup_naming_the_token_setting()
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
    public async Task Green_api_with_only_the_token_fails_naming_the_instance_setting_without_the_token()
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
    public async Task Maytapi_with_only_the_key_fails_naming_product_and_phone_without_the_key()
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
    public async Task A_value_that_does_not_bind_exits_2_as_a_configuration_error()
    {
        var run = await CliRun.RunAsync(
            new Dictionary<string, string?> { ["GreenApi__IdInstance"] = "not-a-number", ["GreenApi__ApiTokenInstance"] = Token },
            "--provider", "green-api", "--to", "905301111111", "--text", "Hello");

        Assert.That(run.ExitCode, Is.EqualTo(2), run.ToString());
        Assert.That(run.Stderr, Does.StartWith("failed: configuration: ").And.Contain("GreenApi:IdInstance"));
        Assert.That(run.Stderr, Does.Not.Contain(Token));
    }

    [Test]
    public async Task Credentials_of_the_other_provider_do_not_stop_the_sandbox()
    {
        var run = await CliRun.RunAsync(
            new Dictionary<string, string?> { ["GreenApi__IdInstance"] = "1101000001" },
            "--provider", "maytapi", "--to", "905301111111", "--text", "Hello");

        Assert.That(run.ExitCode, Is.EqualTo(0), run.ToString());
        Assert.That(run.Stdout, Does.StartWith("sent via Maytapi (sandbox): "));
    }
}
