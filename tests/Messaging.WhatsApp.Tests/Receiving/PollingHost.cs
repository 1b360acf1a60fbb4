using System;
using System.Linq;
using System.Threading.Tasks;
using Messaging.WhatsApp.GreenApi;
using Messaging.WhatsApp.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Messaging.WhatsApp.Tests.Receiving;

/// <summary>
/// A generic host (a worker service) with a GREEN-API sender pointed at a <see cref="FakeGreenApiNotifications"/> and its
/// notification polling, logging everything at Trace, with recording handlers and a clock whose waits end at
/// once and are recorded (<see cref="RecordingTimeProvider"/>).
/// </summary>
public sealed class PollingHost : IAsyncDisposable
{
    private readonly IHost _host;
    private bool _started;

    private PollingHost(IHost host, LogCapture logs, ReceivedNotifications received, RecordingTimeProvider time)
    {
        _host = host;
        Logs = logs;
        Received = received;
        Time = time;
    }

    public LogCapture Logs { get; }

    public ReceivedNotifications Received { get; }

    public RecordingTimeProvider Time { get; }

    public IServiceProvider Services => _host.Services;

    /// <summary>The hosted service polling the instance.</summary>
    internal GreenApiNotificationPoller Poller => _host.Services.GetServices<IHostedService>().OfType<GreenApiNotificationPoller>().Single();

    /// <summary>Builds (does not start) a host polling <paramref name="queue"/>.</summary>
    public static PollingHost Create(
        FakeGreenApiNotifications queue,
        Action<GreenApiOptions>? configure = null,
        Action<GreenApiPollingOptions>? polling = null,
        string? name = null,
        Action<GreenApiSenderBuilder>? sender = null)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true, EnvironmentName = Environments.Production });
        var logs = new LogCapture();
        builder.Logging.ClearProviders();
        builder.Logging.SetMinimumLevel(LogLevel.Trace);
        builder.Logging.AddProvider(logs);
        var time = new RecordingTimeProvider();
        builder.Services.AddSingleton<TimeProvider>(time);
        var received = new ReceivedNotifications();
        received.Register(builder.Services);
        void Configure(GreenApiOptions o)
        {
            o.ApiUrl = queue.Url;
            o.IdInstance = TestServices.GreenInstance;
            o.ApiTokenInstance = TestServices.GreenToken;
            configure?.Invoke(o);
        }

        var registration = name is null ? builder.Services.AddGreenApi(Configure) : builder.Services.AddGreenApi(name, Configure);
        registration.AddNotificationPolling(polling);
        sender?.Invoke(registration);
        return new PollingHost(builder.Build(), logs, received, time);
    }

    public async Task StartAsync()
    {
        await _host.StartAsync();
        _started = true;
    }

    public Task StopAsync() => _host.StopAsync();

    public async ValueTask DisposeAsync()
    {
        if (_started)
        {
            await _host.StopAsync();
        }

        _host.Dispose();
    }
}
