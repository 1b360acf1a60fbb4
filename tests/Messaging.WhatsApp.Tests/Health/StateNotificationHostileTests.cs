using System;
using System.Globalization;
using System.Linq;
using System.Net;
using System.Text;
using System.Threading.Tasks;
using Messaging.WhatsApp.GreenApi;
using Messaging.WhatsApp.Maytapi;
using Messaging.WhatsApp.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using NUnit.Framework;

namespace Messaging.WhatsApp.Tests.Health;

/// <summary>
/// The failure classes the state-notification fuzzer found, one test each, through the real webhook endpoints with a
/// clock the test sets: a GREEN-API time far ahead (which would pin the state against all later news) or that is no
/// time, Maytapi ids that name another phone or product besides this one, and a gateway word that is the secret.
/// </summary>
[NonParallelizable]
public sealed class StateNotificationHostileTests
{
    internal const string GreenWebhookToken = "test-green-api-webhook-token";
    internal const string MaytapiWebhookSecret = "test-maytapi-webhook-secret";
    internal const string MaytapiPhone = "47309";

    private static readonly DateTimeOffset Now = new(2026, 3, 25, 9, 0, 0, TimeSpan.Zero);

    [TestCase(86_400L)]
    [TestCase(365L * 86_400)]
    [TestCase(253_402_300_799L - 1_774_429_200L)]
    public async Task Notification_TimestampFarAhead_DoesNotPinTheState(long aheadSeconds)
    {
        var clock = new SettableClock(Now);
        await using var host = await StartAsync(clock);
        var sender = host.Services.GetRequiredService<IGreenApiSender>();

        await PostGreenAsync(host, "notAuthorized", Now.AddSeconds(-10).ToUnixTimeSeconds());
        await PostGreenAsync(host, "blocked", Now.ToUnixTimeSeconds() + aheadSeconds);
        var afterBogus = sender.InstanceStatus;
        clock.Advance(TimeSpan.FromMinutes(1));
        await PostGreenAsync(host, "authorized", clock.GetUtcNow().ToUnixTimeSeconds());

        Assert.Multiple(() =>
        {
            Assert.That((afterBogus.State, afterBogus.LearnedAt), Is.EqualTo((WhatsAppInstanceState.NeedsLogin, (DateTimeOffset?)Now.AddSeconds(-10))), "a time more than a minute ahead of the arrival is not believed");
            Assert.That(sender.InstanceStatus.State, Is.EqualTo(WhatsAppInstanceState.Ready), "later real news is not 'older' than a bogus future");
            Assert.That(((IInstanceStateSource)sender).InstanceState.Refusal(), Is.Null);
        });
    }

    [TestCase(-1L)]
    [TestCase(-1_774_429_200L)]
    [TestCase(253_402_300_800L)]
    [TestCase(1_774_429_200_000L)]
    [TestCase(long.MaxValue)]
    public async Task Notification_TimestampThatIsNoTime_ChangesNothing(long timestamp)
    {
        var clock = new SettableClock(Now);
        await using var host = await StartAsync(clock);
        var sender = host.Services.GetRequiredService<IGreenApiSender>();
        await PostGreenAsync(host, "authorized", Now.AddSeconds(-10).ToUnixTimeSeconds());
        var before = sender.InstanceStatus;

        var status = await PostGreenAsync(host, "blocked", timestamp);

        Assert.Multiple(() =>
        {
            Assert.That(status, Is.EqualTo(HttpStatusCode.OK), "the webhook still takes it");
            Assert.That(sender.InstanceStatus, Is.EqualTo(before), "a notification whose time is negative or past year 9999 says nothing about now");
        });
    }

    [Test]
    public async Task Notification_TimestampLessThanAMinuteAhead_IsTakenAtItsTime()
    {
        var clock = new SettableClock(Now);
        await using var host = await StartAsync(clock);
        var sender = host.Services.GetRequiredService<IGreenApiSender>();

        await PostGreenAsync(host, "notAuthorized", Now.AddSeconds(30).ToUnixTimeSeconds());

        Assert.That((sender.InstanceStatus.State, sender.InstanceStatus.LearnedAt), Is.EqualTo((WhatsAppInstanceState.NeedsLogin, (DateTimeOffset?)Now.AddSeconds(30))), "the clocks may differ by a minute");
    }

