using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Net;
using System.Text.Json;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Messaging.WhatsApp.Redis.Tests;

/// <summary>
/// GREEN-API's sendMessage and Maytapi's, on a Kestrel host on loopback: records when each request arrived
/// (before its body is read) and which text it carried, and accepts it.
/// </summary>
internal sealed class FakeGateway : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<Arrival> _arrivals = new();

    private FakeGateway(WebApplication app) => _app = app;

    public Uri BaseAddress { get; private set; } = null!;

    public IReadOnlyList<Arrival> Arrivals => [.. _arrivals.OrderBy(a => a.Timestamp)];

    public static async Task<FakeGateway> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var gateway = new FakeGateway(app);
        app.MapPost("/waInstance{id}/sendMessage/{token}", async (HttpContext http, string id) =>
        {
            var arrived = Stopwatch.GetTimestamp();
            using var body = await JsonDocument.ParseAsync(http.Request.Body);
            gateway._arrivals.Enqueue(new Arrival(arrived, "green-api:" + id, body.RootElement.GetProperty("message").GetString()!));
            return Results.Json(new { idMessage = Guid.NewGuid().ToString("N").ToUpperInvariant() });
        });
        app.MapPost("/{productId}/{phoneId}/sendMessage", async (HttpContext http, string productId, string phoneId) =>
        {
            var arrived = Stopwatch.GetTimestamp();
            using var body = await JsonDocument.ParseAsync(http.Request.Body);
            gateway._arrivals.Enqueue(new Arrival(arrived, "maytapi:" + productId + "/" + phoneId, body.RootElement.GetProperty("message").GetString()!));
            return Results.Json(new { success = true, data = new { chatId = body.RootElement.GetProperty("to_number").GetString() + "@c.us", msgId = Guid.NewGuid().ToString() } });
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        gateway.BaseAddress = new Uri(address.EndsWith('/') ? address : address + "/");
        return gateway;
    }

    /// <summary>The most requests that arrived within any <paramref name="window"/> (a half-open interval).</summary>
    public static int MaxInAnyWindow(IReadOnlyList<Arrival> arrivals, TimeSpan window)
    {
        var times = arrivals.Select(a => a.Timestamp).Order().ToArray();
        var span = (long)(window.TotalSeconds * Stopwatch.Frequency);
        var max = 0;
        var start = 0;
        for (var end = 0; end < times.Length; end++)
        {
            while (times[end] - times[start] >= span)
            {
                start++;
            }

            max = Math.Max(max, end - start + 1);
        }

        return max;
    }

    /// <summary>The arrivals of the fullest window, with their times from the window's first, for a failure's message.</summary>
    public static string DescribeFullestWindow(IReadOnlyList<Arrival> arrivals, TimeSpan window)
    {
        var sorted = arrivals.OrderBy(a => a.Timestamp).ToArray();
        var span = (long)(window.TotalSeconds * Stopwatch.Frequency);
        var (best, bestStart, start) = (0, 0, 0);
        for (var end = 0; end < sorted.Length; end++)
        {
            while (sorted[end].Timestamp - sorted[start].Timestamp >= span)
            {
                start++;
            }

            if (end - start + 1 > best)
            {
                (best, bestStart) = (end - start + 1, start);
            }
        }

        var from = Math.Max(0, bestStart - 3);
        return string.Join("\n", sorted.Skip(from).Take(best + 6).Select(a =>
            $"{Stopwatch.GetElapsedTime(sorted[bestStart].Timestamp, a.Timestamp).TotalMilliseconds,9:F1} ms  {a.Text}"));
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();

    internal sealed record Arrival(long Timestamp, string Instance, string Text);
}
