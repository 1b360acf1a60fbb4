using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Net;

namespace Messaging.WhatsApp.Cli;

/// <summary>A command the command line asks for.</summary>
internal abstract record CliCommand;

/// <summary>Send one text to one chat, and with <see cref="Wait"/> wait for its delivery status.</summary>
/// <param name="Provider">The gateway.</param>
/// <param name="To">The address as typed; parsed later so that its error names it.</param>
/// <param name="Text">The message text.</param>
/// <param name="ReplyTo">The id of a message to quote, or null.</param>
/// <param name="Sandbox">True to send to the embedded sandbox whatever is configured.</param>
/// <param name="Wait">How long to wait for the delivery status after sending, or null not to wait.</param>
/// <param name="Webhook">Where to receive the provider's notifications while waiting (real credentials), or null.</param>
internal sealed record SendCommand(
    ProviderProfile Provider, string To, string Text, string? ReplyTo, bool Sandbox, TimeSpan? Wait, WebhookAddress? Webhook) : CliCommand;

/// <summary>Run the webhook endpoints of every provider with webhook credentials and print their updates.</summary>
/// <param name="Address">Where to listen, and how the gateways reach it.</param>
internal sealed record ListenCommand(WebhookAddress Address) : CliCommand;

/// <summary>Where the webhook endpoints listen, and the address the gateways reach them at.</summary>
/// <param name="Port">The local port; 0 picks a free one.</param>
/// <param name="Bind">The local address bound: loopback unless told otherwise.</param>
/// <param name="PublicUrl">The public base URL that forwards to the port (a tunnel), or null for the local address.</param>
internal sealed record WebhookAddress(int Port, IPAddress Bind, Uri? PublicUrl)
{
    /// <summary>A free loopback port, for the sandbox, which posts from this machine.</summary>
    public static WebhookAddress LoopbackEphemeral { get; } = new(0, IPAddress.Loopback, null);
}

/// <summary>The outcome of parsing: a command, a request for help, or what is wrong.</summary>
/// <param name="Command">The command, when the arguments are valid.</param>
/// <param name="Help">True when <c>--help</c> was given.</param>
/// <param name="Error">What is wrong with the arguments, or null.</param>
/// <param name="Synopsis">The synopsis of the command the arguments meant, quoted after an error.</param>
internal sealed record ParsedCommandLine(CliCommand? Command, bool Help, string? Error, string Synopsis);

/// <summary>
/// Parses <c>whatsapp-send</c>'s arguments: a send (no verb, as before <c>listen</c> existed) or
/// <c>listen</c>; <c>--name value</c> and <c>--name=value</c> both work.
/// </summary>
internal static class CommandLine
{
    /// <summary>The verb that runs the webhook endpoints.</summary>
    public const string ListenVerb = "listen";

    /// <summary>The one-line synopsis of a send, quoted after its usage errors.</summary>
    public static readonly string SendSynopsis =
        $"whatsapp-send --provider {ProviderProfile.Names} --to <address> --text <text> [--reply-to <id>] [--sandbox] [--wait <seconds> [--port <p> --public-url <url> [--bind <ip>]]]";

    /// <summary>The one-line synopsis of <c>listen</c>, quoted after its usage errors.</summary>
    public static readonly string ListenSynopsis =
        "whatsapp-send listen --port <p> [--public-url <url>] [--bind <ip>]";

