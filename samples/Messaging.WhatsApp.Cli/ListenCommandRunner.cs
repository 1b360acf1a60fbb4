using System;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.Configuration;

namespace Messaging.WhatsApp.Cli;

/// <summary>
/// <c>whatsapp-send listen</c>: runs the webhook endpoint of every provider whose webhook credential is
/// configured, prints where each is reached, then one JSON line per update on stdout, until cancelled.
/// </summary>
internal static class ListenCommandRunner
{
    /// <summary>Runs <c>listen</c>.</summary>
    /// <param name="command">The command.</param>
    /// <param name="configuration">The configuration.</param>
    /// <param name="stdout">Receives the update lines.</param>
    /// <param name="stderr">Receives the <c>listening</c> lines, or the failure line.</param>
    /// <param name="cancellationToken">Stops listening (Ctrl+C, SIGTERM): exit 0.</param>
    /// <returns>The exit code.</returns>
    public static async Task<int> RunAsync(
        ListenCommand command,
        IConfiguration configuration,
        TextWriter stdout,
        TextWriter stderr,
        CancellationToken cancellationToken)
    {
        var profiles = ProviderProfile.All.Where(p => p.HasWebhookCredential(configuration)).ToList();
        if (profiles.Count == 0)
        {
            var settings = string.Join(" or ", ProviderProfile.All.Select(p => p.EnvironmentVariable(p.Webhook.SecretKey)));
            return await CliApp.ReportAsync(
                stderr,
                new Failure(ExitCodes.Usage, $"failed: no provider has a webhook credential: set {settings} (environment variables or user secrets)")).ConfigureAwait(false);
        }

        WebhookListener? listener;
        Failure? failure;
        try
        {
            (listener, failure) = await CliApp.StartListenerAsync(
                configuration, profiles, command.Address, UpdateWatch.Everything(stdout), ledger: null, stderr, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return ExitCodes.Success;
        }

        if (listener is null)
        {
            return await CliApp.ReportAsync(stderr, failure!).ConfigureAwait(false);
        }

        await using (listener.ConfigureAwait(false))
        {
            if (command.Address.PublicUrl is null)
            {
                var port = listener.LocalUrl.Port;
                await stderr.WriteLineAsync(
                    $"note: without --public-url these are this machine's URLs; a provider needs the address it reaches port {port} at,"
                    + $" e.g. from 'ngrok http {port}': run again with --port {port} --public-url <that address>").ConfigureAwait(false);
            }

            try
            {
                await Task.Delay(Timeout.Infinite, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                // Ctrl+C or SIGTERM: the listener stops below, finishing the requests in progress.
            }
        }

        return ExitCodes.Success;
    }
}
