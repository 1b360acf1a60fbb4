using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Threading.Tasks;
using Messaging.WhatsApp.GreenApi;
using Messaging.WhatsApp.Maytapi;
using Messaging.WhatsApp.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using NUnit.Framework;

namespace Messaging.WhatsApp.Tests.Receiving;

/// <summary>
/// Registering webhooks: each instance's webhook setting checked at startup under its own name (and only that
/// setting, so an app may receive without sending), bad names and bad maps refused with a clear error.
/// </summary>
public sealed class ReceiverRegistrationTests
{
    private const string GreenToken = "green-webhook-token-0001";
    private const string MaytapiSecret = "maytapi-webhook-secret-0001";

    [Test]
    public void Start_GreenApiWebhookWithoutToken_FailsNamingGreenApiWebhookToken()
    {
        var error = Assert.ThrowsAsync<OptionsValidationException>(() => StartAsync(s => s.AddGreenApiWebhook(_ => { })))!;

        Assert.That(error.Message, Does.Contain("GreenApi:WebhookToken is required"));
    }

    [Test]
    public void Start_NamedGreenApiWebhookWithoutToken_FailsNamingTheInstance()
    {
        var error = Assert.ThrowsAsync<OptionsValidationException>(() => StartAsync(s => s.AddGreenApiWebhook("sales", _ => { })))!;

        Assert.That(error.Message, Does.Contain("GreenApi[sales]:WebhookToken is required"));
    }

    [TestCase("token with space", TestName = "Start_GreenApiTokenWithASpace_FailsNamingTheRuleNotTheValue")]
    [TestCase("token\r\nX-Other: 1", TestName = "Start_GreenApiTokenWithALineBreak_FailsNamingTheRuleNotTheValue")]
    [TestCase("tökén-non-ascii", TestName = "Start_GreenApiTokenNotAscii_FailsNamingTheRuleNotTheValue")]
    public void Start_GreenApiTokenNotPrintableAscii_FailsNamingTheRuleNotTheValue(string token)
    {
        var error = Assert.ThrowsAsync<OptionsValidationException>(() => StartAsync(s => s.AddGreenApiWebhook(o => o.WebhookToken = token)))!;

        Assert.Multiple(() =>
        {
            Assert.That(error.Message, Does.Contain("GreenApi:WebhookToken must be printable ASCII"));
            Assert.That(error.Message, Does.Not.Contain(token));
        });
    }

    [TestCase(null, "Maytapi:WebhookSecret is required", TestName = "Start_MaytapiWebhookWithoutSecret_FailsNamingMaytapiWebhookSecret")]
    [TestCase("", "Maytapi:WebhookSecret is required", TestName = "Start_MaytapiEmptySecret_FailsNamingMaytapiWebhookSecret")]
    [TestCase("short-secret-15", "Maytapi:WebhookSecret must be at least 16 characters", TestName = "Start_MaytapiSecretOf15Characters_FailsNamingTheRule")]
    [TestCase("secret/with/slashes-1234", "Maytapi:WebhookSecret must be at least 16 characters of letters", TestName = "Start_MaytapiSecretWithSlashes_FailsNamingTheRule")]
    [TestCase("secret%20percent-12345", "Maytapi:WebhookSecret must be at least 16 characters of letters", TestName = "Start_MaytapiSecretWithPercent_FailsNamingTheRule")]
    [TestCase("secret?query=1234567890", "Maytapi:WebhookSecret must be at least 16 characters of letters", TestName = "Start_MaytapiSecretWithAQuestionMark_FailsNamingTheRule")]
    [TestCase("sécret-non-ascii-1234", "Maytapi:WebhookSecret must be printable ASCII", TestName = "Start_MaytapiSecretNotAscii_FailsNamingTheRule")]
    [TestCase("secret with spaces 1234", "Maytapi:WebhookSecret must be printable ASCII", TestName = "Start_MaytapiSecretWithSpaces_FailsNamingTheRule")]
    public void Start_MaytapiBadSecret_FailsNamingTheSettingAndTheRuleNotTheValue(string? secret, string expected)
    {
        var error = Assert.ThrowsAsync<OptionsValidationException>(() => StartAsync(s => s.AddMaytapiWebhook(o => o.WebhookSecret = secret)))!;

        Assert.Multiple(() =>
        {
            Assert.That(error.Message, Does.Contain(expected));
            if (!string.IsNullOrEmpty(secret))
            {
                Assert.That(error.Message, Does.Not.Contain(secret), "the value is never quoted");
            }
        });
    }

    [Test]
    public void Start_NamedMaytapiBadSecret_FailsNamingTheInstance()
    {
        var error = Assert.ThrowsAsync<OptionsValidationException>(() => StartAsync(s => s.AddMaytapiWebhook("eu", o => o.WebhookSecret = "too-short")))!;

        Assert.That(error.Message, Does.Contain("Maytapi[eu]:WebhookSecret must be at least 16 characters"));
    }

