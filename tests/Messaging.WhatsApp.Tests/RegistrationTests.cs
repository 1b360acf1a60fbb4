using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;
using Messaging.WhatsApp.GreenApi;
using Messaging.WhatsApp.Maytapi;
using Messaging.WhatsApp.Tests.Infrastructure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using NUnit.Framework;

namespace Messaging.WhatsApp.Tests;

/// <summary>DI registration: options from configuration, validated at startup, several named instances side by side.</summary>
public sealed class RegistrationTests
{
    private static readonly ChatAddress Person = ChatAddress.Parse("905301111111");

    private static readonly string[] ExpectedSalesFailures =
    [
        "GreenApi[sales]:ApiUrl must be an absolute http(s) URL without credentials, query or fragment, such as https://7105.api.greenapi.com.",
        "GreenApi[sales]:IdInstance is required: the instance number from the GREEN-API console.",
        "GreenApi[sales]:ApiTokenInstance is required: the instance token from the GREEN-API console.",
        "GreenApi[sales]:Timeout must be positive and at most 24 days (HttpClient takes no longer).",
        "GreenApi[sales]:Retry:MaxAttempts must be between 1 and 10 (was 0).",
    ];

    private static IConfiguration Config(Dictionary<string, string?> values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values).Build();

    private static Dictionary<string, string?> GreenSection(string prefix, long idInstance, string token) => new()
    {
        [$"{prefix}:ApiUrl"] = TestServices.Server.Url,
        [$"{prefix}:IdInstance"] = idInstance.ToString(System.Globalization.CultureInfo.InvariantCulture),
        [$"{prefix}:ApiTokenInstance"] = token,
    };

    [Test]
    public async Task AddGreenApi_FromConfiguration_BindsEverySettingAndSends()
    {
        var values = GreenSection("GreenApi", TestServices.GreenInstance, TestServices.GreenToken);
        values["GreenApi:Timeout"] = "00:00:07";
        values["GreenApi:MaxSendsPerSecond"] = "20";
        values["GreenApi:Retry:MaxAttempts"] = "5";
        values["GreenApi:Retry:Enabled"] = "false";
        var config = Config(values);
        using var services = TestServices.With(s => s.AddGreenApi(config.GetSection(GreenApiOptions.DefaultSectionName)));
        services.Provider.GetRequiredService<IStartupValidator>().Validate();
        TestServices.Answer(TestServices.GreenPath, TestServices.Json(200, """{"idMessage":"BAE5F4886F6F2D05"}"""));

        var options = services.Provider.GetRequiredService<IOptionsMonitor<GreenApiOptions>>().CurrentValue;
        var result = await services.Sender.SendTextAsync(Person, "hi");

        Assert.Multiple(() =>
        {
            Assert.That(options.Timeout, Is.EqualTo(TimeSpan.FromSeconds(7)));
            Assert.That(options.MaxSendsPerSecond, Is.EqualTo(20));
            Assert.That(options.Retry.MaxAttempts, Is.EqualTo(5));
            Assert.That(options.Retry.Enabled, Is.False);
            Assert.That(result.MessageId, Is.EqualTo("BAE5F4886F6F2D05"));
            Assert.That(services.Sender, Is.SameAs(services.GreenApiSender), "one sender behind both interfaces");
        });
    }

    [Test]
    public void AddGreenApi_MissingToken_FailsAtStartupNamingTheSetting()
    {
        var config = Config(new Dictionary<string, string?> { ["GreenApi:IdInstance"] = "1101000001" });
        using var services = TestServices.With(s => s.AddGreenApi(config.GetSection("GreenApi")));

        var error = Assert.Throws<OptionsValidationException>(() => services.Provider.GetRequiredService<IStartupValidator>().Validate())!;

        Assert.That(error.Message, Does.Contain("GreenApi:ApiTokenInstance is required"));
    }

    [Test]
    public void AddMaytapi_MissingProduct_FailsAtStartupWithoutRevealingTheKey()
    {
        var config = Config(new Dictionary<string, string?> { ["Maytapi:PhoneId"] = "12", ["Maytapi:ApiKey"] = TestServices.MaytapiKey });
        using var services = TestServices.With(s => s.AddMaytapi(config.GetSection("Maytapi")));

        var error = Assert.Throws<OptionsValidationException>(() => services.Provider.GetRequiredService<IStartupValidator>().Validate())!;

        Assert.Multiple(() =>
        {
            Assert.That(error.Message, Does.Contain("Maytapi:ProductId is required"));
            Assert.That(error.Message, Does.Not.Contain(TestServices.MaytapiKey));
        });
    }

