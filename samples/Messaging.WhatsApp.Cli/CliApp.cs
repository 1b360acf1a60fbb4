using System;
using System.Collections.Generic;
using System.CommandLine;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace Messaging.WhatsApp.Cli;

/// <summary>
/// <c>whatsapp-send</c>: parses the arguments and runs the command: a send through real credentials or the
/// embedded sandbox, optionally waiting for its delivery status (<see cref="SendCommandRunner"/>), or
/// <c>listen</c> (<see cref="ListenCommandRunner"/>), or <c>status</c> (<see cref="StatusCommandRunner"/>). Results go to stdout, failures to stderr as one line, and
/// the exit code says which (see <see cref="ExitCodes"/>).
/// </summary>
internal static class CliApp
{
    /// <summary>Runs the command in-process.</summary>
    /// <param name="args">The command-line arguments.</param>
    /// <param name="stdout">Receives the success line, the update lines, the help or the completions.</param>
    /// <param name="stderr">Receives the failure line, and the <c>listening</c> lines.</param>
    /// <param name="environment">Environment variables to read instead of the process's and the user secrets, or null for the real ones.</param>
    /// <param name="cancellationToken">Cancels the send, ends a wait, or stops <c>listen</c> (which then exits 0).</param>
    /// <returns>The exit code.</returns>
    public static async Task<int> RunAsync(
        IReadOnlyList<string> args,
        TextWriter stdout,
        TextWriter stderr,
        IDictionary<string, string?>? environment = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(stdout);
        ArgumentNullException.ThrowIfNull(stderr);

        var root = CommandLine.Create(
            (send, token) => SendCommandRunner.RunAsync(send, CliConfiguration.Build(environment), stdout, stderr, token),
            (listen, token) => ListenCommandRunner.RunAsync(listen, CliConfiguration.Build(environment), stdout, stderr, token),
            (state, token) => StateCommandRunner.RunAsync(state, CliConfiguration.Build(environment), stdout, stderr, token),
            (status, token) => StatusCommandRunner.RunAsync(status, stdout, stderr, token));
        var parsed = root.Parse(args, CommandLine.ParserConfiguration);
        if (parsed.Errors.Count > 0)
        {
            return await ReportAsync(stderr, Failure.Usage(CommandLine.Problem(parsed), CommandLine.SynopsisOf(parsed))).ConfigureAwait(false);
        }

        // The runners turn every failure they expect into its line and exit code, and end cleanly when cancelled
        // (6 during a send, 8 during a wait, 0 for listen): System.CommandLine neither prints exceptions with their
        // stack trace nor handles Ctrl+C and SIGTERM itself (Program does, by cancelling the token).
        var invocation = new InvocationConfiguration
        {
            Output = stdout,
            Error = stderr,
            EnableDefaultExceptionHandler = false,
            ProcessTerminationTimeout = null,
        };
        return await parsed.InvokeAsync(invocation, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Writes the failure's line and returns its exit code.</summary>
    /// <param name="stderr">Where the line goes.</param>
    /// <param name="failure">The failure.</param>
    /// <returns>The exit code.</returns>
    public static async Task<int> ReportAsync(TextWriter stderr, Failure failure)
    {
        await stderr.WriteLineAsync(failure.Line).ConfigureAwait(false);
        return failure.ExitCode;
    }

    /// <summary>Every secret configured, the sender's and the webhooks', to mask in failure lines.</summary>
    /// <param name="configuration">The configuration as given (before any sandbox settings).</param>
    /// <returns>The secret values; null for those not set.</returns>
    public static IReadOnlyList<string?> Secrets(IConfiguration configuration) =>
        ProviderProfile.All.SelectMany(p => p.Secrets(configuration)).ToList();

    /// <summary>
    /// Starts the webhook endpoints and prints where they are, or returns why they cannot start: a setting that
    /// breaks its rules, or an address that cannot be bound (exit 2 for both: nothing was sent).
    /// </summary>
    /// <param name="configuration">The configuration.</param>
    /// <param name="profiles">The providers to receive from.</param>
    /// <param name="address">Where to listen.</param>
    /// <param name="watch">The handler of the updates.</param>
    /// <param name="ledger">The ledger the updates are applied to, or null.</param>
    /// <param name="stderr">Receives the <c>listening</c> lines.</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    /// <returns>The running listener, or the failure.</returns>
    public static async Task<(WebhookListener? Listener, Failure? Failure)> StartListenerAsync(
        IConfiguration configuration,
        IReadOnlyList<ProviderProfile> profiles,
        WebhookAddress address,
        UpdateWatch watch,
        CliLedger? ledger,
        TextWriter stderr,
        CancellationToken cancellationToken)
    {
        WebhookListener listener;
        try
        {
            listener = await WebhookListener.StartAsync(configuration, profiles, address, watch, ledger, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is OptionsValidationException or AggregateException)
        {
            return (null, Failure.From(e, Secrets(configuration)));
        }
        catch (IOException e)
        {
            return (null, new Failure(ExitCodes.Usage, $"failed: {e.Message} Choose another --port or --bind."));
        }

        await listener.AnnounceAsync(stderr).ConfigureAwait(false);
        return (listener, null);
    }
}
