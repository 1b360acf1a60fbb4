using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Diagnostics.Metrics;
using System.Linq;
using System.Net;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Messaging.WhatsApp.GreenApi;
using Messaging.WhatsApp.Maytapi;
using Messaging.WhatsApp.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using NUnit.Framework;

namespace Messaging.WhatsApp.Tests.Health;

/// <summary>
/// The instance state monitoring in the apps teams write: the poll (at start, every interval, backing off on errors,
/// within the gateways' limits), the state notifications, the handlers, the health checks and endpoint, the metric, and
/// fail-fast on and off. Gateways are fakes on loopback; the clock is stepped by the test, never waited on.
/// </summary>
[NonParallelizable]
public sealed class InstanceMonitoringTests
{
    private const string WebhookToken = "test-green-api-webhook-token";
    private static readonly DateTimeOffset Start = new(2026, 3, 2, 9, 0, 0, TimeSpan.Zero);

    private static readonly string[] ExpectedWords = ["authorized", "authorized", "authorized", "authorized", "authorized", "notAuthorized", "authorized"];

    [Test]
    public async Task Poll_GatewayAnswersAndFails_AsksAtStartThenEveryIntervalAndBacksOffOnErrors()
    {
        // Answers in order: a state, three failures (the third a 429 asking 200 s), another failure, two states.
        var answers = new[]
        {
            State("authorized"), Text(500, "Internal Server Error"), Text(502, "Bad Gateway"),
            RawHttpServer.Response(429, null, string.Empty, ("Retry-After", "200")), Text(500, "Internal Server Error"),
            State("notAuthorized"), State("authorized"),
        };
        await using var gateway = Gateway(i => answers[Math.Min(i, answers.Length - 1)]);
        var time = new SteppedTimeProvider(Start);
        using var host = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true }).Also(b =>
        {
            b.Services.AddSingleton<TimeProvider>(time);
            b.Services.AddGreenApi(o => GreenApi(o, gateway.Url)).AddInstanceStateMonitoring(o =>
            {
                o.PollInterval = TimeSpan.FromMinutes(1);
                o.MaxErrorDelay = TimeSpan.FromMinutes(5);
            });
        }).Build();
        var sender = host.Services.GetRequiredService<IGreenApiSender>();
        time.Snapshot = () => (gateway.Requests.Count, sender.InstanceStatus.ProviderState);
        await host.StartAsync();

        // The wait after each ask: the interval after an answer; doubled from it after failures in a row, capped at
        // MaxErrorDelay; a 429's Retry-After only when longer (200 s is not, against the 240 s doubled wait: 300 s cap).
        TimeSpan[] expected = [Minutes(1), Minutes(2), Minutes(4), Minutes(5), Minutes(5), Minutes(1), Minutes(1)];
        var seen = new List<TimeSpan>();
        var asksBeforeEachWait = new List<int>();
        var states = new List<string?>();
        foreach (var _ in expected)
        {
            // What had happened when the poll began each wait: the poll goes on as soon as the wait ends.
            var (due, snapshot) = await time.NextAsync();
            var (asks, state) = ((int, string?))snapshot!;
            seen.Add(due);
            asksBeforeEachWait.Add(asks);
            states.Add(state);
        }

        await host.StopAsync();
        Assert.Multiple(() =>
        {
            Assert.That(seen, Is.EqualTo(expected), "the waits between asks");
            Assert.That(asksBeforeEachWait, Is.EqualTo(Enumerable.Range(1, expected.Length).ToList()), $"one ask before each wait, no more: within 1 a second, and within GREEN-API's recommended once a minute; seen {string.Join(",", asksBeforeEachWait)}");
            Assert.That(gateway.Requests.All(r => r.Target == $"/waInstance{TestServices.GreenInstance}/getStateInstance/{TestServices.GreenToken}"), Is.True);
            Assert.That(states, Is.EqualTo(ExpectedWords), "a failure keeps the last state, never makes one up");
        });
    }

    [Test]
    public void ErrorDelay_ManyFailures_NeverShorterThanTheIntervalNorLongerThanTheCap()
    {
        var options = new WhatsAppInstanceMonitoringOptions { PollInterval = TimeSpan.FromSeconds(10), MaxErrorDelay = TimeSpan.FromMinutes(15) };
        var delays = Enumerable.Range(1, 100).Select(f => InstanceStatePoller.ErrorDelay(options, f, null)).ToList();

        Assert.Multiple(() =>
        {
            Assert.That(delays, Is.Ordered, "a longer run of failures never waits less");
            Assert.That(delays.First(), Is.EqualTo(TimeSpan.FromSeconds(20)));
            Assert.That(delays.Last(), Is.EqualTo(TimeSpan.FromMinutes(15)));
            Assert.That(InstanceStatePoller.ErrorDelay(options, 1, TimeSpan.FromHours(2)), Is.EqualTo(TimeSpan.FromMinutes(15)), "a Retry-After beyond the cap waits the cap");
            Assert.That(InstanceStatePoller.ErrorDelay(options, 1, TimeSpan.FromMinutes(3)), Is.EqualTo(TimeSpan.FromMinutes(3)), "a longer Retry-After wins");
        });
    }

    [Test]
    public async Task Notification_StateInstanceChanged_ChangesTheHealthCheckAndEndpoint()
    {
        await using var host = await WebhookHost.StartAsync(
            services =>
            {
                services.AddGreenApi(o => GreenApi(o, new Uri("http://127.0.0.1:9"))).AddInstanceStateMonitoring(o => o.PollInterval = TimeSpan.Zero);
                services.AddGreenApiWebhook(o => o.WebhookToken = WebhookToken);
                services.AddHealthChecks().AddWhatsAppInstances();
            },
            map: app => app.MapHealthChecks("/health"));
        var now = DateTimeOffset.UtcNow;

        var before = await HealthAsync(host);
        var notAuthorized = await PostStateAsync(host, TestServices.GreenInstance, "notAuthorized", now);
        var down = await HealthAsync(host);
        var otherInstance = await PostStateAsync(host, 1, "authorized", now.AddSeconds(2));
        var stillDown = await HealthAsync(host);
        var authorized = await PostStateAsync(host, TestServices.GreenInstance, "authorized", now.AddSeconds(3));
        var up = await HealthAsync(host);
        var redeliveredOld = await PostStateAsync(host, TestServices.GreenInstance, "blocked", now.AddSeconds(1));
        var stillUp = await HealthAsync(host);
        var entry = (await host.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync()).Entries.Single();

        Assert.Multiple(() =>
        {
            Assert.That(before, Is.EqualTo((HttpStatusCode.OK, "Degraded")), "not learned yet");
            Assert.That((notAuthorized, otherInstance, authorized, redeliveredOld), Is.EqualTo((HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK)));
            Assert.That(down, Is.EqualTo((HttpStatusCode.ServiceUnavailable, "Unhealthy")), "notAuthorized: needs login");
            Assert.That(stillDown, Is.EqualTo((HttpStatusCode.ServiceUnavailable, "Unhealthy")), "another instance's notification is ignored");
            Assert.That(up, Is.EqualTo((HttpStatusCode.OK, "Healthy")));
            Assert.That(stillUp, Is.EqualTo((HttpStatusCode.OK, "Healthy")), "a state stated before the known one (a late redelivery) does not replace it");
            Assert.That(entry.Key, Is.EqualTo("whatsapp-green-api"));
            Assert.That(string.Join(",", entry.Value.Tags.Order(StringComparer.Ordinal)), Is.EqualTo("green-api,whatsapp"));
            Assert.That(entry.Value.Data["state"], Is.EqualTo("ready"));
            Assert.That(entry.Value.Data["providerState"], Is.EqualTo("authorized"));
            Assert.That(entry.Value.Data["source"], Is.EqualTo("Notification"));
            Assert.That(entry.Value.Data["instance"], Is.EqualTo(TestServices.GreenInstance.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        });
    }

    [Test]
    public async Task Notification_MaytapiStatus_FeedsOnlyItsPhone()
    {
        await using var host = await WebhookHost.StartAsync(
            services =>
            {
                services.AddMaytapi(o => Maytapi(o, new Uri("http://127.0.0.1:9/api/"), "47309")).AddInstanceStateMonitoring(o => o.PollInterval = TimeSpan.Zero);
                services.AddMaytapiWebhook(o => o.WebhookSecret = "test-maytapi-webhook-secret");
            });
        var sender = host.Services.GetRequiredService<IMaytapiSender>();

        await PostMaytapiAsync(host, """{"type":"status","product_id":"11111111-2222-3333-4444-555555555555","phone_id":47309,"status":"qr-code"}""");
        var loggedOut = sender.InstanceStatus;
        await PostMaytapiAsync(host, """{"type":"status","product_id":"11111111-2222-3333-4444-555555555555","phone_id":"99","status":"active"}""");
        await PostMaytapiAsync(host, """{"type":"status","product_id":"aaaaaaaa-2222-3333-4444-555555555555","phone_id":47309,"status":"active"}""");
        var afterOthers = sender.InstanceStatus;
        await PostMaytapiAsync(host, """{"type":"status","pid":"11111111-2222-3333-4444-555555555555","phone_id":"47309","status":"active"}""");

        Assert.Multiple(() =>
        {
            Assert.That((loggedOut.State, loggedOut.ProviderState, loggedOut.Source), Is.EqualTo((WhatsAppInstanceState.NeedsLogin, "qr-code", WhatsAppInstanceStateSource.Notification)));
            Assert.That(afterOthers, Is.EqualTo(loggedOut), "another phone's, and another product's, status changes nothing");
            Assert.That((sender.InstanceStatus.State, sender.InstanceStatus.ProviderState), Is.EqualTo((WhatsAppInstanceState.Ready, "active")), "phone_id as a string, product as pid");
        });
    }

    [Test]
    public async Task Handlers_StateChanges_EachToldOnceAndAFailingOneChangesNothing()
    {
        var told = new ConcurrentQueue<(WhatsAppInstanceStatus Previous, WhatsAppInstanceStatus Current)>();
        await using var host = await WebhookHost.StartAsync(services =>
        {
            services.AddSingleton(told);
            services.AddGreenApi(o => GreenApi(o, new Uri("http://127.0.0.1:9"))).AddInstanceStateMonitoring(o => o.PollInterval = TimeSpan.Zero);
            services.AddGreenApiWebhook(o => o.WebhookToken = WebhookToken);
            services.AddWhatsAppInstanceStateHandler<ThrowingHandler>();
            services.AddWhatsAppInstanceStateHandler<RecordingHandler>();
        });
        var now = DateTimeOffset.UtcNow;

        var answers = new List<HttpStatusCode>
        {
            await PostStateAsync(host, TestServices.GreenInstance, "notAuthorized", now),
            await PostStateAsync(host, TestServices.GreenInstance, "notAuthorized", now.AddSeconds(1)),
            await PostStateAsync(host, TestServices.GreenInstance, "authorized", now.AddSeconds(2)),
        };

        var changes = told.ToList();
        Assert.Multiple(() =>
        {
            Assert.That(answers, Is.All.EqualTo(HttpStatusCode.OK), "a failing state handler does not fail the webhook");
            Assert.That(changes.Select(c => (c.Previous.ProviderState, c.Current.ProviderState)), Is.EqualTo(new[] { ((string?)null, (string?)"notAuthorized"), ("notAuthorized", "authorized") }), "once per change, not per report");
            Assert.That(changes[0].Previous.Source, Is.EqualTo(WhatsAppInstanceStateSource.None));
            Assert.That(host.Services.GetRequiredService<IGreenApiSender>().InstanceStatus.State, Is.EqualTo(WhatsAppInstanceState.Ready));
            Assert.That(host.Logs.Entries.Count(e => e.Message.Contains("ThrowingHandler failed", StringComparison.Ordinal)), Is.EqualTo(2), "each failure is logged");
        });
    }

    [Test]
    public async Task HealthEndpoint_OneLineAndPolledStates_ShowsEachInstanceInAMinimalApiApp()
    {
        await using var green = Gateway(_ => State("notAuthorized"));
        await using var maytapi = Gateway(_ => RawHttpServer.Response(200, "application/json", """[{"id":12,"number":"905301234567","status":"active"}]"""));
        var learned = new ConcurrentQueue<WhatsAppInstanceStatus>();
        await using var host = await WebhookHost.StartAsync(
            services =>
            {
                // A clock never stepped: the poll at start is the only one, however long a busy machine takes.
                services.AddSingleton<TimeProvider>(new SteppedTimeProvider(Start));
                services.AddSingleton(learned);
                services.AddWhatsAppInstanceStateHandler<SignalHandler>();
                services.AddGreenApi("sales", o => GreenApi(o, green.Url));
                services.AddMaytapi("support", o => Maytapi(o, new Uri(maytapi.Url, "api/"), "12"));
                services.AddGreenApiWebhook("sales", o => o.WebhookToken = WebhookToken);
                services.AddHealthChecks().AddWhatsAppInstances();
            },
            map: app => app.MapHealthChecks("/health"));

        await SignalHandler.WaitForAsync(learned, 2);
        var health = await HealthAsync(host);
        var report = await host.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync(c => c.Tags.Contains("whatsapp"));
        var onlyMaytapi = await host.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync(c => c.Tags.Contains("maytapi"));

        Assert.Multiple(() =>
        {
            Assert.That(health, Is.EqualTo((HttpStatusCode.ServiceUnavailable, "Unhealthy")));
            Assert.That(report.Entries.ToDictionary(e => e.Key, e => e.Value.Status), Is.EquivalentTo(new Dictionary<string, HealthStatus>
            {
                ["whatsapp-green-api-sales"] = HealthStatus.Unhealthy,
                ["whatsapp-maytapi-support"] = HealthStatus.Healthy,
            }));
            Assert.That(report.Entries["whatsapp-green-api-sales"].Description, Does.Contain("NeedsLogin (notAuthorized)"));
            Assert.That(onlyMaytapi.Status, Is.EqualTo(HealthStatus.Healthy), "checks are tagged with the provider");
            Assert.That(green.Requests, Has.Count.EqualTo(1), "the health endpoint reads the known state; it never asks the gateway");
            Assert.That(SecretEncodings.Find(TestServices.GreenToken, host.Logs.Entries.SelectMany(e => e.Everything).Concat(report.Entries.Select(e => e.Value.Description ?? string.Empty))), Is.Empty);
        });
    }

    [Test]
    public async Task Metric_MonitoredInstances_CountedByProviderAndState()
    {
        await using var green = Gateway(_ => State("yellowCard"));
        var learned = new ConcurrentQueue<WhatsAppInstanceStatus>();
        var measurements = new List<(string Provider, string State, int Count)>();
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == "Messaging.WhatsApp" && instrument.Name == "whatsapp.instances")
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<int>((_, value, tags, _) =>
        {
            var t = tags.ToArray().ToDictionary(p => p.Key, p => (string)p.Value!);
            measurements.Add((t["whatsapp.provider"], t["whatsapp.instance.state"], value));
        });
        listener.Start();
        await using (var host = await WebhookHost.StartAsync(services =>
        {
            services.AddSingleton(learned);
            services.AddWhatsAppInstanceStateHandler<SignalHandler>();
            services.AddGreenApi(o => GreenApi(o, green.Url)).AddInstanceStateMonitoring();
            services.AddGreenApiWebhook(o => o.WebhookToken = WebhookToken);
        }))
        {
            await SignalHandler.WaitForAsync(learned, 1);
            listener.RecordObservableInstruments();
        }

        var whileRunning = measurements.ToList();
        measurements.Clear();
        listener.RecordObservableInstruments();

        Assert.Multiple(() =>
        {
            Assert.That(whileRunning.Where(m => m.Provider == "green-api").ToDictionary(m => m.State, m => m.Count), Is.EquivalentTo(new Dictionary<string, int>
            {
                ["unknown"] = 0, ["ready"] = 0, ["starting"] = 0, ["disconnected"] = 0, ["needs_login"] = 0, ["restricted"] = 1, ["blocked"] = 0, ["disabled"] = 0,
            }));
            Assert.That(measurements.Where(m => m.Provider == "green-api"), Is.Empty, "a stopped host's instances are no longer counted");
        });
    }

    [TestCase("green-api", "notAuthorized", true)]
    [TestCase("green-api", "blocked", true)]
    [TestCase("green-api", "yellowCard", true)]
    [TestCase("green-api", "starting", false)]
    [TestCase("green-api", "sleepMode", false)]
    [TestCase("green-api", "authorized", false)]
    [TestCase("green-api", "somethingNew", false)]
    [TestCase("maytapi", "qr-code", true)]
    [TestCase("maytapi", "disabled", true)]
    [TestCase("maytapi", "loading", false)]
    [TestCase("maytapi", "phone-error", false)]
    public async Task FailFast_On_RefusesOnlyStatesThatNeedAction(string provider, string word, bool refused)
    {
        await using var gateway = Gateway(_ => provider == "green-api"
            ? State(word)
            : RawHttpServer.Response(200, "application/json", $$"""[{"id":12,"status":"{{word}}"}]"""));
        var time = new SteppedTimeProvider(Start);
        using var services = FailFastServices(provider, gateway.Url, time, failFast: true);
        var sender = services.GetRequiredService<IWhatsAppSender>();
        await Ask(services, provider);

        var sendsBefore = gateway.Requests.Count;
        var error = await SendCatching(sender);

        Assert.Multiple(() =>
        {
            Assert.That(error is WhatsAppInstanceUnavailableException, Is.EqualTo(refused), error?.ToString());
            Assert.That(gateway.Requests.Count - sendsBefore, Is.EqualTo(refused ? 0 : 1), "a refused send reaches no gateway");
        });
        if (error is WhatsAppInstanceUnavailableException unavailable)
        {
            Assert.Multiple(() =>
            {
                Assert.That(unavailable.IsSafeToRetry, Is.True);
                Assert.That(unavailable.Status.ProviderState, Is.EqualTo(word));
                Assert.That(unavailable.Message, Does.Contain(word).And.Contain("nothing was sent").And.Contain("2026-03-02T09:00:00Z"));
                Assert.That(unavailable.HttpStatus, Is.Null);
                Assert.That(WhatsAppTelemetry.Outcome(unavailable), Is.EqualTo("instance_unavailable"));
                Assert.That(SecretEncodings.Find(TestServices.GreenToken, [unavailable.ToString()]), Is.Empty);
            });
        }
    }

    [TestCase("green-api")]
    [TestCase("maytapi")]
    public async Task FailFast_Off_SendsWhateverTheState(string provider)
    {
        await using var gateway = Gateway(_ => provider == "green-api"
            ? State("notAuthorized")
            : RawHttpServer.Response(200, "application/json", """[{"id":12,"status":"qr-code"}]"""));
        var time = new SteppedTimeProvider(Start);
        using var services = FailFastServices(provider, gateway.Url, time, failFast: false);
        await Ask(services, provider);

        var error = await SendCatching(services.GetRequiredService<IWhatsAppSender>());

        Assert.Multiple(() =>
        {
            Assert.That(error, Is.Not.InstanceOf<WhatsAppInstanceUnavailableException>());
            Assert.That(gateway.Requests, Has.Count.EqualTo(2), "the ask, then the send");
        });
    }

    [Test]
    public async Task FailFast_StateOlderThanTheTrustWindow_IsNotTrusted()
    {
        await using var gateway = Gateway(_ => State("notAuthorized"));
        var time = new SteppedTimeProvider(Start);
        using var services = FailFastServices("green-api", gateway.Url, time, failFast: true);
        var sender = services.GetRequiredService<IWhatsAppSender>();
        await Ask(services, "green-api");

        var fresh = await SendCatching(sender);
        time.Advance(TimeSpan.FromMinutes(5));
        var atTheEdge = await SendCatching(sender);
        time.Advance(TimeSpan.FromSeconds(1));
        var stale = await SendCatching(sender);

        Assert.Multiple(() =>
        {
            Assert.That(fresh, Is.InstanceOf<WhatsAppInstanceUnavailableException>());
            Assert.That(atTheEdge, Is.InstanceOf<WhatsAppInstanceUnavailableException>(), "trusted for StateTrustWindow (5 minutes)");
            Assert.That(stale, Is.Not.InstanceOf<WhatsAppInstanceUnavailableException>(), "an older state goes to the gateway");
            Assert.That(gateway.Requests, Has.Count.EqualTo(2), "the ask, then only the stale send");
        });
    }

    [Test]
    public void Startup_PollIntervalNotShorterThanTheTrustWindow_FailsNamingBoth()
    {
        using var host = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true }).Also(b =>
            b.Services.AddGreenApi(o =>
            {
                GreenApi(o, new Uri("http://127.0.0.1:9"));
                o.StateTrustWindow = TimeSpan.FromMinutes(1);
            }).AddInstanceStateMonitoring(o => o.PollInterval = TimeSpan.FromMinutes(1))).Build();

        var error = Assert.CatchAsync(() => host.StartAsync())!;

        Assert.That(error.Message, Does.Contain("PollInterval (60 s)").And.Contain("StateTrustWindow (60 s)"));
    }

    [Test]
    public void Startup_PollIntervalUnderTenSeconds_FailsNamingTheSetting()
    {
        using var host = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true }).Also(b =>
            b.Services.AddGreenApi(o => GreenApi(o, new Uri("http://127.0.0.1:9"))).AddInstanceStateMonitoring(o => o.PollInterval = TimeSpan.FromSeconds(1))).Build();

        var error = Assert.CatchAsync(() => host.StartAsync())!;

        Assert.That(error.Message, Does.Contain("PollInterval must be from 10 seconds to 1 day"));
    }

    private static TimeSpan Minutes(int minutes) => TimeSpan.FromMinutes(minutes);

    private static void GreenApi(GreenApiOptions o, Uri root)
    {
        o.ApiUrl = root;
        o.IdInstance = TestServices.GreenInstance;
        o.ApiTokenInstance = TestServices.GreenToken;
        o.Timeout = TimeSpan.FromSeconds(10);
        o.Retry.Enabled = false;
    }

    private static void Maytapi(MaytapiOptions o, Uri apiUrl, string phoneId)
    {
        o.ApiUrl = apiUrl;
        o.ProductId = TestServices.ProductId;
        o.PhoneId = phoneId;
        o.ApiKey = TestServices.MaytapiKey;
        o.Timeout = TimeSpan.FromSeconds(10);
        o.Retry.Enabled = false;
    }

    private static ServiceProvider FailFastServices(string provider, Uri root, TimeProvider time, bool failFast)
    {
        var services = new ServiceCollection().AddLogging().AddSingleton(time);
        if (provider == "green-api")
        {
            services.AddGreenApi(o =>
            {
                GreenApi(o, root);
                o.FailFastWhenUnableToSend = failFast;
            });
        }
        else
        {
            services.AddMaytapi(o =>
            {
                Maytapi(o, new Uri(root, "api/"), "12");
                o.FailFastWhenUnableToSend = failFast;
            });
        }

        return services.BuildServiceProvider();
    }

    private static Task<WhatsAppInstanceStatus> Ask(IServiceProvider services, string provider) => provider == "green-api"
        ? services.GetRequiredService<IGreenApiSender>().GetInstanceStateAsync()
        : services.GetRequiredService<IMaytapiSender>().GetInstanceStateAsync();

    private static async Task<Exception?> SendCatching(IWhatsAppSender sender)
    {
        try
        {
            await sender.SendTextAsync(ChatAddress.Parse("905301111111"), "Hello");
            return null;
        }
        catch (Exception e)
        {
            return e;
        }
    }

    /// <summary>A gateway that answers its <paramref name="n"/>th request (from 0) with <paramref name="answer"/>(n).</summary>
    private static RawHttpServer Gateway(Func<int, byte[]> answer)
    {
        var count = 0;
        return new RawHttpServer(async (request, responder) =>
        {
            var n = Interlocked.Increment(ref count) - 1;
            await responder.WriteAsync(request.Target.Contains("/sendMessage", StringComparison.Ordinal)
                ? RawHttpServer.Response(200, "application/json", request.Target.StartsWith("/api/", StringComparison.Ordinal)
                    ? """{"success":true,"data":{"chatId":"905301111111@c.us","msgId":"m1"}}"""
                    : """{"idMessage":"BAE5F4886F6F2D05"}""")
                : answer(n));
            responder.Close();
        });
    }

    private static byte[] State(string word) => RawHttpServer.Response(200, "application/json", $$"""{"stateInstance":"{{word}}"}""");

    private static byte[] Text(int status, string text) => RawHttpServer.Response(status, "text/plain", text);

    private static async Task<HttpStatusCode> PostStateAsync(WebhookHost host, long instance, string state, DateTimeOffset at)
    {
        var body = $$"""{"typeWebhook":"stateInstanceChanged","instanceData":{"idInstance":{{instance}},"wid":"","typeInstance":"whatsapp"},"timestamp":{{at.ToUnixTimeSeconds()}},"stateInstance":"{{state}}"}""";
        return await host.StatusOfPostAsync("whatsapp/green-api", Encoding.UTF8.GetBytes(body), "Bearer " + WebhookToken);
    }

    private static async Task PostMaytapiAsync(WebhookHost host, string body)
    {
        var status = await host.StatusOfPostAsync("whatsapp/maytapi?secret=test-maytapi-webhook-secret", Encoding.UTF8.GetBytes(body));
        Assert.That(status, Is.EqualTo(HttpStatusCode.OK), body);
    }

    private static async Task<(HttpStatusCode, string)> HealthAsync(WebhookHost host)
    {
        using var response = await host.Client.GetAsync("health");
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    private sealed class ThrowingHandler : IWhatsAppInstanceStateHandler
    {
        public Task HandleAsync(WhatsAppInstanceStatus previous, WhatsAppInstanceStatus current, CancellationToken cancellationToken) =>
            throw new InvalidOperationException("handler bug");
    }

    private sealed class RecordingHandler(ConcurrentQueue<(WhatsAppInstanceStatus, WhatsAppInstanceStatus)> told) : IWhatsAppInstanceStateHandler
    {
        public Task HandleAsync(WhatsAppInstanceStatus previous, WhatsAppInstanceStatus current, CancellationToken cancellationToken)
        {
            told.Enqueue((previous, current));
            return Task.CompletedTask;
        }
    }

    /// <summary>Records each change; <see cref="WaitForAsync"/> waits, up to a bound only a hang exceeds, for a number of them.</summary>
    private sealed class SignalHandler(ConcurrentQueue<WhatsAppInstanceStatus> learned) : IWhatsAppInstanceStateHandler
    {
        private static readonly SemaphoreSlim Changes = new(0);

        public static async Task WaitForAsync(ConcurrentQueue<WhatsAppInstanceStatus> learned, int count)
        {
            using var hang = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            // Each change is recorded before its release, so the count is checked again after every release (one left
            // over from an earlier test only costs a turn of the loop).
            while (learned.Count < count)
            {
                await Changes.WaitAsync(hang.Token);
            }
        }

        public Task HandleAsync(WhatsAppInstanceStatus previous, WhatsAppInstanceStatus current, CancellationToken cancellationToken)
        {
            learned.Enqueue(current);
            Changes.Release();
            return Task.CompletedTask;
        }
    }
}

/// <summary>Fluent set-up of a builder inline.</summary>
internal static class BuilderExtensions
{
    public static T Also<T>(this T builder, Action<T> configure)
    {
        configure(builder);
        return builder;
    }
}