    [Test]
    public void AddGreenApi_BadSettings_ListsEveryProblem()
    {
        using var services = TestServices.With(s => s.AddGreenApi("sales", o =>
        {
            o.ApiUrl = new Uri("ftp://example.com");
            o.Timeout = TimeSpan.Zero;
            o.Retry.MaxAttempts = 0;
        }));

        var error = Assert.Throws<OptionsValidationException>(() => services.Provider.GetRequiredService<IStartupValidator>().Validate())!;

        Assert.That(error.Failures, Is.SupersetOf(ExpectedSalesFailures));
    }

    [Test]
    public async Task AddGreenApi_TwoNamedInstances_SendSideBySideAsKeyedServices()
    {
        const string salesToken = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa1";
        const string supportToken = "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb2";
        var config = Config(GreenSection("WhatsApp:Sales", 1101000011, salesToken)
            .Concat(GreenSection("WhatsApp:Support", 1101000022, supportToken))
            .ToDictionary());
        using var services = TestServices.With(s =>
        {
            s.AddGreenApi("sales", config.GetSection("WhatsApp:Sales"));
            s.AddGreenApi("support", config.GetSection("WhatsApp:Support"));
        });
        services.Provider.GetRequiredService<IStartupValidator>().Validate();
        TestServices.Server.Reset();
        TestServices.Server
            .Given(WireMock.RequestBuilders.Request.Create().WithPath($"/waInstance1101000011/sendMessage/{salesToken}").UsingPost())
            .RespondWith(TestServices.Json(200, """{"idMessage":"SALES00000000001"}"""));
        TestServices.Server
            .Given(WireMock.RequestBuilders.Request.Create().WithPath($"/waInstance1101000022/sendMessage/{supportToken}").UsingPost())
            .RespondWith(TestServices.Json(200, """{"idMessage":"SUPPORT000000001"}"""));

        var sales = services.Provider.GetRequiredKeyedService<IWhatsAppSender>("sales");
        var support = services.Provider.GetRequiredKeyedService<IWhatsAppSender>("support");
        var salesResult = await sales.SendTextAsync(Person, "from sales");
        var supportResult = await support.SendTextAsync(Person, "from support");

        Assert.Multiple(() =>
        {
            Assert.That(sales, Is.Not.SameAs(support));
            Assert.That(salesResult.MessageId, Is.EqualTo("SALES00000000001"));
            Assert.That(supportResult.MessageId, Is.EqualTo("SUPPORT000000001"));
            Assert.That(services.Provider.GetService<IWhatsAppSender>(), Is.Null, "named instances are keyed only");
            Assert.That(services.Provider.GetRequiredKeyedService<IGreenApiSender>("sales"), Is.SameAs(sales));
        });
    }

    [Test]
    public async Task AddMaytapiAndAddGreenApi_NamedSideBySide_EachSendsThroughItsProvider()
    {
        using var services = TestServices.With(s =>
        {
            s.AddMaytapi("primary", TestServices.ConfigureMaytapi);
            s.AddGreenApi("fallback", TestServices.ConfigureGreenApi);
        });
        services.Provider.GetRequiredService<IStartupValidator>().Validate();
        TestServices.Server.Reset();
        TestServices.Server.Given(WireMock.RequestBuilders.Request.Create().WithPath(TestServices.MaytapiPath).UsingPost())
            .RespondWith(TestServices.Json(200, """{"success":true,"data":{"chatId":"905301111111@c.us","msgId":"m-1"}}"""));
        TestServices.Server.Given(WireMock.RequestBuilders.Request.Create().WithPath(TestServices.GreenPath).UsingPost())
            .RespondWith(TestServices.Json(200, """{"idMessage":"g-1"}"""));

        var primary = await services.Provider.GetRequiredKeyedService<IWhatsAppSender>("primary").SendTextAsync(Person, "hi");
        var fallback = await services.Provider.GetRequiredKeyedService<IWhatsAppSender>("fallback").SendTextAsync(Person, "hi");

        Assert.Multiple(() =>
        {
            Assert.That(primary.Provider, Is.EqualTo(MaytapiOptions.Provider));
            Assert.That(fallback.Provider, Is.EqualTo(GreenApiOptions.Provider));
            Assert.That(TestServices.RequestsReceived, Is.EqualTo(2));
        });
    }

