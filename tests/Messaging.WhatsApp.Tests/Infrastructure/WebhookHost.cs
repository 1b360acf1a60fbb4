using System;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Messaging.WhatsApp.Tests.Infrastructure;

/// <summary>
/// A minimal-API app as a team would write it (<c>WebApplication.CreateBuilder</c>, Kestrel on 127.0.0.1 port 0,
/// <c>MapWhatsAppWebhooks</c>), logging every category at Trace into <see cref="Logs"/>, with handlers that
/// record what they receive into <see cref="Received"/>.
/// </summary>
public sealed class WebhookHost : IAsyncDisposable
{
    private readonly WebApplication _app;

    private WebhookHost(WebApplication app, LogCapture logs, ReceivedNotifications received)
    {
        _app = app;
        Logs = logs;
        Received = received;
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        BaseUrl = new Uri(address.TrimEnd('/') + "/");
        Client = new HttpClient(new SocketsHttpHandler { UseProxy = false, AllowAutoRedirect = false }) { BaseAddress = BaseUrl };
    }

    /// <summary>The app's root, e.g. <c>http://127.0.0.1:50123/</c>.</summary>
    public Uri BaseUrl { get; }

    /// <summary>A client of the app (keep-alive, no proxy, no redirects).</summary>
    public HttpClient Client { get; }

    public LogCapture Logs { get; }

    public ReceivedNotifications Received { get; }

    public IServiceProvider Services => _app.Services;

    /// <summary>
    /// Starts the app with the receiving registrations <paramref name="register"/> adds, the recording handlers,
    /// and the endpoints mapped under <paramref name="prefix"/>.
    /// </summary>
    public static async Task<WebhookHost> StartAsync(
        Action<IServiceCollection> register,
        string prefix = "/whatsapp",
        Action<WebApplicationBuilder>? configure = null,
        Action<WebApplication>? map = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            EnvironmentName = Environments.Production,
            ContentRootPath = AppContext.BaseDirectory,
            // No file watchers: many hosts start and stop in one run.
            Args = ["--hostBuilder:reloadConfigOnChange=false"],
        });
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var logs = new LogCapture();
        builder.Logging.ClearProviders();
        builder.Logging.SetMinimumLevel(LogLevel.Trace);
        builder.Logging.AddProvider(logs);
        var received = new ReceivedNotifications();
        received.Register(builder.Services);
        register(builder.Services);
        configure?.Invoke(builder);
        var app = builder.Build();
        app.MapWhatsAppWebhooks(prefix);
        map?.Invoke(app);
        await app.StartAsync();
        return new WebhookHost(app, logs, received);
    }

    /// <summary>POSTs <paramref name="body"/> to <paramref name="path"/> with an optional Authorization header value.</summary>
    public async Task<HttpResponseMessage> PostAsync(string path, byte[] body, string? authorization = null, string contentType = "application/json")
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path.TrimStart('/')) { Content = new ByteArrayContent(body) };
        request.Content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        if (authorization is not null)
        {
            request.Headers.TryAddWithoutValidation("Authorization", authorization);
        }

        return await Client.SendAsync(request);
    }

    /// <summary>The status code of a POST of <paramref name="body"/>.</summary>
    public async Task<HttpStatusCode> StatusOfPostAsync(string path, byte[] body, string? authorization = null)
    {
        using var response = await PostAsync(path, body, authorization);
        return response.StatusCode;
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
