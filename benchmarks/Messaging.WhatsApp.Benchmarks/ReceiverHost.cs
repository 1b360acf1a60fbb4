using System;
using System.IO;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Messaging.WhatsApp.Benchmarks;

/// <summary>
/// The app whose receiving is measured: both providers' webhooks as an app maps them, with a no-op update
/// handler, and beside them a bare endpoint that only drains the body, to tell ASP.NET Core's share from the
/// library's.
/// </summary>
public static class ReceiverHost
{
    /// <summary>The recordings' token and secret.</summary>
    public const string GreenApiToken = "test-green-api-webhook-token";

    public const string MaytapiSecret = "test-maytapi-webhook-secret";

    /// <summary>The bare endpoint: reads the body and answers 200, without the library.</summary>
    public static readonly Uri BaselinePath = new("baseline", UriKind.Relative);

    /// <param name="server">Chooses the server: <c>UseTestServer</c>, or Kestrel on a port.</param>
    public static WebApplication Build(Action<IWebHostBuilder> server)
    {
        ArgumentNullException.ThrowIfNull(server);
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        server(builder.WebHost);
        builder.Services.AddGreenApiWebhook(o => o.WebhookToken = GreenApiToken);
        builder.Services.AddMaytapiWebhook(o => o.WebhookSecret = MaytapiSecret);
        builder.Services.AddWhatsAppUpdateHandler<CountingUpdateHandler>();
        var app = builder.Build();
        app.MapWhatsAppWebhooks();
        app.MapPost("/" + BaselinePath.OriginalString, context => context.Request.Body.CopyToAsync(Stream.Null));
        return app;
    }
}

/// <summary>The no-op handler: counts the updates it is given, so that a run can check that none was lost.</summary>
public sealed class CountingUpdateHandler : IWhatsAppUpdateHandler
{
    private static long s_handled;

    /// <summary>Updates handled in this process so far.</summary>
    public static long Handled => Interlocked.Read(ref s_handled);

    public Task HandleAsync(WhatsAppUpdate update, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref s_handled);
        return Task.CompletedTask;
    }
}
