using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;
using Messaging.WhatsApp.GreenApi;
using Messaging.WhatsApp.Maytapi;
using Messaging.WhatsApp.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using NUnit.Framework;

namespace Messaging.WhatsApp.Tests.Hostile;

/// <summary>
/// No setting passes startup and then fails every send: whatever can be checked is checked when the host
/// starts (and by the public constructors), with a message naming the setting and never echoing a secret.
/// </summary>
public sealed class StartupValidationTests
{
    private static readonly ChatAddress Person = ChatAddress.Parse("905301111111");

    public static IEnumerable<TestCaseData> BadMaytapiSettings()
    {
        yield return Case<MaytapiOptions>("key with CR LF (header injection)", o => o.ApiKey = "maytapi-key\r\nX-Injected: yes", "ApiKey");
        yield return Case<MaytapiOptions>("key with LF only", o => o.ApiKey = "maytapi-key\nX-Injected: yes", "ApiKey");
        yield return Case<MaytapiOptions>("key with a non-ASCII letter", o => o.ApiKey = "maytapi-kéy-5f1c2e9a", "ApiKey");
        yield return Case<MaytapiOptions>("key with a space", o => o.ApiKey = "maytapi key 5f1c2e9a", "ApiKey");
        yield return Case<MaytapiOptions>("key with a NUL", o => o.ApiKey = "maytapi\0key", "ApiKey");
        yield return Case<MaytapiOptions>("timeout beyond HttpClient's", o => o.Timeout = TimeSpan.FromDays(30), "Timeout");
        yield return Case<MaytapiOptions>("infinite timeout", o => o.Timeout = System.Threading.Timeout.InfiniteTimeSpan, "Timeout");
        yield return Case<MaytapiOptions>("max delay beyond timers", o => o.Retry.MaxDelay = TimeSpan.MaxValue, "Retry:MaxDelay");
        yield return Case<MaytapiOptions>("base delay beyond timers", o => { o.Retry.BaseDelay = TimeSpan.FromDays(100); o.Retry.MaxDelay = TimeSpan.FromDays(100); }, "Retry:BaseDelay");
        yield return Case<MaytapiOptions>("API URL with a query", o => o.ApiUrl = new Uri("https://api.maytapi.com/api/?x=1"), "ApiUrl");
        yield return Case<MaytapiOptions>("API URL with a fragment", o => o.ApiUrl = new Uri("https://api.maytapi.com/api/#x"), "ApiUrl");
    }

    public static IEnumerable<TestCaseData> BadGreenApiSettings()
    {
        yield return Case<GreenApiOptions>("token with CR LF", o => o.ApiTokenInstance = TestServices.GreenToken + "\r\nX-Injected: yes", "ApiTokenInstance");
        yield return Case<GreenApiOptions>("token with a non-ASCII letter", o => o.ApiTokenInstance = "d75b3a66374942c5b3c019c698abc2067e151558acbd41234é", "ApiTokenInstance");
        yield return Case<GreenApiOptions>("token with a space", o => o.ApiTokenInstance = "d75b3a66374942c5b3c0 19c698abc2067e151558acbd412345", "ApiTokenInstance");
        yield return Case<GreenApiOptions>("timeout beyond HttpClient's", o => o.Timeout = TimeSpan.MaxValue, "Timeout");
        yield return Case<GreenApiOptions>("max delay beyond timers", o => o.Retry.MaxDelay = TimeSpan.FromDays(60), "Retry:MaxDelay");
        yield return Case<GreenApiOptions>("API URL with a query", o => o.ApiUrl = new Uri("https://7105.api.greenapi.com/?token=x"), "ApiUrl");
    }

