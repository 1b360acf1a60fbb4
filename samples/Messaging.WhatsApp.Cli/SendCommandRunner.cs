using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using Messaging.WhatsApp.Ledger;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Messaging.WhatsApp.Cli;

/// <summary>
/// A send: picks real credentials or the embedded sandbox, sends one text through the SDK and prints one line;
/// with <c>--wait</c>, then prints the message's updates until a final one or the end of the wait.
/// </summary>
/// <remarks>
/// How the updates arrive with <c>--wait</c> is decided before anything is sent:
/// <list type="bullet">
/// <item>sandbox: a webhook endpoint on a free loopback port, with the sandbox's webhook credential, to which the
/// sandbox posts the recorded <c>sent</c> and <c>delivered</c> notifications;</item>
/// <item>real credentials with <c>--port</c> and <c>--public-url</c>: the webhook endpoint, which the provider
/// posts to (its console must already hold the URL printed);</item>
/// <item>real credentials without <c>--port</c>: polling, for a provider that can be polled (GREEN-API);</item>
/// <item>anything else: exit 2, saying what is missing.</item>
/// </list>
/// With <c>--key</c> the send goes through the message ledger (<see cref="CliLedger"/>), migrated before anything is
/// sent: a send again with the key prints <c>already sent via …</c> from the record and sends nothing, and the statuses
/// received while waiting are applied to the record before they are printed. Without <c>--key</c> nothing is recorded.
/// </remarks>
internal static class SendCommandRunner
{
    /// <summary>Runs a send.</summary>
    /// <param name="command">The command.</param>
    /// <param name="configuration">The configuration.</param>
    /// <param name="stdout">Receives the success line and the update lines.</param>
    /// <param name="stderr">Receives the failure line, and where the updates come from.</param>
    /// <param name="cancellationToken">Cancels the send (exit 6), or ends the wait (exit 8).</param>
    /// <returns>The exit code.</returns>
    public static async Task<int> RunAsync(
        SendCommand command,
        IConfiguration configuration,
        TextWriter stdout,
        TextWriter stderr,
        CancellationToken cancellationToken)
    {
        ChatAddress chat;
        try
        {
            chat = ChatAddress.Parse(command.To);
        }
        catch (FormatException e)
        {
            return await CliApp.ReportAsync(stderr, new Failure(ExitCodes.Usage, "failed: --to: " + e.Message)).ConfigureAwait(false);
        }

        var profile = command.Provider;
        var secrets = CliApp.Secrets(configuration);
        var useSandbox = command.Sandbox || !profile.HasAnyCredential(configuration);
        if (!useSandbox && command.Wait is not null && ReceivingProblem(command, configuration) is { } problem)
        {
            return await CliApp.ReportAsync(stderr, new Failure(ExitCodes.Usage, "failed: " + problem)).ConfigureAwait(false);
        }

        using var sandbox = useSandbox ? SandboxServer.Start(newMessageIds: command.Key is not null) : null;
        if (sandbox is not null)
        {
            configuration = CliConfiguration.With(configuration, sandbox.SettingsFor(profile));
        }

        // Sandbox sends are recorded under a registration of their own, apart from real ones with the same key.
        var registration = sandbox is null ? null : CliLedger.SandboxRegistration;
        var ledger = command.Key is null ? null : CliLedger.At(command.Ledger);

        // The webhook endpoint: the sandbox's on loopback, or the one --port asks for. Without either, --wait polls.
        var webhook = sandbox is not null ? WebhookAddress.LoopbackEphemeral : command.Webhook;
        var polling = command.Wait is not null && webhook is null;
        var watch = command.Wait is null ? null : UpdateWatch.OneMessage(stdout);

        var services = new ServiceCollection().AddLogging(logging => CliLogging.Configure(logging, configuration));
        var section = configuration.GetSection(profile.SectionName);

        // The ledger before the watch: a polled status is recorded before it can end the wait.
        ledger?.AddTo(services);
        if (polling)
        {
            profile.Webhook.RegisterSenderWithPolling!(services, section);
            watch!.AddTo(services);
        }
        else
        {
            profile.Register(services, registration, section);
        }

        var provider = services.BuildServiceProvider();
        await using (provider.ConfigureAwait(false))
        {
            IWhatsAppSender sender;
            try
            {
                provider.GetRequiredService<IStartupValidator>().Validate();
                sender = registration is null ? provider.GetRequiredService<IWhatsAppSender>() : provider.GetRequiredKeyedService<IWhatsAppSender>(registration);

                // The poller, if any, checks its settings against the sender's when it is created: here, not after sending.
                _ = provider.GetServices<IHostedService>().ToList();
            }
            catch (InvalidOperationException e)
            {
                // A value that does not bind (e.g. IdInstance=abc) surfaces here.
                return await CliApp.ReportAsync(stderr, Failure.Configuration(e, secrets)).ConfigureAwait(false);
            }
            catch (Exception e) when (e is OptionsValidationException or AggregateException)
            {
                return await CliApp.ReportAsync(stderr, Failure.From(e, secrets)).ConfigureAwait(false);
            }

            WebhookListener? listener = null;
            HostedServices? poller = null;
            try
            {
                try
                {
                    if (ledger is not null && await ledger.PrepareAsync(provider, cancellationToken).ConfigureAwait(false) is { } unavailable)
                    {
                        return await CliApp.ReportAsync(stderr, unavailable).ConfigureAwait(false);
                    }

                    if (watch is not null && webhook is not null)
                    {
                        Failure? failure;
                        (listener, failure) = await CliApp.StartListenerAsync(configuration, [profile], webhook, watch, ledger, stderr, cancellationToken).ConfigureAwait(false);
                        if (failure is not null)
                        {
                            return await CliApp.ReportAsync(stderr, failure).ConfigureAwait(false);
                        }
                    }
                    else if (polling)
                    {
                        await stderr.WriteLineAsync(
                            $"polling {profile.DisplayName}'s notification queue for the delivery status: this takes and deletes every notification of the"
                            + " instance while it runs, other messages' too, so another app reading that queue misses them; it works only while the"
                            + " instance has no webhook URL set").ConfigureAwait(false);
                        poller = await HostedServices.StartAsync(provider, cancellationToken).ConfigureAwait(false);
                    }
                }
                catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
                {
                    return await CliApp.ReportAsync(stderr, new Failure(ExitCodes.Failed, "failed: cancelled before sending; nothing was sent")).ConfigureAwait(false);
                }

                SendResult result;
                try
                {
                    var options = command.Key is null ? null : new SendOptions { IdempotencyKey = command.Key };
                    result = await sender.SendTextAsync(chat, command.Text, command.ReplyTo, options, cancellationToken).ConfigureAwait(false);
                }
                catch (WhatsAppLedgerUnavailableException e)
                {
                    return await CliApp.ReportAsync(stderr, ledger!.Unavailable("could not be used", e, "nothing was sent")).ConfigureAwait(false);
                }
                catch (Exception e) when (e is WhatsAppException or ArgumentException or OperationCanceledException)
                {
                    return await CliApp.ReportAsync(stderr, Failure.From(e, secrets)).ConfigureAwait(false);
                }

                var mode = sandbox is null ? string.Empty : " (sandbox)";
                LedgerRecord? earlier = null;
                if (result.IsRepeat)
                {
                    earlier = await FindAsync(provider, command.Key!, registration, profile).ConfigureAwait(false);
                    var recorded = earlier is null ? string.Empty : $"recorded {CliLedger.Time(earlier.CreatedAt)}, now {UpdateLine.StatusName(earlier.Status)}; ";
                    await stdout.WriteLineAsync($"already sent via {profile.DisplayName}{mode}: message {result.MessageId} to {result.ChatId} ({recorded}nothing sent)").ConfigureAwait(false);
                }
                else
                {
                    await stdout.WriteLineAsync($"sent via {profile.DisplayName}{mode}: message {result.MessageId} to {result.ChatId}").ConfigureAwait(false);
                }

                if (watch is null)
                {
                    return ExitCodes.Success;
                }

                if (earlier is not null && UpdateWatch.EndsWait(earlier.Status))
                {
                    // Sent before, and its final status is recorded already: nothing more will come.
                    return earlier.Status.IsFinal()
                        ? await CliApp.ReportAsync(
                            stderr,
                            new Failure(ExitCodes.NotDelivered, $"failed: {profile.DisplayName} reported message {result.MessageId} {UpdateLine.StatusName(earlier.Status)} (recorded {CliLedger.Time(earlier.StatusAt ?? earlier.SettledAt!.Value)}); 'whatsapp-send status {command.Key}' shows why")).ConfigureAwait(false)
                        : ExitCodes.Success;
                }

                watch.Watch(result.MessageId);

                // The sandbox posts statuses for what it was sent now; a repeat sent nothing, so only a gateway's later reports can come.
                Func<CancellationToken, Task>? deliver = sandbox is null || result.IsRepeat
                    ? null
                    : token => sandbox.DeliverStatusesAsync(profile, result, listener!.LocalWebhookUrl(profile), token);
                return await WaitAsync(watch, deliver, command.Wait!.Value, profile, result, stderr, cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                if (poller is not null)
                {
                    await poller.DisposeAsync().ConfigureAwait(false);
                }

                if (listener is not null)
                {
                    await listener.DisposeAsync().ConfigureAwait(false);
                }
            }
        }
    }

    /// <summary>The ledger's record behind a repeated send, for its time and status; null if it cannot be read now.</summary>
    private static async Task<LedgerRecord?> FindAsync(IServiceProvider services, string key, string? registration, ProviderProfile profile)
    {
        try
        {
            return await services.GetRequiredService<IWhatsAppLedger>()
                .FindByKeyAsync(key, registration ?? string.Empty, profile.Provider.Name, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception e) when (e is System.Data.Common.DbException or InvalidOperationException)
        {
            // The send's answer stands without its record's details.
            return null;
        }
    }

    /// <summary>What real credentials lack for <c>--wait</c>, or null: checked before sending, so that nothing is sent in vain.</summary>
    private static string? ReceivingProblem(SendCommand command, IConfiguration configuration)
    {
        var profile = command.Provider;
        var setting = profile.EnvironmentVariable(profile.Webhook.SecretKey);
        if (command.Webhook is { } address)
        {
            if (!profile.HasWebhookCredential(configuration))
            {
                return $"--wait with --port receives {profile.DisplayName}'s notifications on its webhook, which needs {setting} (environment variable or user secret)";
            }

            return address.PublicUrl is null
                ? $"--wait with --port needs --public-url: the address {profile.DisplayName} reaches the port at (e.g. from 'ngrok http {address.Port}'), set in its console"
                : null;
        }

        return profile.Webhook.RegisterSenderWithPolling is null
            ? $"--wait with {profile.DisplayName} needs its webhook: set {setting}, forward a public URL to a local port (e.g. 'ngrok http 8080'),"
                + $" give --port 8080 --public-url <that URL>, and set the URL printed as 'listening for {profile.CommandLineNames[0]} at …' in the {profile.DisplayName} console"
            : null;
    }

    /// <summary>Waits for the watched message's final update; the exit code says which arrived, if any.</summary>
    private static async Task<int> WaitAsync(
        UpdateWatch watch,
        Func<CancellationToken, Task>? deliver,
        TimeSpan wait,
        ProviderProfile profile,
        SendResult sent,
        TextWriter stderr,
        CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(wait);
        WhatsAppUpdate? ended = null;
        try
        {
            if (deliver is not null)
            {
                // The sandbox posts as the gateway would; each post returns once its updates are printed.
                await deliver(deadline.Token).ConfigureAwait(false);
            }

            ended = await watch.Ended.WaitAsync(deadline.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested)
        {
            // The wait is over without a final status.
        }
        catch (Exception e) when (e is InvalidOperationException or HttpRequestException)
        {
            return await CliApp.ReportAsync(stderr, new Failure(ExitCodes.Failed, "failed: sandbox: " + e.Message)).ConfigureAwait(false);
        }

        if (ended is null)
        {
            var last = watch.Last is { } update ? UpdateLine.StatusName(update.Status) : "none";
            var why = cancellationToken.IsCancellationRequested ? "stopped waiting" : $"waited {wait.TotalSeconds:0} s";
            return await CliApp.ReportAsync(
                stderr,
                new Failure(ExitCodes.NoFinalStatus, $"failed: {why}: no final status for message {sent.MessageId} (last: {last}); it was sent and may still be delivered, so do not resend blindly")).ConfigureAwait(false);
        }

        if (ended.Status.IsFinal())
        {
            var error = ended.Error is null ? string.Empty : ": " + ended.Error;
            return await CliApp.ReportAsync(
                stderr,
                new Failure(ExitCodes.NotDelivered, $"failed: {profile.DisplayName} reports message {sent.MessageId} {UpdateLine.StatusName(ended.Status)} ({ended.ProviderStatus}){error}")).ConfigureAwait(false);
        }

        return ExitCodes.Success;
    }
}
