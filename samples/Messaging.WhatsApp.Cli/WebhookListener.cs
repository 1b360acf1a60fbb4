using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Messaging.WhatsApp.Cli;

/// <summary>
/// The webhook endpoints of some providers, on a real Kestrel host: the SDK's ASP.NET Core package
/// (<c>AddGreenApiWebhook</c>, <c>AddMaytapiWebhook</c>, <c>MapWhatsAppWebhooks</c>) with the CLI's
/// <see cref="UpdateWatch"/> as the update handler (after the ledger's, for a send with a key). Requests wait until <see cref="AnnounceAsync"/> has printed
/// the URLs, so that nothing is handled before the person at the console has seen where it comes from.
/// </summary>
internal sealed class WebhookListener : IAsyncDisposable
{
    /// <summary>The path the endpoints share: <c>MapWhatsAppWebhooks</c>'s default, as in the recordings.</summary>
    public const string Prefix = "/whatsapp";

    /// <summary>The category of the generic host's own lines, e.g. "Hosting failed to start".</summary>
    private const string HostCategory = "Microsoft.Extensions.Hosting.Internal.Host";

    private readonly WebApplication _app;
    private readonly TaskCompletionSource _announced;
    private readonly IReadOnlyList<(ProviderProfile Profile, WhatsAppWebhookEndpoint Receiver)> _receivers;

    private WebhookListener(WebApplication app, TaskCompletionSource announced, IReadOnlyList<(ProviderProfile, WhatsAppWebhookEndpoint)> receivers, string boundUrl, Uri localUrl, Uri publicUrl)
    {
        _app = app;
        _announced = announced;
        _receivers = receivers;
        BoundUrl = boundUrl;
        LocalUrl = localUrl;
        PublicUrl = publicUrl;
    }

    /// <summary>The address and port bound, e.g. <c>http://0.0.0.0:41234</c>.</summary>
    public string BoundUrl { get; }

    /// <summary>Where this machine reaches the port, e.g. <c>http://127.0.0.1:41234/</c>.</summary>
    public Uri LocalUrl { get; }

    /// <summary>Where the gateways reach it: <c>--public-url</c>, or the local address.</summary>
    public Uri PublicUrl { get; }

    /// <summary>
    /// Starts the endpoints of <paramref name="profiles"/> on <paramref name="address"/> (port 0: a free one).
    /// Their settings are checked first (<c>ValidateOnStart</c>).
    /// </summary>
    /// <param name="configuration">The CLI's configuration, holding each provider's section.</param>
    /// <param name="profiles">The providers to receive from.</param>
    /// <param name="address">Where to listen, and the public URL.</param>
    /// <param name="watch">The handler of the updates.</param>
    /// <param name="ledger">The ledger the updates are applied to first (a send with <c>--key</c>), or null.</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    /// <returns>The running listener; dispose it to stop it (requests in progress are finished first).</returns>
    /// <exception cref="IOException">The address cannot be bound (e.g. the port is in use).</exception>
    public static async Task<WebhookListener> StartAsync(
        IConfiguration configuration,
        IReadOnlyList<ProviderProfile> profiles,
        WebhookAddress address,
        UpdateWatch watch,
        CliLedger? ledger,
        CancellationToken cancellationToken)
    {
        // The empty builder reads no appsettings, no ASPNETCORE_ variables and no command line, and logs nothing
        // to stdout: everything it does is configured here.
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore().ConfigureKestrel(kestrel => kestrel.Listen(address.Bind, address.Port));
        builder.Services.AddRoutingCore();
        builder.Services.AddSingleton<IHostLifetime, SignalFreeLifetime>();
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(5));
        CliLogging.Configure(builder.Logging, configuration);

        // A host that cannot start logs why with a stack trace; the CLI reports it as its one failure line instead.
        builder.Logging.AddFilter(HostCategory, LogLevel.Critical);
        foreach (var profile in profiles)
        {
            profile.Webhook.Register(builder.Services, configuration.GetSection(profile.SectionName));
        }

