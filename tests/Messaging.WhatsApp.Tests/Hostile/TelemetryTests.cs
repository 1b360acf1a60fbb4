using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Diagnostics;
using System.Diagnostics.Tracing;
using System.Linq;
using System.Threading.Tasks;
using Messaging.WhatsApp.Tests.Infrastructure;
using NUnit.Framework;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace Messaging.WhatsApp.Tests.Hostile;

/// <summary>
/// An app that exports HttpClient spans and metrics (OpenTelemetry's HttpClient instrumentation, as .NET
/// Aspire's defaults do), an ActivityListener on every source and an EventListener on System.Net.Http see no
/// secret in any name, tag, event or payload. In their place the library emits its own spans and metrics,
/// named as the README says.
/// </summary>
[NonParallelizable]
public sealed class TelemetryTests
{
    private static readonly ChatAddress Person = ChatAddress.Parse("905301111111");

    [TestCaseSource(typeof(TestProvider), nameof(TestProvider.All))]
    public async Task Send_WithOpenTelemetryAndEveryListener_NoSecretAnywhere(TestProvider provider)
    {
        var secret = provider.Secret;
        using var capture = new Capture();
        var echo = SecretEchoingRejection(provider);
        var answers = new Queue<byte[]>([
            RawHttpServer.Response(200, "application/json", provider.SuccessBody("ok-1")),
            RawHttpServer.Response(400, "application/json", echo),
            RawHttpServer.Response(307, null, string.Empty, ("Location", "http://127.0.0.1:9/" + secret)),
        ]);
        await using var server = new RawHttpServer(async (_, responder) =>
        {
            byte[] answer;
            lock (answers)
            {
                answer = answers.Dequeue();
            }

            await responder.WriteAsync(answer);
            responder.Close();
        });
        using (var services = TestServices.For(provider.Name, server.Url, retries: false))
        {
            await services.Sender.SendTextAsync(Person, "hi");
            Assert.CatchAsync<WhatsAppException>(() => services.Sender.SendTextAsync(Person, "hi"));
            Assert.CatchAsync<WhatsAppException>(() => services.Sender.SendTextAsync(Person, "hi"));
        }

        var everything = capture.Everything();
        Assert.Multiple(() =>
        {
            Assert.That(capture.Exported.Select(a => a.Source.Name), Does.Contain("System.Net.Http").Or.Contain("Messaging.WhatsApp"), "the exporter saw spans");
            Assert.That(capture.Events.Count(e => e.StartsWith("System.Net.Http ", StringComparison.Ordinal)), Is.GreaterThan(0), "the event source was listened to");
            Assert.That(everything.Where(t => t.Contains(secret, StringComparison.OrdinalIgnoreCase)), Is.Empty, "the secret appears nowhere");
        });
    }

    [Test]
    public async Task Send_GreenApi_EmitsASendSpanAndAnAttemptSpanWithHttpConventions()
    {
        using var capture = new Capture();
        await using var server = RawHttpServer.Answering(RawHttpServer.Response(200, "application/json", TestProvider.GreenApi.SuccessBody("3EB0C767D097B7C7C030")));
        using (var services = TestServices.For(TestProvider.GreenApi.Name, server.Url))
        {
            await services.Sender.SendTextAsync(Person, "hi");
        }

        var ours = capture.Exported.Where(a => a.Source.Name == "Messaging.WhatsApp").ToList();
        var send = ours.Single(a => a.OperationName == "whatsapp.send");
        var attempt = ours.Single(a => a.Kind == ActivityKind.Client);
        var expectedUrl = new Uri(server.Url, $"waInstance{TestServices.GreenInstance}/sendMessage/REDACTED").AbsoluteUri;
        Assert.Multiple(() =>
        {
            Assert.That(attempt.ParentSpanId, Is.EqualTo(send.SpanId));
            Assert.That(attempt.DisplayName, Is.EqualTo("POST /waInstance{idInstance}/sendMessage/{apiTokenInstance}"));
            foreach (var span in new[] { send, attempt })
            {
                Assert.That(span.GetTagItem("url.template"), Is.EqualTo("/waInstance{idInstance}/sendMessage/{apiTokenInstance}"));
                Assert.That(span.GetTagItem("url.full"), Is.EqualTo(expectedUrl));
                Assert.That(span.GetTagItem("server.address"), Is.EqualTo("127.0.0.1"));
                Assert.That(span.GetTagItem("http.request.method"), Is.EqualTo("POST"));
                Assert.That(span.GetTagItem("http.response.status_code"), Is.EqualTo(200));
                Assert.That(span.GetTagItem("whatsapp.provider"), Is.EqualTo("green-api"));
            }

            Assert.That(send.GetTagItem("whatsapp.message_id"), Is.EqualTo("3EB0C767D097B7C7C030"));
            Assert.That(send.GetTagItem("whatsapp.outcome"), Is.EqualTo("success"));
            Assert.That(send.Status, Is.EqualTo(ActivityStatusCode.Unset));
        });
    }