    [TestCase("abcdefghijklmnop")]
    [TestCase("ABC-def.ghi_jkl~0123")]
    public async Task Start_MaytapiSecretOfAllowedCharactersFrom16_StartsAndOpensItsPath(string secret)
    {
        await using var host = await WebhookHost.StartAsync(s => s.AddMaytapiWebhook(o => o.WebhookSecret = secret));
        var body = NotificationRecording.Of("maytapi").First().Body;

        Assert.That(await host.StatusOfPostAsync("/whatsapp/maytapi?secret=" + secret, body), Is.EqualTo(HttpStatusCode.OK));
    }

    [Test]
    public async Task Start_WebhookOnlyInstances_NoSenderCredentialsNeededEvenBesideSenders()
    {
        await using var host = await WebhookHost.StartAsync(s =>
        {
            // A sending instance of each provider, fully configured...
            s.AddGreenApi(TestServices.ConfigureGreenApi);
            s.AddMaytapi("sender", TestServices.ConfigureMaytapi);
            // ...beside receiving-only instances that have nothing but their webhook credential.
            s.AddGreenApiWebhook("inbound", o => o.WebhookToken = GreenToken);
            s.AddMaytapiWebhook(o => o.WebhookSecret = MaytapiSecret);
        });
        var green = await host.StatusOfPostAsync("/whatsapp/green-api/inbound", NotificationRecording.Of("green-api").First().Body, "Bearer " + GreenToken);
        var maytapi = await host.StatusOfPostAsync("/whatsapp/maytapi?secret=" + MaytapiSecret, NotificationRecording.Of("maytapi").First().Body);

        Assert.Multiple(() =>
        {
            Assert.That(green, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(maytapi, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(host.Services.GetRequiredService<IGreenApiSender>(), Is.Not.Null, "the sender still resolves");
        });
    }

    [Test]
    public void Start_WebhookOnlyBesideASenderMissingCredentials_FailsForTheSenderOnly()
    {
        var error = Assert.ThrowsAsync<OptionsValidationException>(() => StartAsync(s =>
        {
            s.AddGreenApi("sender", o => o.WebhookToken = "irrelevant-token-1");
            s.AddGreenApiWebhook("inbound", o => o.WebhookToken = GreenToken);
        }))!;

        Assert.Multiple(() =>
        {
            Assert.That(error.Message, Does.Contain("GreenApi[sender]:"), "the sender's missing credentials are named");
            Assert.That(error.Message, Does.Not.Contain("GreenApi[inbound]"), "the webhook-only instance is fine");
        });
    }

    [Test]
    public void Start_SameInstanceSendsAndReceivesWithoutWebhookToken_FailsForTheWebhookSetting()
    {
        var error = Assert.ThrowsAsync<OptionsValidationException>(() => StartAsync(s =>
        {
            s.AddGreenApi(TestServices.ConfigureGreenApi);
            s.AddGreenApiWebhook(_ => { });
        }))!;

        Assert.That(error.Message, Does.Contain("GreenApi:WebhookToken is required"));
    }

    [Test]
    public async Task Start_FromConfigurationSections_SameSectionsAsTheSenders()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["GreenApi:WebhookToken"] = GreenToken,
            ["Maytapi:WebhookSecret"] = MaytapiSecret,
            ["Sales:WebhookToken"] = "sales-token-0000001",
        }).Build();
        await using var host = await WebhookHost.StartAsync(s =>
        {
            s.AddGreenApiWebhook(configuration.GetSection(GreenApiOptions.DefaultSectionName));
            s.AddGreenApiWebhook("sales", configuration.GetSection("Sales"));
            s.AddMaytapiWebhook(configuration.GetSection(MaytapiOptions.DefaultSectionName));
        });
        var green = NotificationRecording.Of("green-api").First().Body;

        var statuses = new[]
        {
            await host.StatusOfPostAsync("/whatsapp/green-api", green, "Bearer " + GreenToken),
            await host.StatusOfPostAsync("/whatsapp/green-api/sales", green, "Bearer sales-token-0000001"),
            await host.StatusOfPostAsync("/whatsapp/maytapi?secret=" + MaytapiSecret, NotificationRecording.Of("maytapi").First().Body),
        };