    /// <summary>The text printed by <c>--help</c>.</summary>
    public static readonly string Help = string.Join(
        Environment.NewLine,
        new[]
        {
            "Sends one WhatsApp text message through " + string.Join(" or ", ProviderProfile.All.Select(p => p.DisplayName))
                + ", and receives the delivery statuses of sent messages.",
            string.Empty,
            "usage: " + SendSynopsis,
            "       " + ListenSynopsis,
            string.Empty,
            "Sending:",
            "  --provider    " + string.Join(" or ", ProviderProfile.All.Select(p => p.CommandLineNames[0])),
            "  --to          a phone number with country code (+90 530 111 11 11), a chat id (905301111111@c.us),",
            "                a group id (120363238104@g.us), a linked id (…@lid) or a channel id (…@newsletter)",
            "  --text        the message text",
            "  --reply-to    the id of a message in the same chat to quote",
            "  --sandbox     send to an embedded sandbox that answers like the provider; no credentials needed",
            "  --wait        after sending, wait up to <seconds> for the message's delivery status, printing each",
            "                update of it as a JSON line (as listen does). The sandbox posts 'sent' then 'delivered'",
            "                to a webhook endpoint on a free loopback port. With real credentials, --port and",
            "                --public-url, the provider posts to the webhook endpoint (its console must hold the",
            "                printed URL).",
        }
        .Concat(WaitWithoutPortHelp())
        .Concat(new[]
        {
            string.Empty,
            "Listening (listen, and --wait with real credentials):",
            "  listen        runs the webhook endpoint of every provider with a webhook setting; prints",
            "                'listening for <provider> at <url>' on stderr (the URL to set in its console), then",
            "                one JSON line per update on stdout, until Ctrl+C or SIGTERM",
            "  --port        the local port; 0 picks a free one",
            "  --bind        the local address to listen on: 127.0.0.1 (default: this machine only, enough for a",
            "                tunnel), or 0.0.0.0 or :: for every interface",
            "  --public-url  the address the providers reach the port at, e.g. https://abc.ngrok.app from",
            "                'ngrok http <port>'; default the local address, which only this machine reaches",
            string.Empty,
            "  --help        show this help",
            string.Empty,
            "Credentials come from user secrets and environment variables (environment wins):",
        })
        .Concat(ProviderProfile.All.SelectMany(p => new[]
        {
            $"  {p.DisplayName + ":",-10} {string.Join(", ", p.CredentialKeys.Select(p.EnvironmentVariable))}, {p.EnvironmentVariable("ApiUrl")} (optional)",
            $"  {string.Empty,-10} webhook (listen, --wait): {p.EnvironmentVariable(p.Webhook.SecretKey)}",
        }))
        .Concat(new[]
        {
            "When the chosen provider has none of the sending ones, the embedded sandbox is used.",
            string.Empty,
            "Exit codes: 0 sent (with --wait: delivered, read or played; listen: stopped by Ctrl+C or SIGTERM);",
            "2 usage, argument or configuration error; 3 credentials refused; 4 request rejected; 5 not sent, try",
            "again later; 6 outcome unknown (may have been sent: do not resend blindly); 7 with --wait: the",
            "provider reports the message failed or deleted; 8 with --wait: sent, but no final status within the",
            "wait; 1 any other failure.",
        }));

    /// <summary>The longest <c>--wait</c>: a day, as long as GREEN-API redelivers a notification.</summary>
    private const int MaxWaitSeconds = 24 * 60 * 60;

    private static readonly HashSet<string> SendOptions = ["--provider", "--to", "--text", "--reply-to", "--wait", "--port", "--bind", "--public-url"];

    private static readonly HashSet<string> ListenOptions = ["--port", "--bind", "--public-url"];

    /// <summary>Parses the arguments.</summary>
    /// <param name="args">The arguments.</param>
    /// <returns>The command, help, or the error.</returns>
    public static ParsedCommandLine Parse(IReadOnlyList<string> args)
    {
        var listen = args.Count > 0 && args[0] == ListenVerb;
        var synopsis = listen ? ListenSynopsis : SendSynopsis;
        var allowed = listen ? ListenOptions : SendOptions;
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        var sandbox = false;
        for (var i = listen ? 1 : 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (arg is "--help" or "-h" or "-?")
            {
                return new ParsedCommandLine(null, Help: true, null, synopsis);
            }

            if (arg == "--sandbox" && !listen)
            {
                sandbox = true;
                continue;
            }

            var equals = arg.IndexOf('=', StringComparison.Ordinal);
            var name = equals > 0 ? arg[..equals] : arg;
            if (!allowed.Contains(name))
            {
                return Fail(arg.StartsWith('-') ? $"unknown option {name}" : $"unexpected argument '{arg}'", synopsis);
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
                return Fail($"{name} needs a value", synopsis);
            }

            if (!values.TryAdd(name, value))
            {
                return Fail($"{name} is given more than once", synopsis);
            }
        }

        return listen ? ParseListen(values) : ParseSend(values, sandbox);
    }

    private static ParsedCommandLine ParseListen(Dictionary<string, string> values)
    {
        if (!values.ContainsKey("--port"))
        {
            return Fail("--port is required", ListenSynopsis);
        }

        var error = ParseAddress(values, out var address);
        return error is null
            ? new ParsedCommandLine(new ListenCommand(address!), Help: false, null, ListenSynopsis)
            : Fail(error, ListenSynopsis);
    }

