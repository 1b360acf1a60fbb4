using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Linq;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace Messaging.WhatsApp.Tests.Infrastructure;

/// <summary>
/// Everything an app's telemetry could collect in this process: OpenTelemetry tracing and metrics on every
/// source and meter (wildcards), an <see cref="ActivityListener"/> on every activity source and a
/// <see cref="MeterListener"/> on every instrument, with every measurement's tags.
/// </summary>
public sealed class TelemetryCapture : IDisposable
{
    private readonly TracerProvider _tracing;
    private readonly MeterProvider _metrics;
    private readonly ActivityListener _activities;
    private readonly MeterListener _meters;
    private readonly List<Metric> _exportedMetrics = new();
    private readonly ConcurrentQueue<Activity> _listened = new();
    private readonly ConcurrentQueue<Measurement> _measurements = new();

    public TelemetryCapture()
    {
        _tracing = Sdk.CreateTracerProviderBuilder().AddSource("*").AddInMemoryExporter(Exported).Build()!;
        _metrics = Sdk.CreateMeterProviderBuilder().AddMeter("*").AddInMemoryExporter(_exportedMetrics).Build()!;
        _activities = new ActivityListener
        {
            ShouldListenTo = _ => true,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = a => _listened.Enqueue(a),
        };
        ActivitySource.AddActivityListener(_activities);
        _meters = new MeterListener { InstrumentPublished = (instrument, listener) => listener.EnableMeasurementEvents(instrument) };
        _meters.SetMeasurementEventCallback<long>((i, v, tags, _) => Record(i, v, tags));
        _meters.SetMeasurementEventCallback<int>((i, v, tags, _) => Record(i, v, tags));
        _meters.SetMeasurementEventCallback<double>((i, v, tags, _) => Record(i, v, tags));
        _meters.SetMeasurementEventCallback<float>((i, v, tags, _) => Record(i, v, tags));
        _meters.SetMeasurementEventCallback<decimal>((i, v, tags, _) => Record(i, v, tags));
        _meters.SetMeasurementEventCallback<short>((i, v, tags, _) => Record(i, v, tags));
        _meters.SetMeasurementEventCallback<byte>((i, v, tags, _) => Record(i, v, tags));
        _meters.Start();
    }

    /// <summary>The spans OpenTelemetry exported.</summary>
    public List<Activity> Exported { get; } = new();

    /// <summary>Every activity stopped while listening, from every source.</summary>
    public IReadOnlyList<Activity> Activities => _listened.ToList();

    /// <summary>Every measurement of every instrument, with its tags.</summary>
    public IReadOnlyList<Measurement> Measurements => _measurements.ToList();

    /// <summary>
    /// Every name, display name, status, tag, event, link and baggage item of the activities, and every metric
    /// name and tag, as text. Activities of the sources <paramref name="excludedSources"/> names are left out
    /// (a test's own HTTP client, which plays the gateway).
    /// </summary>
    public List<string> Everything(params string[] excludedSources)
    {
        _tracing.ForceFlush();
        _metrics.ForceFlush();
        var texts = new List<string>();
        foreach (var activity in Exported.Concat(_listened).Where(a => !excludedSources.Any(s => a.Source.Name.Contains(s, StringComparison.Ordinal))))
        {
            texts.Add($"{activity.Source.Name} {activity.OperationName} {activity.DisplayName} {activity.StatusDescription}");
            texts.AddRange(activity.TagObjects.Select(t => $"{activity.OperationName} {t.Key}={t.Value}"));
            texts.AddRange(activity.Events.Select(e => e.Name).Concat(activity.Events.SelectMany(e => e.Tags.Select(t => $"{e.Name} {t.Key}={t.Value}"))));
            texts.AddRange(activity.Links.SelectMany(l => l.Tags?.Select(t => $"link {t.Key}={t.Value}") ?? []));
            texts.AddRange(activity.Baggage.Select(b => $"{b.Key}={b.Value}"));
            texts.Add(activity.TraceStateString ?? string.Empty);
        }

        foreach (var metric in _exportedMetrics)
        {
            texts.Add(metric.Name + " " + metric.Description + " " + metric.Unit);
            foreach (ref readonly var point in metric.GetMetricPoints())
            {
                foreach (var tag in point.Tags)
                {
                    texts.Add($"{metric.Name} {tag.Key}={tag.Value}");
                }
            }
        }

        texts.AddRange(_measurements.Select(m => $"{m.Meter} {m.Instrument} {string.Join(", ", m.Tags.Select(t => $"{t.Key}={t.Value}"))}"));
        return texts;
    }

    /// <summary>The sum of the measurements of <paramref name="instrument"/> whose tags include every one given.</summary>
    public double Sum(string instrument, params (string Key, string Value)[] tags) =>
        _measurements.Where(m => m.Instrument == instrument && tags.All(t => m.Tags.Any(mt => mt.Key == t.Key && Equals(mt.Value?.ToString(), t.Value))))
            .Sum(m => m.Value);

    public void Dispose()
    {
        _meters.Dispose();
        _activities.Dispose();
        _tracing.Dispose();
        _metrics.Dispose();
    }

    private void Record<T>(Instrument instrument, T value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
        where T : struct =>
        _measurements.Enqueue(new Measurement(instrument.Meter.Name, instrument.Name, Convert.ToDouble(value, System.Globalization.CultureInfo.InvariantCulture), tags.ToArray()));

    /// <summary>One measurement as the listener saw it.</summary>
    public sealed record Measurement(string Meter, string Instrument, double Value, KeyValuePair<string, object?>[] Tags);
}