    [Test]
    public async Task Send_MaytapiFailure_SpanCarriesErrorTypeAndStatus()
    {
        using var capture = new Capture();
        await using var server = RawHttpServer.Answering(RawHttpServer.Response(400, "application/json", """{"success":false,"message":"nope"}"""));
        using (var services = TestServices.For(TestProvider.Maytapi.Name, server.Url))
        {
            Assert.CatchAsync<WhatsAppRequestRejectedException>(() => services.Sender.SendTextAsync(Person, "hi"));
        }

        var send = capture.Exported.Single(a => a.Source.Name == "Messaging.WhatsApp" && a.OperationName == "whatsapp.send");
        Assert.Multiple(() =>
        {
            Assert.That(send.GetTagItem("url.template"), Is.EqualTo("/api/{product_id}/{phoneId}/sendMessage"));
            Assert.That(send.GetTagItem("http.response.status_code"), Is.EqualTo(400));
            Assert.That(send.GetTagItem("error.type"), Is.EqualTo(typeof(WhatsAppRequestRejectedException).FullName));
            Assert.That(send.GetTagItem("whatsapp.outcome"), Is.EqualTo("request_rejected"));
            Assert.That(send.GetTagItem("whatsapp.message_id"), Is.Null);
            Assert.That(send.Status, Is.EqualTo(ActivityStatusCode.Error));
        });
    }

    [Test]
    public async Task Send_RetriedAndRateLimited_MetricsCountSendsRetriesDurationAndWaiting()
    {
        using var capture = new Capture();
        var answered = 0;
        await using var server = new RawHttpServer(async (_, responder) =>
        {
            var first = System.Threading.Interlocked.Increment(ref answered) == 1;
            await responder.WriteAsync(first
                ? RawHttpServer.Response(429, null, string.Empty)
                : RawHttpServer.Response(200, "application/json", TestProvider.GreenApi.SuccessBody()));
            responder.Close();
        });
        using (var services = TestServices.For(TestProvider.GreenApi.Name, server.Url))
        {
            await services.Sender.SendTextAsync(Person, "hi");
        }

        capture.Flush();
        Assert.Multiple(() =>
        {
            Assert.That(capture.Sum("whatsapp.client.sends", ("whatsapp.outcome", "success"), ("whatsapp.provider", "green-api")), Is.EqualTo(1));
            Assert.That(capture.Sum("whatsapp.client.send.retries", ("error.type", typeof(WhatsAppRateLimitedException).FullName!)), Is.EqualTo(1));
            Assert.That(capture.Count("whatsapp.client.send.duration"), Is.EqualTo(1));
            Assert.That(capture.Count("whatsapp.client.rate_limit.wait.duration"), Is.EqualTo(2), "one wait per attempt");
        });
    }

    /// <summary>A 400 in which the provider echoes its credential back: GREEN-API the request path with the token, Maytapi the key in its message.</summary>
    private static string SecretEchoingRejection(TestProvider provider) => provider.Name switch
    {
        "green-api" => $$"""{"statusCode":400,"path":"{{provider.Path}}","message":"Validation failed"}""",
        "maytapi" => $$"""{"success":false,"message":"key {{provider.Secret}} refused"}""",
        _ => throw new ArgumentOutOfRangeException(nameof(provider), provider.Name, "No credential-echoing answer is known for this provider."),
    };

    /// <summary>Everything an app could collect: OpenTelemetry tracing and metrics with the HttpClient instrumentation, a listener on every activity source, an EventListener on System.Net.</summary>
    private sealed class Capture : IDisposable
    {
        private readonly TracerProvider _tracing;
        private readonly MeterProvider _metrics;
        private readonly ActivityListener _activities;
        private readonly NetEvents _events = new();
        private readonly List<Metric> _exportedMetrics = new();
        private readonly ConcurrentQueue<Activity> _listened = new();

