using System;
using System.Linq;
using System.Text;
using System.Threading.Tasks;
using Messaging.WhatsApp.GreenApi;
using Messaging.WhatsApp.Maytapi;
using Messaging.WhatsApp.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using NUnit.Framework;

namespace Messaging.WhatsApp.Tests.Health;

/// <summary>
/// The failure classes the state-answer fuzzer found, one test each: an answer that states no state, a 200 that carries
/// GREEN-API's refusal, a list naming the phone twice or a phone of another product, and a gateway word that is the secret.
/// </summary>
public sealed class StateAnswerHostileTests
{
    private const string OtherProduct = "aaaaaaaa-2222-3333-4444-555555555555";

    [TestCase("{}")]
    [TestCase("""{"stateInstance":null}""")]
    [TestCase("""{"message":"instance not found"}""")]
    [TestCase("""{"code":200,"description":"OK"}""")]
    [TestCase("""{"StateInstance":"authorized"}""")]
    [TestCase("""{"data":{"stateInstance":"authorized"}}""")]
    public async Task GetInstanceState_GreenApiAnswerWithoutStateInstance_IsAnErrorNotAState(string body)
    {
        await using var server = RawHttpServer.Answering(RawHttpServer.Response(200, "application/json", body));
        using var services = Services(server.Url);
        var sender = services.GreenApiSender;

        var error = Assert.CatchAsync<WhatsAppException>(() => sender.GetInstanceStateAsync())!;

        Assert.Multiple(() =>
        {
            Assert.That(error.GetType(), Is.EqualTo(typeof(WhatsAppException)), error.Message);
            Assert.That(error.Message, Does.Contain("getStateInstance"));
            Assert.That(sender.InstanceStatus.LearnedAt, Is.Null, "an answer that states no state is never a state");
        });
    }

    [TestCase("""{"code":401,"description":"Unauthorized"}""")]
    [TestCase("""{"code":401}""")]
    public async Task GetInstanceState_GreenApi200WithCode401_IsTheRefusedToken(string body)
    {
        await using var server = RawHttpServer.Answering(RawHttpServer.Response(200, "application/json", body));
        using var services = Services(server.Url);
        var sender = services.GreenApiSender;

        var error = Assert.CatchAsync<WhatsAppException>(() => sender.GetInstanceStateAsync())!;
        var health = await new WhatsAppInstanceHealthCheck(((IInstanceStateSource)sender).InstanceState).CheckHealthAsync(new HealthCheckContext());

        Assert.Multiple(() =>
        {
            Assert.That(error, Is.InstanceOf<WhatsAppAuthenticationException>(), error.Message);
            Assert.That(sender.InstanceStatus.LearnedAt, Is.Null);
            Assert.That(health.Status, Is.EqualTo(HealthStatus.Unhealthy), "the gateway refuses the credentials: nothing can be sent");
        });
    }

    [TestCase("""[{"id":12,"status":"active"},{"id":12,"status":"qr-code"}]""")]
    [TestCase("""[{"id":12,"status":"qr-code"},{"id":12,"status":"active"}]""")]
    [TestCase("""[{"id":12,"status":"active"},{"id":7,"status":"idle"},{"id":12,"status":"active"}]""")]
    public async Task GetInstanceState_MaytapiPhoneListedTwice_IsAnErrorNotAState(string body)
    {
        await using var server = RawHttpServer.Answering(RawHttpServer.Response(200, "application/json", body));
        using var services = Services(server.Url);
        var sender = services.MaytapiSender;

        var error = Assert.CatchAsync<WhatsAppException>(() => sender.GetInstanceStateAsync())!;

        Assert.Multiple(() =>
        {
            Assert.That(error.GetType(), Is.EqualTo(typeof(WhatsAppException)), error.Message);
            Assert.That(error.Message, Does.Contain("phone 12").And.Contain("more than once"));
            Assert.That(sender.InstanceStatus.LearnedAt, Is.Null, "which of two entries is the phone's is not stated");
        });
    }