        Assert.That(statuses, Has.All.EqualTo(HttpStatusCode.OK));
    }

    [Test]
    public void Map_NoReceivingRegistration_ClearError()
    {
        var app = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = Environments.Production, Args = ["--hostBuilder:reloadConfigOnChange=false"] }).Build();

        var error = Assert.Throws<InvalidOperationException>(() => app.MapWhatsAppWebhooks())!;

        Assert.That(error.Message, Does.Contain("No WhatsApp webhook is registered").And.Contain("AddGreenApiWebhook"));
    }

    [TestCase("sales", "sales", TestName = "Map_TwoRegistrationsWithTheSameName_ClearErrorNamingThePath")]
    [TestCase("Sales", "sales", TestName = "Map_TwoRegistrationsWhoseNamesDifferOnlyInCase_ClearErrorNamingThePath")]
    public void Map_TwoRegistrationsWithTheSamePath_ClearErrorNamingThePath(string first, string second)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = Environments.Production, Args = ["--hostBuilder:reloadConfigOnChange=false"] });
        builder.Services.AddGreenApiWebhook(first, o => o.WebhookToken = GreenToken);
        builder.Services.AddGreenApiWebhook(second, o => o.WebhookToken = "another-token-0001");
        var app = builder.Build();

        var error = Assert.Throws<InvalidOperationException>(() => app.MapWhatsAppWebhooks())!;

        Assert.That(error.Message, Does.Contain("same path").And.Contain("green-api/" + first));
    }

    [Test]
    public async Task Map_SameNameForGreenApiAndMaytapi_NoConflict()
    {
        await using var host = await WebhookHost.StartAsync(s =>
        {
            s.AddGreenApiWebhook("main", o => o.WebhookToken = GreenToken);
            s.AddMaytapiWebhook("main", o => o.WebhookSecret = MaytapiSecret);
        });

        var statuses = new[]
        {
            await host.StatusOfPostAsync("/whatsapp/green-api/main", NotificationRecording.Of("green-api").First().Body, "Bearer " + GreenToken),
            await host.StatusOfPostAsync("/whatsapp/maytapi/main?secret=" + MaytapiSecret, NotificationRecording.Of("maytapi").First().Body),
        };

        Assert.That(statuses, Has.All.EqualTo(HttpStatusCode.OK));
    }

    public static IEnumerable<TestCaseData> BadNames()
    {
        foreach (var name in new[] { "a/b", "a b", "a.b", "..", "é", "a%2Fb", "a?b", "a#b", "{secret}", "a\\b", "\t" })
        {
            yield return new TestCaseData(name).SetArgDisplayNames(Uri.EscapeDataString(name));
        }
    }

    [TestCaseSource(nameof(BadNames))]
    public void AddWebhook_NameWithBadCharacters_ArgumentErrorNamingTheRule(string name)
    {
        var services = new ServiceCollection();

        var green = Assert.Throws<ArgumentException>(() => services.AddGreenApiWebhook(name, o => o.WebhookToken = GreenToken))!;
        var maytapi = Assert.Throws<ArgumentException>(() => services.AddMaytapiWebhook(name, o => o.WebhookSecret = MaytapiSecret))!;

        Assert.Multiple(() =>
        {
            Assert.That(green.ParamName, Is.EqualTo("name"));
            Assert.That(green.Message, Does.Contain("letters, digits, '-' and '_'"));
            Assert.That(maytapi.ParamName, Is.EqualTo("name"));
            Assert.That(services, Is.Empty, "nothing registered");
        });
    }

    [Test]
    public void AddWebhook_EmptyOrNullName_ArgumentError()
    {
        var services = new ServiceCollection();

        Assert.Multiple(() =>
        {
            Assert.That(() => services.AddGreenApiWebhook(string.Empty, o => o.WebhookToken = GreenToken), Throws.InstanceOf<ArgumentException>());
            Assert.That(() => services.AddMaytapiWebhook(null!, o => o.WebhookSecret = MaytapiSecret), Throws.InstanceOf<ArgumentException>());
        });
    }

    [TestCase("sales-EU_2")]
    [TestCase("0")]
    public async Task AddWebhook_NameOfLettersDigitsDashUnderscore_ItsPathOpens(string name)
    {
        await using var host = await WebhookHost.StartAsync(s => s.AddGreenApiWebhook(name, o => o.WebhookToken = GreenToken));

        Assert.That(await host.StatusOfPostAsync("/whatsapp/green-api/" + name, NotificationRecording.Of("green-api").First().Body, "Bearer " + GreenToken), Is.EqualTo(HttpStatusCode.OK));
    }

    [Test]
    public void UrlToConfigure_Maytapi_IsThePathWithTheSecretEscaped()
    {
        var receivers = ReceiversOf(s =>
        {
            s.AddMaytapiWebhook("eu", o => o.WebhookSecret = MaytapiSecret);
            s.AddGreenApiWebhook(o => o.WebhookToken = GreenToken);
        });

        Assert.Multiple(() =>
        {
            Assert.That(receivers.Single(r => r.Provider == MaytapiOptions.Provider).UrlToConfigure("https://app.example.com/whatsapp/"), Is.EqualTo("https://app.example.com/whatsapp/maytapi/eu?secret=" + MaytapiSecret));
            Assert.That(receivers.Single(r => r.Provider == GreenApiOptions.Provider).UrlToConfigure("https://app.example.com/whatsapp"), Is.EqualTo("https://app.example.com/whatsapp/green-api"), "the token travels in a header, not the URL");
        });
    }

    private static List<WebhookReceiver> ReceiversOf(Action<IServiceCollection> register)
    {
        var services = new ServiceCollection();
        register(services);
        using var provider = services.BuildServiceProvider();
        return provider.GetServices<WebhookReceiver>().ToList();
    }

    /// <summary>Builds, maps and starts an app (disposing it), so that startup validation runs as in production.</summary>
    private static async Task StartAsync(Action<IServiceCollection> register)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = Environments.Production, Args = ["--hostBuilder:reloadConfigOnChange=false"] });
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        register(builder.Services);
        await using var app = builder.Build();
        app.MapWhatsAppWebhooks();
        await app.StartAsync();
        await app.StopAsync();
    }
}
