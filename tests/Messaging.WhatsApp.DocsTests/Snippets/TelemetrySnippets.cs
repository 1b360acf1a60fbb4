// snippet: telemetry-usings
using OpenTelemetry.Trace;
// end-snippet

namespace MyApp;

/// <summary>The telemetry lines of docs/sending.md; AspNetCoreTelemetryTests runs an app configured by this method.</summary>
public static class TelemetrySnippets
{
    public static void AddTelemetry(WebApplicationBuilder builder)
    {
        // snippet: telemetry
        builder.Services.AddOpenTelemetry()
            .WithTracing(tracing => tracing
                .AddSource("Messaging.WhatsApp")
                .AddAspNetCoreInstrumentation())       // records the request span, so the library's spans inside it are kept
            .WithMetrics(metrics => metrics.AddMeter("Messaging.WhatsApp"));
        // end-snippet
    }
}
