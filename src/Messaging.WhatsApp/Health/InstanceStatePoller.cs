using System;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Messaging.WhatsApp;

/// <summary>
/// Polls the state operation of every monitored instance (GREEN-API getStateInstance, Maytapi listPhones): once when
/// the host starts, then every <see cref="WhatsAppInstanceMonitoringOptions.PollInterval"/> (never, when it is zero).
/// After failures in a row the wait doubles from the interval up to
/// <see cref="WhatsAppInstanceMonitoringOptions.MaxErrorDelay"/> (or what a 429 asks, if longer, within that cap), so a
/// failing gateway is asked less often, never more. Asks of one instance are at least a second apart whoever asks
/// (<see cref="InstanceStateMonitor.MinAskInterval"/>). While it runs, the instances count in the <c>whatsapp.instances</c> gauge.
/// </summary>
internal sealed partial class InstanceStatePoller : BackgroundService
{
    private readonly MonitoredSenders _senders;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    public InstanceStatePoller(MonitoredSenders senders, TimeProvider time, ILoggerFactory loggers)
    {
        _senders = senders;
        _time = time;
        _logger = loggers.CreateLogger("Messaging.WhatsApp.Health");
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Yield first: the host's start must not wait for the first answers.
        await Task.Yield();
        foreach (var sender in _senders.Senders)
        {
            sender.Source.InstanceState.Watch();
        }

        try
        {
            await Task.WhenAll(_senders.Senders.Where(s => s.Options.PollInterval > TimeSpan.Zero).Select(s => PollAsync(s, stoppingToken))).ConfigureAwait(false);
        }
        finally
        {
            foreach (var sender in _senders.Senders)
            {
                sender.Source.InstanceState.Unwatch();
            }
        }
    }

    private async Task PollAsync(MonitoredSender sender, CancellationToken stoppingToken)
    {
        var failures = 0;
        while (!stoppingToken.IsCancellationRequested)
        {
            TimeSpan delay;
            try
            {
                await sender.Source.GetInstanceStateAsync(stoppingToken).ConfigureAwait(false);
                failures = 0;
                delay = sender.Options.PollInterval;
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e)
            {
                // Anything else (a handler the app added to the sender's client, say) is waited out too: an exception
                // leaving ExecuteAsync would stop the whole host.
                failures++;
                delay = ErrorDelay(sender.Options, failures, (e as WhatsAppRateLimitedException)?.RetryAfter);
                LogFailed(_logger, sender.Provider, sender.Source.InstanceState.Current.Instance, e is WhatsAppException ? e.Message : e.GetType().Name, delay.TotalSeconds);
            }

            try
            {
                await Delays.Delay(_time, delay, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
        }
    }

    /// <summary>
    /// The wait after <paramref name="failures"/> failed polls in a row: the interval doubled that many times, at most
    /// <see cref="WhatsAppInstanceMonitoringOptions.MaxErrorDelay"/>; a longer Retry-After within that cap wins.
    /// </summary>
    internal static TimeSpan ErrorDelay(WhatsAppInstanceMonitoringOptions options, int failures, TimeSpan? retryAfter)
    {
        var doubled = options.PollInterval.Ticks * (1L << Math.Min(failures, 20));
        var delay = TimeSpan.FromTicks(Math.Min(doubled, options.MaxErrorDelay.Ticks));
        return retryAfter is { } asked && asked > delay ? (asked < options.MaxErrorDelay ? asked : options.MaxErrorDelay) : delay;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Asking the state of {Provider} instance {Instance} failed: {Error}; asking again in {DelaySeconds} s")]
    private static partial void LogFailed(ILogger logger, WhatsAppProvider provider, string instance, string error, double delaySeconds);
}