    [TestCase("""[{"id":12,"status":"active","product_id":"aaaaaaaa-2222-3333-4444-555555555555"}]""")]
    [TestCase("""[{"id":12,"status":"active","pid":"aaaaaaaa-2222-3333-4444-555555555555"}]""")]
    [TestCase("""[{"id":12,"status":"active","product_id":"11111111-2222-3333-4444-555555555555","pid":"aaaaaaaa-2222-3333-4444-555555555555"}]""")]
    public async Task GetInstanceState_MaytapiEntryOfAnotherProduct_IsNotThePhone(string body)
    {
        await using var server = RawHttpServer.Answering(RawHttpServer.Response(200, "application/json", body));
        using var services = Services(server.Url);
        var sender = services.MaytapiSender;

        var error = Assert.CatchAsync<WhatsAppException>(() => sender.GetInstanceStateAsync())!;

        Assert.Multiple(() =>
        {
            Assert.That(error.Message, Does.Contain("does not list phone 12"));
            Assert.That(sender.InstanceStatus.LearnedAt, Is.Null);
        });
    }

    [Test]
    public async Task GetInstanceState_MaytapiEntryNamingThisProduct_IsThePhone()
    {
        var body = $$"""[{"id":12,"status":"qr-code","product_id":"{{TestServices.ProductId.ToUpperInvariant()}}","pid":"{{TestServices.ProductId}}"},{"id":12,"status":"active","pid":"{{OtherProduct}}"}]""";
        await using var server = RawHttpServer.Answering(RawHttpServer.Response(200, "application/json", body));
        using var services = Services(server.Url);

        var status = await services.MaytapiSender.GetInstanceStateAsync();

        Assert.That((status.State, status.ProviderState), Is.EqualTo((WhatsAppInstanceState.NeedsLogin, "qr-code")), "the product id compared without case, as a UUID is");
    }

    /// <summary>A gateway (or a proxy in front of it) that echoes the secret as the state's word, in several encodings.</summary>
    [TestCase("green-api", "as is")]
    [TestCase("green-api", "url")]
    [TestCase("green-api", "base64")]
    [TestCase("green-api", "json-escaped")]
    [TestCase("maytapi", "as is")]
    [TestCase("maytapi", "url")]
    [TestCase("maytapi", "base64")]
    [TestCase("maytapi", "json-escaped")]
    public async Task GetInstanceState_WordCarryingTheSecret_IsNotKept(string provider, string encoding)
    {
        var maytapi = provider == "maytapi";
        var secret = maytapi ? TestServices.MaytapiKey : TestServices.GreenToken;
        var quoted = encoding switch
        {
            "url" => "\"x=" + Uri.EscapeDataString("/" + secret) + "\"",
            "base64" => "\"" + Convert.ToBase64String(Encoding.UTF8.GetBytes(secret)) + "\"",
            "json-escaped" => "\"" + string.Concat(secret.Select(c => $"\\u{(int)c:x4}")) + "\"",
            _ => "\"" + secret + "\"",
        };
        var body = maytapi ? $$"""[{"id":12,"status":{{quoted}}}]""" : $$"""{"stateInstance":{{quoted}}}""";
        await using var server = RawHttpServer.Answering(RawHttpServer.Response(200, "application/json", body));
        using var services = Services(server.Url);
        var source = maytapi ? (IInstanceStateSource)services.MaytapiSender : (IInstanceStateSource)services.GreenApiSender;

        var status = await source.GetInstanceStateAsync(default);
        var health = await new WhatsAppInstanceHealthCheck(source.InstanceState).CheckHealthAsync(new HealthCheckContext());

        var texts = new[] { status.ProviderState ?? string.Empty, status.ToString(), health.Description ?? string.Empty }
            .Concat(health.Data.Select(d => $"{d.Key}={d.Value}"))
            .Concat(services.Logs.Lines);
        Assert.Multiple(() =>
        {
            Assert.That(status.State, Is.EqualTo(WhatsAppInstanceState.Unknown));
            Assert.That(status.ProviderState, Does.Contain(SecretRedactor.Mask), "the word is kept, with the secret masked");
            Assert.That(SecretEncodings.Find(secret, texts), Is.Empty);
        });
    }

    private static TestServices Services(Uri root) =>
        TestServices.With(s =>
        {
            s.AddGreenApi(o =>
            {
                TestServices.ConfigureGreenApi(o);
                o.ApiUrl = root;
            });
            s.AddMaytapi(o =>
            {
                TestServices.ConfigureMaytapi(o);
                o.ApiUrl = new Uri(root, "api/");
            });
        });
}
