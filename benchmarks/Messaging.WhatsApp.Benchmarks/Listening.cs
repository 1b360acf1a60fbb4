using System;
using System.Diagnostics;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace Messaging.WhatsApp.Benchmarks;

/// <summary>What listens to telemetry while a benchmark sends.</summary>
public enum Listener
{
    /// <summary>Nothing: the library's telemetry is enabled, and nobody listens.</summary>
    None,

    /// <summary>
    /// An app's OpenTelemetry set-up: a tracer provider and a meter provider with the library's source and meter
    /// and the HttpClient instrumentation, every span sampled and exported, metrics collected. The exporters
    /// drop what they are given, so that what is measured is the recording, not an exporter's I/O.
    /// </summary>
    OpenTelemetry,
}

/// <summary>Starts the <see cref="Listener.OpenTelemetry"/> set-up; disposing it stops listening.</summary>
public sealed class Listening : IDisposable
{
    private readonly TracerProvider? _tracer;
    private readonly MeterProvider? _meter;

    public Listening(Listener listener)
    {
        if (listener == Listener.None)
        {
            return;
        }

        _tracer = Sdk.CreateTracerProviderBuilder()
            .AddSource("Messaging.WhatsApp")
            .AddHttpClientInstrumentation()
            .SetSampler(new AlwaysOnSampler())
            .AddProcessor(new SimpleActivityExportProcessor(new DroppingExporter<Activity>()))
            .Build();
        _meter = Sdk.CreateMeterProviderBuilder()
            .AddMeter("Messaging.WhatsApp")
            .AddHttpClientInstrumentation()
            .AddReader(new PeriodicExportingMetricReader(new DroppingExporter<Metric>(), exportIntervalMilliseconds: 10_000))
            .Build();
    }

    /// <summary>The listener named by WHATSAPP_BENCH_LISTENER (None, OpenTelemetry or Both; None when unset).</summary>
    public static System.Collections.Generic.IEnumerable<Listener> FromEnvironment() =>
        Environment.GetEnvironmentVariable("WHATSAPP_BENCH_LISTENER") switch
        {
            { } both when both.Equals("Both", StringComparison.OrdinalIgnoreCase) => [Listener.None, Listener.OpenTelemetry],
            { } one when Enum.TryParse<Listener>(one, ignoreCase: true, out var only) => [only],
            _ => [Listener.None],
        };

    public void Dispose()
    {
        _tracer?.Dispose();
        _meter?.Dispose();
    }

    private sealed class DroppingExporter<T> : BaseExporter<T>
        where T : class
    {
        public override ExportResult Export(in Batch<T> batch) => ExportResult.Success;
    }
}