    [TestCase(false)]
    [TestCase(true)]
    public void BothGatewaysWithoutAName_NeutralSenderRefusedWithHowToNameThem_ProviderInterfacesStillWork(bool greenApiFirst)
    {
        // The neutral interface used to resolve to whichever gateway was registered last, without a word.
        using var services = TestServices.With(s =>
        {
            if (greenApiFirst)
            {
                s.AddGreenApi(TestServices.ConfigureGreenApi);
                s.AddMaytapi(TestServices.ConfigureMaytapi);
            }
            else
            {
                s.AddMaytapi(TestServices.ConfigureMaytapi);
                s.AddGreenApi(TestServices.ConfigureGreenApi);
            }
        });

        var error = Assert.Throws<InvalidOperationException>(() => services.Provider.GetRequiredService<IWhatsAppSender>())!;

        Assert.Multiple(() =>
        {
            Assert.That(error.Message, Does.Contain("IWhatsAppSender is ambiguous").And.Contain("GREEN-API").And.Contain("Maytapi").And.Contain("without a name"));
            Assert.That(error.Message, Does.Contain("AddGreenApi(\"sales\"").And.Contain("[FromKeyedServices(\"sales\")] IWhatsAppSender"), "says how to name them");
            Assert.That(error.Message, Does.Contain("IGreenApiSender").And.Contain("IMaytapiSender"));
            Assert.That(services.GreenApiSender, Is.InstanceOf<GreenApiSender>());
            Assert.That(services.MaytapiSender, Is.InstanceOf<MaytapiSender>());
        });
    }

    [Test]
    public void BothGatewaysWithoutAName_StartupValidationWarnsAndDoesNotFail()
    {
        using var services = TestServices.With(s =>
        {
            s.AddGreenApi(TestServices.ConfigureGreenApi);
            s.AddMaytapi(TestServices.ConfigureMaytapi);
        });

        Assert.That(() => services.Provider.GetRequiredService<IStartupValidator>().Validate(), Throws.Nothing, "the provider interfaces may be all the app uses");

        var warnings = services.Logs.Lines.Where(line => line.StartsWith("Warning Messaging.WhatsApp: IWhatsAppSender is ambiguous", StringComparison.Ordinal)).ToList();
        Assert.That(warnings, Has.Count.EqualTo(1), "said once, at startup, before anything resolves the sender");
    }

    [Test]
    public void TwoGatewaysUnderTheSameName_KeyedNeutralSenderRefused()
    {
        using var services = TestServices.With(s =>
        {
            s.AddGreenApi("sales", TestServices.ConfigureGreenApi);
            s.AddMaytapi("sales", TestServices.ConfigureMaytapi);
        });

        var error = Assert.Throws<InvalidOperationException>(() => services.Provider.GetRequiredKeyedService<IWhatsAppSender>("sales"))!;

        Assert.Multiple(() =>
        {
            Assert.That(error.Message, Does.Contain("IWhatsAppSender 'sales' is ambiguous").And.Contain("the same name 'sales'"));
            Assert.That(services.Provider.GetRequiredKeyedService<IGreenApiSender>("sales"), Is.InstanceOf<GreenApiSender>());
            Assert.That(services.Provider.GetRequiredKeyedService<IMaytapiSender>("sales"), Is.InstanceOf<MaytapiSender>());
        });
    }

    [Test]
    public async Task OneGatewayWithoutANameAndAnotherNamed_NeutralSenderIsTheUnnamedOne_NoWarning()
    {
        using var services = TestServices.With(s =>
        {
            s.AddGreenApi(TestServices.ConfigureGreenApi);
            s.AddMaytapi("support", TestServices.ConfigureMaytapi);
        });
        services.Provider.GetRequiredService<IStartupValidator>().Validate();
        TestServices.Answer(TestServices.GreenPath, TestServices.Json(200, """{"idMessage":"BAE5F4886F6F2D05"}"""));

        var result = await services.Sender.SendTextAsync(Person, "hi");

        Assert.Multiple(() =>
        {
            Assert.That(result.Provider, Is.EqualTo(GreenApiOptions.Provider));
            Assert.That(services.Provider.GetRequiredKeyedService<IWhatsAppSender>("support"), Is.InstanceOf<MaytapiSender>());
            Assert.That(services.Logs.Lines.Where(line => line.Contains("ambiguous", StringComparison.Ordinal)), Is.Empty);
        });
    }

    [Test]
    public void SameGatewayRegisteredTwiceWithoutAName_NotAmbiguous()
    {
        using var services = TestServices.With(s =>
        {
            s.AddGreenApi(TestServices.ConfigureGreenApi);
            s.AddGreenApi(o => o.MaxSendsPerSecond = 10);
        });

        Assert.That(services.Sender, Is.InstanceOf<GreenApiSender>());
    }
}
