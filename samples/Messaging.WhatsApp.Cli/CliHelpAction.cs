using System;
using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Invocation;
using System.IO;
using System.Linq;

namespace Messaging.WhatsApp.Cli;

/// <summary>
/// <c>--help</c>: System.CommandLine's generated help of the command asked about, then what options cannot say:
/// both command lines in full (as usage errors quote them), the settings read from the environment or user
/// secrets, and the exit codes.
/// </summary>
/// <param name="generated">The generated help.</param>
internal sealed class CliHelpAction(HelpAction generated) : SynchronousCommandLineAction
{
    /// <summary>The text written after the generated help, whatever the command.</summary>
    public static readonly string Epilogue = string.Join(
        Environment.NewLine,
        new[]
        {
            // The send's synopsis on two lines, its optional part under its required one.
            "usage: " + CommandLine.SendSynopsis
                .Replace(" [--sandbox]", Environment.NewLine + "                     [--sandbox]", StringComparison.Ordinal)
                .Replace(" [--wait", Environment.NewLine + "                     [--wait", StringComparison.Ordinal),
            "       " + CommandLine.ListenSynopsis,
            "       " + CommandLine.StateSynopsis,
            "       " + CommandLine.StatusSynopsis,
            string.Empty,
            "Settings, from environment variables or user secrets (in the project's folder,",
            "'dotnet user-secrets set GreenApi:IdInstance <value>': ':' for '__'); the environment wins:",
        }
        .Concat(ProviderProfile.All.SelectMany(p => new[]
        {
            $"  {p.DisplayName + ":",-10} {string.Join(", ", p.CredentialKeys.Select(p.EnvironmentVariable))}, {p.EnvironmentVariable("ApiUrl")} (optional)",
            $"  {string.Empty,-10} webhook (listen, --wait): {p.EnvironmentVariable(p.Webhook.SecretKey)}",
        }))
        .Concat(new[]
        {
            "  When the chosen provider has none of its sending settings, the send goes to the embedded sandbox.",
            "  Logging__LogLevel__Default: the level of the logs on stderr (Warning unless set).",
            string.Empty,
            "Message ledger: a send with --key is recorded in " + CliLedger.DefaultPath,
            "  (or the --ledger file); a send again with the key prints the record and sends nothing. No --key, no record.",
            string.Empty,
            "Exit codes:",
            "  0 sent, or sent before with the --key (with --wait: delivered, read or played; listen: stopped by Ctrl+C or",
            "    SIGTERM; status: found)",
            "  1 any other failure",
            "  2 usage, argument or configuration error, or a --key used before for another text: nothing was sent",
            "  3 credentials refused",
            "  4 request rejected",
            "  5 not sent, try again later (also: the ledger cannot be written, or a send with the --key is in flight)",
            "  6 outcome unknown, now or for an earlier send with the --key (may have been sent: do not resend blindly)",
            "  7 with --wait: the provider reports the message failed or deleted",
            "  8 with --wait: sent, but no final status within the wait (may still be delivered: do not resend)",
            "  9 state: the instance cannot send now",
            "  10 state: the gateway could not be asked",
            "  11 status: no record of the key",
        }));

    private readonly HelpAction _generated = WithWidth(generated);

    /// <inheritdoc />
    public override bool ClearsParseErrors => true;

    /// <inheritdoc />
    public override int Invoke(ParseResult parseResult)
    {
        ArgumentNullException.ThrowIfNull(parseResult);
        var exitCode = _generated.Invoke(parseResult);
        parseResult.InvocationConfiguration.Output.WriteLine(Epilogue);
        return exitCode;
    }

    /// <summary>
    /// Wraps the generated help at 100 columns, or the terminal's width if narrower. System.CommandLine would use
    /// the whole width of the terminal, and not wrap at all when the output is redirected (e.g. to a pager).
    /// </summary>
    private static HelpAction WithWidth(HelpAction help)
    {
        const int Width = 100;
        try
        {
            help.MaxWidth = Console.IsOutputRedirected ? Width : Math.Clamp(Console.WindowWidth, 40, Width);
        }
        catch (IOException)
        {
            help.MaxWidth = Width;
        }

        return help;
    }
}