        // The ledger's handler first: a status is recorded before the watch prints it and perhaps ends the wait.
        ledger?.AddTo(builder.Services);
        watch.AddTo(builder.Services);
        var app = builder.Build();
        try
        {
            var announced = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            app.Use(async (context, next) =>
            {
                await announced.Task.WaitAsync(context.RequestAborted).ConfigureAwait(false);
                await next(context).ConfigureAwait(false);
            });
            app.MapWhatsAppWebhooks(Prefix);
            await app.StartAsync(cancellationToken).ConfigureAwait(false);

            var port = new Uri(app.Urls.First()).Port;
            var receivers = app.Services.GetWhatsAppWebhookEndpoints();
            return new WebhookListener(
                app,
                announced,
                profiles.Select(p => (p, receivers.Single(r => r.Provider == p.Provider))).ToList(),
                $"http://{UrlHost(address.Bind)}:{port}",
                new Uri($"http://{ReachableHost(address.Bind)}:{port}/"),
                address.PublicUrl ?? new Uri($"http://{DisplayHost(address.Bind)}:{port}/"));
        }
        catch
        {
            await app.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>The URL a provider posts to on this machine, with its secret if it has one (for the sandbox).</summary>
    /// <param name="profile">The provider.</param>
    /// <returns>The URL.</returns>
    public Uri LocalWebhookUrl(ProviderProfile profile) =>
        new(_receivers.Single(r => r.Profile == profile).Receiver.UrlToConfigure(Base(LocalUrl)));

    /// <summary>
    /// Prints <c>listening on &lt;bound address&gt;</c>, then <c>listening for &lt;provider&gt; at &lt;url&gt;</c> for each
    /// provider, where the URL is what to set in its console (Maytapi's carries the secret: the one place it is
    /// printed); then lets requests through.
    /// </summary>
    /// <param name="stderr">Where the lines go.</param>
    /// <returns>A task that completes when the lines are written.</returns>
    public async Task AnnounceAsync(TextWriter stderr)
    {
        await stderr.WriteLineAsync($"listening on {BoundUrl}").ConfigureAwait(false);
        foreach (var (_, receiver) in _receivers)
        {
            await stderr.WriteLineAsync($"listening for {receiver.Provider.Name} at {receiver.UrlToConfigure(Base(PublicUrl))}").ConfigureAwait(false);
        }

        await stderr.FlushAsync().ConfigureAwait(false);
        _announced.TrySetResult();
    }

    /// <summary>Stops the host: requests in progress are finished (for at most 5 s), then the port is closed.</summary>
    /// <returns>A task that completes when the host is stopped and disposed.</returns>
    public async ValueTask DisposeAsync()
    {
        _announced.TrySetResult();
        try
        {
            await _app.StopAsync(CancellationToken.None).ConfigureAwait(false);
        }
        finally
        {
            await _app.DisposeAsync().ConfigureAwait(false);
        }
    }

    private static Uri Base(Uri url) => new(url.AbsoluteUri.TrimEnd('/') + Prefix);

    /// <summary>The bound address as a URL host; for "every interface", the loopback address of its family.</summary>
    private static string ReachableHost(IPAddress bind) =>
        bind.Equals(IPAddress.Any) ? IPAddress.Loopback.ToString()
        : bind.Equals(IPAddress.IPv6Any) ? "[" + IPAddress.IPv6Loopback + "]"
        : UrlHost(bind);

    /// <summary>The bound address as a URL host; for "every interface", <c>localhost</c>.</summary>
    private static string DisplayHost(IPAddress bind) =>
        bind.Equals(IPAddress.Any) || bind.Equals(IPAddress.IPv6Any) ? "localhost" : UrlHost(bind);

    private static string UrlHost(IPAddress address) =>
        address.AddressFamily == AddressFamily.InterNetworkV6 ? "[" + address + "]" : address.ToString();

    /// <summary>
    /// The host's lifetime without signal handling: the CLI's entry point owns Ctrl+C and SIGTERM, and stops the
    /// host through the run's cancellation token, in-process runs included.
    /// </summary>
    private sealed class SignalFreeLifetime : IHostLifetime
    {
        public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
