using System;
using System.IO;
using System.Net;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Messaging.WhatsApp.Benchmarks;

/// <summary>A Kestrel server on loopback that answers both providers' sendMessage with the canned success.</summary>
public sealed class LoopbackServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private LoopbackServer(WebApplication app, Uri url)
    {
        _app = app;
        Url = url;
    }

    public Uri Url { get; }

    public static async Task<LoopbackServer> StartAsync(int port = 0)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(o => o.Listen(IPAddress.Loopback, port));
        var app = builder.Build();
        app.MapPost("/api/{product}/{phone}/sendMessage", context => AnswerAsync(context, Wire.MaytapiSuccess));
        app.MapPost("/waInstance{id}/sendMessage/{token}", context => AnswerAsync(context, Wire.GreenApiSuccess));
        await app.StartAsync();
        var address = app.Urls is { Count: > 0 } urls ? new Uri(System.Linq.Enumerable.First(urls)) : throw new InvalidOperationException("Kestrel has no address.");
        return new LoopbackServer(app, new Uri($"http://127.0.0.1:{address.Port}/"));
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private static async Task AnswerAsync(HttpContext context, byte[] body)
    {
        await context.Request.Body.CopyToAsync(Stream.Null);
        context.Response.ContentType = "application/json";
        context.Response.ContentLength = body.Length;
        await context.Response.Body.WriteAsync(body);
    }
}
