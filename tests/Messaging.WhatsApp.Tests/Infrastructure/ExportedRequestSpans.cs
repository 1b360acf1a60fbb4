using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Threading.Tasks;
using OpenTelemetry;
using OpenTelemetry.Trace;

namespace Messaging.WhatsApp.Tests.Infrastructure;

/// <summary>
/// The request spans an app exports with OpenTelemetry's ASP.NET Core instrumentation (in-memory exporter),
/// optionally with its query redaction switched off, as some apps do to see campaign parameters.
/// </summary>
public static class ExportedRequestSpans
{
    private const string QueryRedactionSwitch = "OTEL_DOTNET_EXPERIMENTAL_ASPNETCORE_DISABLE_URL_QUERY_REDACTION";

    /// <summary>
    /// Starts a host with <paramref name="start"/>, runs <paramref name="requests"/> against it, and returns the
    /// spans of that host's requests only (other tests' hosts run alongside), in the order they ended.
    /// </summary>
    public static async Task<List<Activity>> OfAsync(bool queryRedactionOff, Func<Task<WebhookHost>> start, Func<WebhookHost, Task> requests)
    {
        var exported = new List<Activity>();
        int port;
        Environment.SetEnvironmentVariable(QueryRedactionSwitch, queryRedactionOff ? "true" : null);
        try
        {
            using var tracing = Sdk.CreateTracerProviderBuilder().AddAspNetCoreInstrumentation().AddInMemoryExporter(exported).Build();
            await using var host = await start();
            port = host.BaseUrl.Port;
            await requests(host);
        }
        finally
        {
            Environment.SetEnvironmentVariable(QueryRedactionSwitch, null);
        }

        return exported.Where(a => a.Source.Name == "Microsoft.AspNetCore" && Equals(a.GetTagItem("server.port"), port)).ToList();
    }

    /// <summary>Every tag of <paramref name="spans"/> as <c>key=value</c>, and their names.</summary>
    public static IEnumerable<string> Everything(IEnumerable<Activity> spans) =>
        spans.SelectMany(a => a.TagObjects.Select(t => $"{t.Key}={t.Value}").Append(a.DisplayName));
}