        public Capture()
        {
            _tracing = Sdk.CreateTracerProviderBuilder()
                .AddSource("Messaging.WhatsApp")
                .AddHttpClientInstrumentation()
                .AddInMemoryExporter(Exported)
                .Build()!;
            _metrics = Sdk.CreateMeterProviderBuilder()
                .AddMeter("Messaging.WhatsApp")
                .AddHttpClientInstrumentation()
                .AddInMemoryExporter(_exportedMetrics)
                .Build()!;
            _activities = new ActivityListener
            {
                ShouldListenTo = _ => true,
                Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
                ActivityStopped = a => _listened.Enqueue(a),
            };
            ActivitySource.AddActivityListener(_activities);
        }

        public List<Activity> Exported { get; } = new();

        public IReadOnlyCollection<string> Events => _events.Lines;

        public void Flush() => _metrics.ForceFlush();

        public double Sum(string metric, params (string Key, string Value)[] tags) =>
            Points(metric, tags).Sum(p => p.Type == MetricType.LongSum ? p.Point.GetSumLong() : p.Point.GetSumDouble());

        public long Count(string metric) => Points(metric).Sum(p => p.Point.GetHistogramCount());

        /// <summary>Every name, tag, event, status, metric tag and event payload captured, as text.</summary>
        public List<string> Everything()
        {
            _tracing.ForceFlush();
            _metrics.ForceFlush();
            var texts = new List<string>();
            foreach (var activity in Exported.Concat(_listened))
            {
                texts.Add(activity.Source.Name + " " + activity.OperationName + " " + activity.DisplayName + " " + activity.StatusDescription);
                texts.AddRange(activity.TagObjects.Select(t => $"{t.Key}={t.Value}"));
                texts.AddRange(activity.Events.SelectMany(e => e.Tags.Select(t => $"{e.Name} {t.Key}={t.Value}")));
                texts.AddRange(activity.Baggage.Select(b => $"{b.Key}={b.Value}"));
            }

            foreach (var metric in _exportedMetrics)
            {
                foreach (ref readonly var point in metric.GetMetricPoints())
                {
                    foreach (var tag in point.Tags)
                    {
                        texts.Add($"{metric.Name} {tag.Key}={tag.Value}");
                    }
                }
            }

            texts.AddRange(_events.Lines.Where(l => l.StartsWith("System.Net.Http ", StringComparison.Ordinal)));
            return texts;
        }

        public void Dispose()
        {
            _activities.Dispose();
            _tracing.Dispose();
            _metrics.Dispose();
            _events.Dispose();
        }

        private List<(MetricPoint Point, MetricType Type)> Points(string name, params (string Key, string Value)[] tags)
        {
            var result = new List<(MetricPoint, MetricType)>();
            foreach (var metric in _exportedMetrics.Where(m => m.Name == name))
            {
                foreach (ref readonly var point in metric.GetMetricPoints())
                {
                    var pointTags = new Dictionary<string, object?>();
                    foreach (var tag in point.Tags)
                    {
                        pointTags[tag.Key] = tag.Value;
                    }

                    if (tags.All(t => pointTags.TryGetValue(t.Key, out var v) && Equals(v, t.Value)))
                    {
                        result.Add((point, metric.MetricType));
                    }
                }
            }

            return result;
        }
    }

    /// <summary>Every event of the System.Net sources (System.Net.Http among them), with its payload.</summary>
    private sealed class NetEvents : EventListener
    {
        private readonly ConcurrentQueue<string> _lines = new();

        public IReadOnlyCollection<string> Lines => _lines.ToArray();

        protected override void OnEventSourceCreated(EventSource eventSource)
        {
            if (eventSource.Name.StartsWith("System.Net", StringComparison.Ordinal))
            {
                EnableEvents(eventSource, EventLevel.Verbose, EventKeywords.All);
            }
        }

        protected override void OnEventWritten(EventWrittenEventArgs eventData) =>
            _lines.Enqueue($"{eventData.EventSource.Name} {eventData.EventName} {string.Join(", ", eventData.Payload ?? (IEnumerable<object?>)Array.Empty<object?>())}");
    }
}