    [TestCaseSource(nameof(BadMaytapiSettings))]
    public void AddMaytapi_BadSetting_FailsAtStartupNamingItAndSendsNothing(Action<MaytapiOptions> spoil, string setting)
    {
        using var services = TestServices.With(s => s.AddMaytapi(o =>
        {
            TestServices.ConfigureMaytapi(o);
            spoil(o);
        }));
        TestServices.Answer(TestProvider.Maytapi, TestServices.Json(200, TestProvider.Maytapi.SuccessBody()));

        var error = Assert.Catch(() => services.Provider.GetRequiredService<IStartupValidator>().Validate())!;

        var spoiled = new MaytapiOptions();
        TestServices.ConfigureMaytapi(spoiled);
        spoil(spoiled);
        AssertNamesSetting(error, "Maytapi:" + setting, spoiled.ApiKey);
        Assert.That(TestServices.RequestsReceived, Is.Zero);
    }

    [TestCaseSource(nameof(BadGreenApiSettings))]
    public void AddGreenApi_BadSetting_FailsAtStartupNamingItAndSendsNothing(Action<GreenApiOptions> spoil, string setting)
    {
        using var services = TestServices.With(s => s.AddGreenApi(o =>
        {
            TestServices.ConfigureGreenApi(o);
            spoil(o);
        }));

        var error = Assert.Catch(() => services.Provider.GetRequiredService<IStartupValidator>().Validate())!;

        var spoiled = new GreenApiOptions();
        TestServices.ConfigureGreenApi(spoiled);
        spoil(spoiled);
        AssertNamesSetting(error, "GreenApi:" + setting, spoiled.ApiTokenInstance);
    }

    [TestCaseSource(nameof(BadMaytapiSettings))]
    public void MaytapiSenderConstructor_BadSetting_RefusedNamingIt(Action<MaytapiOptions> spoil, string setting)
    {
        var options = new MaytapiOptions();
        TestServices.ConfigureMaytapi(options);
        spoil(options);

        var error = Assert.Throws<ArgumentException>(() => new MaytapiSender(options).Dispose())!;

        AssertNamesSetting(error, "Maytapi:" + setting, options.ApiKey);
    }

    [TestCaseSource(nameof(BadGreenApiSettings))]
    public void GreenApiSenderConstructor_BadSetting_RefusedNamingIt(Action<GreenApiOptions> spoil, string setting)
    {
        var options = new GreenApiOptions();
        TestServices.ConfigureGreenApi(options);
        spoil(options);

        var error = Assert.Throws<ArgumentException>(() => new GreenApiSender(options).Dispose())!;

        AssertNamesSetting(error, "GreenApi:" + setting, options.ApiTokenInstance);
    }

    [Test]
    public async Task Send_KeyAtTheEdgeOfWhatIsAllowed_TravelsAsOneHeader()
    {
        const string key = "!#$%&'*+-./0123456789:;<=>?@AZ[\\]^_`az{|}~";
        await using var server = RawHttpServer.Answering(RawHttpServer.Response(200, "application/json", TestProvider.Maytapi.SuccessBody()));
        using var services = TestServices.With(s => s.AddMaytapi(o =>
        {
            TestServices.ConfigureMaytapi(o);
            o.ApiUrl = new Uri(server.Url, "api/");
            o.ApiKey = key;
        }));

        await services.Sender.SendTextAsync(Person, "hi");

        Assert.That(server.Requests.Single().Headers["x-maytapi-key"], Is.EqualTo(key));
    }

    private static TestCaseData Case<TOptions>(string what, Action<TOptions> spoil, string setting) =>
        new TestCaseData(spoil, setting).SetArgDisplayNames(what);

    private static void AssertNamesSetting(Exception error, string setting, string secret)
    {
        var text = error is AggregateException aggregate ? string.Join(" | ", aggregate.InnerExceptions.Select(e => e.Message)) : error.Message;
        Assert.Multiple(() =>
        {
            Assert.That(error, Is.InstanceOf<OptionsValidationException>().Or.InstanceOf<ArgumentException>().Or.InstanceOf<AggregateException>());
            Assert.That(text, Does.Contain(setting));
            Assert.That(text, Does.Not.Contain(secret.Trim()), "the secret is not echoed");
        });
    }
}