    private static ParsedCommandLine ParseSend(Dictionary<string, string> values, bool sandbox)
    {
        if (!values.TryGetValue("--provider", out var providerName))
        {
            return Fail("--provider is required", SendSynopsis);
        }

        if (ProviderProfile.Find(providerName) is not { } provider)
        {
            return Fail($"unknown provider '{providerName}' (expected {string.Join(" or ", ProviderProfile.All.Select(p => p.CommandLineNames[0]))})", SendSynopsis);
        }

        if (!values.TryGetValue("--to", out var to))
        {
            return Fail("--to is required", SendSynopsis);
        }

        if (!values.TryGetValue("--text", out var text))
        {
            return Fail("--text is required", SendSynopsis);
        }

        values.TryGetValue("--reply-to", out var replyTo);
        TimeSpan? wait = null;
        if (values.TryGetValue("--wait", out var waitValue))
        {
            if (!int.TryParse(waitValue, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) || seconds is < 1 or > MaxWaitSeconds)
            {
                return Fail($"--wait: '{waitValue}' is not a whole number of seconds from 1 to {MaxWaitSeconds}", SendSynopsis);
            }

            wait = TimeSpan.FromSeconds(seconds);
        }

        WebhookAddress? webhook = null;
        if (values.ContainsKey("--port"))
        {
            if (wait is null)
            {
                return Fail("--port, --bind and --public-url are for --wait (or listen)", SendSynopsis);
            }

            if (ParseAddress(values, out webhook) is { } error)
            {
                return Fail(error, SendSynopsis);
            }
        }
        else if (values.ContainsKey("--bind") || values.ContainsKey("--public-url"))
        {
            return Fail("--bind and --public-url need --port", SendSynopsis);
        }

        return new ParsedCommandLine(new SendCommand(provider, to, text, replyTo, sandbox, wait, webhook), Help: false, null, SendSynopsis);
    }

    /// <summary>Reads --port, --bind and --public-url; returns what is wrong, or null.</summary>
    private static string? ParseAddress(Dictionary<string, string> values, out WebhookAddress? address)
    {
        address = null;
        var portValue = values["--port"];
        if (!int.TryParse(portValue, NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port > IPEndPoint.MaxPort)
        {
            return $"--port: '{portValue}' is not a port number from 0 to {IPEndPoint.MaxPort}";
        }

        var bind = IPAddress.Loopback;
        if (values.TryGetValue("--bind", out var bindValue) && !string.Equals(bindValue, "localhost", StringComparison.OrdinalIgnoreCase))
        {
            if (!IPAddress.TryParse(bindValue, out var parsed))
            {
                return $"--bind: '{bindValue}' is not an IP address (e.g. 127.0.0.1, 0.0.0.0 or ::)";
            }

            bind = parsed;
        }

        Uri? publicUrl = null;
        if (values.TryGetValue("--public-url", out var urlValue)
            && (!Uri.TryCreate(urlValue, UriKind.Absolute, out publicUrl)
                || publicUrl.Scheme is not ("http" or "https")
                || publicUrl.UserInfo.Length > 0 || publicUrl.Query.Length > 0 || publicUrl.Fragment.Length > 0))
        {
            return $"--public-url: '{urlValue}' is not an http or https URL without query (e.g. https://abc.ngrok.app)";
        }

        address = new WebhookAddress(port, bind, publicUrl);
        return null;
    }

    /// <summary>What <c>--wait</c> does with real credentials and no <c>--port</c>, by what each provider can do.</summary>
    private static IEnumerable<string> WaitWithoutPortHelp()
    {
        const string indent = "                ";
        var canPoll = ProviderProfile.All.ToLookup(p => p.Webhook.RegisterSenderWithPolling is not null, p => p.DisplayName);
        if (canPoll[true].Any())
        {
            yield return $"{indent}Without --port, {string.Join(" and ", canPoll[true])} is polled instead (taking every notification";
            yield return $"{indent}of the instance's queue while it runs).";
        }

        if (canPoll[false].Any())
        {
            yield return $"{indent}{string.Join(" and ", canPoll[false])} cannot wait without --port.";
        }
    }

    private static ParsedCommandLine Fail(string error, string synopsis) => new(null, Help: false, error, synopsis);
}
