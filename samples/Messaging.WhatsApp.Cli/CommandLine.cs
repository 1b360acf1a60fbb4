using System;
using System.Collections.Generic;
using System.Linq;

namespace Messaging.WhatsApp.Cli;

/// <summary>What the command line asks for: one text to one chat.</summary>
/// <param name="Provider">The gateway.</param>
/// <param name="To">The address as typed; parsed later so that its error names it.</param>
/// <param name="Text">The message text.</param>
/// <param name="ReplyTo">The id of a message to quote, or null.</param>
/// <param name="Sandbox">True to send to the embedded sandbox whatever is configured.</param>
internal sealed record SendCommand(ProviderProfile Provider, string To, string Text, string? ReplyTo, bool Sandbox);

/// <summary>The outcome of parsing: a command, a request for help, or what is wrong.</summary>
/// <param name="Command">The command, when the arguments are valid.</param>
/// <param name="Help">True when <c>--help</c> was given.</param>
/// <param name="Error">What is wrong with the arguments, or null.</param>
internal sealed record ParsedCommandLine(SendCommand? Command, bool Help, string? Error);

/// <summary>Parses <c>whatsapp-send</c>'s arguments; <c>--name value</c> and <c>--name=value</c> both work.</summary>
internal static class CommandLine
{
    /// <summary>The one-line synopsis, quoted after every usage error.</summary>
    public static readonly string Synopsis =
        $"whatsapp-send --provider {ProviderProfile.Names} --to <address> --text <text> [--reply-to <id>] [--sandbox]";

    /// <summary>The text printed by <c>--help</c>.</summary>
    public static readonly string Help = string.Join(
        Environment.NewLine,
        new[]
        {
            "Sends one WhatsApp text message through " + string.Join(" or ", ProviderProfile.All.Select(p => p.DisplayName)) + ".",
            string.Empty,
            "usage: " + Synopsis,
            string.Empty,
            "  --provider   " + string.Join(" or ", ProviderProfile.All.Select(p => p.CommandLineNames[0])),
            "  --to         a phone number with country code (+90 530 111 11 11), a chat id (905301111111@c.us),",
            "               a group id (120363238104@g.us), a linked id (…@lid) or a channel id (…@newsletter)",
            "  --text       the message text",
            "  --reply-to   the id of a message in the same chat to quote",
            "  --sandbox    send to an embedded sandbox that answers like the provider; no credentials needed",
            "  --help       show this help",
            string.Empty,
            "Credentials come from user secrets and environment variables (environment wins):",
        }
        .Concat(ProviderProfile.All.Select(p => $"  {p.DisplayName + ":",-10} {string.Join(", ", p.CredentialKeys.Select(k => p.SectionName + "__" + k))}, {p.SectionName}__ApiUrl (optional)"))
        .Concat(new[]
        {
            "When the chosen provider has none of them, the embedded sandbox is used.",
            string.Empty,
            "Exit codes: 0 sent; 2 usage, argument or configuration error; 3 credentials refused;",
            "4 request rejected; 5 not sent, try again later; 6 outcome unknown (may have been sent: do not",
            "resend blindly); 1 any other failure.",
        }));

    private static readonly HashSet<string> ValueOptions = ["--provider", "--to", "--text", "--reply-to"];

    /// <summary>Parses the arguments.</summary>
    /// <param name="args">The arguments.</param>
    /// <returns>The command, help, or the error.</returns>
    public static ParsedCommandLine Parse(IReadOnlyList<string> args)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        var sandbox = false;
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (arg is "--help" or "-h" or "-?")
            {
                return new ParsedCommandLine(null, Help: true, null);
            }

            if (arg == "--sandbox")
            {
                sandbox = true;
                continue;
            }

            var equals = arg.IndexOf('=', StringComparison.Ordinal);
            var name = equals > 0 ? arg[..equals] : arg;
            if (!ValueOptions.Contains(name))
            {
                return Fail(arg.StartsWith('-') ? $"unknown option {name}" : $"unexpected argument '{arg}'");
            }

            string value;
            if (equals > 0)
            {
                value = arg[(equals + 1)..];
            }
            else if (i + 1 < args.Count)
            {
                value = args[++i];
            }
            else
            {
                return Fail($"{name} needs a value");
            }

            if (!values.TryAdd(name, value))
            {
                return Fail($"{name} is given more than once");
            }
        }

        if (!values.TryGetValue("--provider", out var providerName))
        {
            return Fail("--provider is required");
        }

        if (ProviderProfile.Find(providerName) is not { } provider)
        {
            return Fail($"unknown provider '{providerName}' (expected {string.Join(" or ", ProviderProfile.All.Select(p => p.CommandLineNames[0]))})");
        }

        if (!values.TryGetValue("--to", out var to))
        {
            return Fail("--to is required");
        }

        if (!values.TryGetValue("--text", out var text))
        {
            return Fail("--text is required");
        }

        values.TryGetValue("--reply-to", out var replyTo);
        return new ParsedCommandLine(new SendCommand(provider, to, text, replyTo, sandbox), Help: false, null);
    }

    private static ParsedCommandLine Fail(string error) => new(null, Help: false, error);
}