    [TestCase("""{"type":"status","product_id":"11111111-2222-3333-4444-555555555555","phone_id":47309,"phoneId":47310,"status":"qr-code"}""")]
    [TestCase("""{"type":"status","product_id":"11111111-2222-3333-4444-555555555555","phone_id":47310,"phoneId":47309,"status":"qr-code"}""")]
    [TestCase("""{"type":"status","product_id":"11111111-2222-3333-4444-555555555555","pid":"aaaaaaaa-2222-3333-4444-555555555555","phone_id":47309,"status":"qr-code"}""")]
    [TestCase("""{"type":"status","product_id":"aaaaaaaa-2222-3333-4444-555555555555","pid":"11111111-2222-3333-4444-555555555555","phone_id":47309,"status":"qr-code"}""")]
    [TestCase("""{"type":"status","product_id":"11111111-2222-3333-4444-555555555555","phone_id":47309.5,"phoneId":47309,"status":"qr-code"}""")]
    [TestCase("""{"type":"status","product_id":"11111111-2222-3333-4444-555555555555","phone_id":"047309","status":"qr-code"}""")]
    public async Task Notification_MaytapiIdsNamingAnotherPhoneOrProduct_ChangeNothing(string body)
    {
        var clock = new SettableClock(Now);
        await using var host = await StartAsync(clock);
        var sender = host.Services.GetRequiredService<IMaytapiSender>();
        await PostMaytapiAsync(host, """{"type":"status","product_id":"11111111-2222-3333-4444-555555555555","phone_id":47309,"phoneId":47309,"status":"active"}""");
        var before = sender.InstanceStatus;
        clock.Advance(TimeSpan.FromSeconds(5));

        var status = await PostMaytapiAsync(host, body);

        Assert.Multiple(() =>
        {
            Assert.That((before.State, status), Is.EqualTo((WhatsAppInstanceState.Ready, HttpStatusCode.OK)));
            Assert.That(sender.InstanceStatus, Is.EqualTo(before), "every id the body gives must name this phone of this product");
        });
    }

    [Test]
    public async Task Notification_WordCarryingTheSecret_IsMasked()
    {
        var clock = new SettableClock(Now);
        await using var host = await StartAsync(clock);
        var green = host.Services.GetRequiredService<IGreenApiSender>();
        var maytapi = host.Services.GetRequiredService<IMaytapiSender>();

        await PostGreenAsync(host, "x/" + TestServices.GreenToken, Now.ToUnixTimeSeconds());
        await PostMaytapiAsync(host, $$"""{"type":"status","phone_id":47309,"status":"{{Uri.EscapeDataString("/" + TestServices.MaytapiKey)}}"}""");

        var texts = new[] { green.InstanceStatus.ToString(), maytapi.InstanceStatus.ToString() }.Concat(host.Logs.Entries.SelectMany(e => e.Everything)).ToList();
        Assert.Multiple(() =>
        {
            Assert.That((green.InstanceStatus.State, green.InstanceStatus.ProviderState), Is.EqualTo((WhatsAppInstanceState.Unknown, "x/***")));
            Assert.That(maytapi.InstanceStatus.State, Is.EqualTo(WhatsAppInstanceState.Unknown));
            Assert.That(SecretEncodings.Find(TestServices.GreenToken, texts), Is.Empty);
            Assert.That(SecretEncodings.Find(TestServices.MaytapiKey, texts), Is.Empty);
        });
    }

    /// <summary>A web app with a GREEN-API and a Maytapi sender, their webhooks, monitoring without a poll, fail-fast on, and <paramref name="clock"/>.</summary>
    internal static Task<WebhookHost> StartAsync(TimeProvider clock) =>
        WebhookHost.StartAsync(services =>
        {
            services.AddSingleton(clock);
            services.AddGreenApi(o =>
            {
                TestServices.ConfigureGreenApi(o);
                o.ApiUrl = new Uri("http://127.0.0.1:9");
                o.FailFastWhenUnableToSend = true;
            }).AddInstanceStateMonitoring(o => o.PollInterval = TimeSpan.Zero);
            services.AddMaytapi(o =>
            {
                TestServices.ConfigureMaytapi(o);
                o.ApiUrl = new Uri("http://127.0.0.1:9/api/");
                o.PhoneId = MaytapiPhone;
                o.FailFastWhenUnableToSend = true;
            }).AddInstanceStateMonitoring(o => o.PollInterval = TimeSpan.Zero);
            services.AddGreenApiWebhook(o => o.WebhookToken = GreenWebhookToken);
            services.AddMaytapiWebhook(o => o.WebhookSecret = MaytapiWebhookSecret);
        });

    private static Task<HttpStatusCode> PostGreenAsync(WebhookHost host, string state, long timestamp) =>
        host.StatusOfPostAsync(
            "whatsapp/green-api",
            Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $$"""{"typeWebhook":"stateInstanceChanged","instanceData":{"idInstance":{{TestServices.GreenInstance}},"wid":"","typeInstance":"whatsapp"},"timestamp":{{timestamp}},"stateInstance":"{{state}}"}""")),
            "Bearer " + GreenWebhookToken);

    private static Task<HttpStatusCode> PostMaytapiAsync(WebhookHost host, string body) =>
        host.StatusOfPostAsync("whatsapp/maytapi?secret=" + MaytapiWebhookSecret, Encoding.UTF8.GetBytes(body));
}
