using System;
using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Parsing;
using System.Globalization;
using System.Linq;
using System.Net;
using System.Threading;
using System.Threading.Tasks;

namespace Messaging.WhatsApp.Cli;

/// <summary>Send one text to one chat, and with <see cref="Wait"/> wait for its delivery status.</summary>
/// <param name="Provider">The gateway.</param>
/// <param name="To">The address as typed; parsed later so that its error names it.</param>
/// <param name="Text">The message text.</param>
/// <param name="ReplyTo">The id of a message to quote, or null.</param>
/// <param name="Sandbox">True to send to the embedded sandbox whatever is configured.</param>
/// <param name="Wait">How long to wait for the delivery status after sending, or null not to wait.</param>
/// <param name="Webhook">Where to receive the provider's notifications while waiting (real credentials), or null.</param>
/// <param name="Key">The idempotency key that records the send in the ledger, or null not to record it.</param>
/// <param name="Ledger">The ledger file given with <c>--ledger</c>, or null for the default one.</param>
internal sealed record SendCommand(
    ProviderProfile Provider, string To, string Text, string? ReplyTo, bool Sandbox, TimeSpan? Wait, WebhookAddress? Webhook, string? Key = null, string? Ledger = null);

/// <summary>Print the ledger's record of the sends with an idempotency key, and each one's timeline.</summary>
/// <param name="Key">The key.</param>
/// <param name="Ledger">The ledger file given with <c>--ledger</c>, or null for the default one.</param>
/// <param name="Registration">Only the records of this registration name (an app's ledger), or null for the CLI's own.</param>
internal sealed record StatusCommand(string Key, string? Ledger, string? Registration);

/// <summary>Run the webhook endpoints of every provider with webhook credentials and print their updates.</summary>
/// <param name="Address">Where to listen, and how the gateways reach it.</param>
internal sealed record ListenCommand(WebhookAddress Address);

/// <summary>Ask the gateway whether the instance can send, and print one line.</summary>
/// <param name="Provider">The gateway.</param>
/// <param name="Sandbox">True to ask the embedded sandbox whatever is configured.</param>
internal sealed record StateCommand(ProviderProfile Provider, bool Sandbox);

/// <summary>Where the webhook endpoints listen, and the address the gateways reach them at.</summary>
/// <param name="Port">The local port; 0 picks a free one.</param>
/// <param name="Bind">The local address bound: loopback unless told otherwise.</param>
/// <param name="PublicUrl">The public base URL that forwards to the port (a tunnel), or null for the local address.</param>
internal sealed record WebhookAddress(int Port, IPAddress Bind, Uri? PublicUrl)
{
    /// <summary>A free loopback port, for the sandbox, which posts from this machine.</summary>
    public static WebhookAddress LoopbackEphemeral { get; } = new(0, IPAddress.Loopback, null);
}

/// <summary>
/// <c>whatsapp-send</c>'s command line on System.CommandLine: a send (the root command, no verb, as before
/// <c>listen</c> existed), <c>listen</c>, <c>state</c> or <c>status</c>. The options convert and check their own values; the commands check
/// which options go together. <see cref="Problem"/> turns the first parse error into the CLI's usage line.
/// </summary>
internal static class CommandLine
{
    /// <summary>The verb that runs the webhook endpoints.</summary>
    public const string ListenVerb = "listen";

    /// <summary>The verb that asks the gateway for the instance's state.</summary>
    public const string StateVerb = "state";

    /// <summary>The one-line synopsis of <c>state</c>, quoted after its usage errors.</summary>
    public static readonly string StateSynopsis = $"whatsapp-send state --provider {ProviderProfile.Names} [--sandbox]";

    /// <summary>The verb that prints a key's record from the ledger.</summary>
    public const string StatusVerb = "status";

    /// <summary>The one-line synopsis of a send, quoted after its usage errors.</summary>
    public static readonly string SendSynopsis =
        $"whatsapp-send --provider {ProviderProfile.Names} --to <address> --text <text> [--reply-to <id>] [--sandbox] [--key <key> [--ledger <file>]] [--wait <seconds> [--port <p> --public-url <url> [--bind <ip>]]]";

    /// <summary>The one-line synopsis of <c>listen</c>, quoted after its usage errors.</summary>
    public static readonly string ListenSynopsis =
        "whatsapp-send listen --port <p> [--public-url <url>] [--bind <ip>]";

    /// <summary>The one-line synopsis of <c>status</c>, quoted after its usage errors.</summary>
    public static readonly string StatusSynopsis =
        "whatsapp-send status <key> [--ledger <file>] [--registration <name>]";

    /// <summary>The longest <c>--wait</c>: a day, as long as GREEN-API redelivers a notification.</summary>
    private const int MaxWaitSeconds = 24 * 60 * 60;

    /// <summary>
    /// How the arguments are split. No response files: a text may start with '@' (a mention), which must not
    /// be read as a file name. POSIX bundling stays on, harmless with <c>-h</c> and <c>-?</c> the only short options.
    /// </summary>
    public static ParserConfiguration ParserConfiguration { get; } = new() { ResponseFileTokenReplacer = null };

    /// <summary>Builds the commands, with the actions that run a parsed send, <c>listen</c> or <c>status</c>.</summary>
    /// <param name="send">Runs a send; returns the exit code.</param>
    /// <param name="listen">Runs <c>listen</c>; returns the exit code.</param>
    /// <param name="state">Runs <c>state</c>; returns the exit code.</param>
    /// <param name="status">Runs <c>status</c>; returns the exit code.</param>
    /// <returns>The root command: a send, with <c>listen</c>, <c>state</c> and <c>status</c> as its subcommands.</returns>
    public static RootCommand Create(
        Func<SendCommand, CancellationToken, Task<int>> send,
        Func<ListenCommand, CancellationToken, Task<int>> listen,
        Func<StateCommand, CancellationToken, Task<int>> state,
        Func<StatusCommand, CancellationToken, Task<int>> status)
    {
        var provider = new Option<ProviderProfile>("--provider")
        {
            Description = "The gateway.",
            HelpName = ProviderProfile.Names,
            Required = true,
            CustomParser = ParseProvider,
        };
        provider.CompletionSources.Add(ProviderProfile.All.Select(p => p.CommandLineNames[0]).ToArray());
        var to = new Option<string>("--to")
        {
            Description = "A phone number with country code (+90 530 111 11 11), a chat id (905301111111@c.us), a group id"
                + " (120363238104@g.us), a linked id (…@lid) or a channel id (…@newsletter).",
            HelpName = "address",
            Required = true,
        };
        var text = new Option<string>("--text") { Description = "The message text.", HelpName = "text", Required = true };
        var replyTo = new Option<string>("--reply-to") { Description = "The id of a message in the same chat to quote.", HelpName = "id" };
        var sandbox = new Option<bool>("--sandbox")
        {
            Description = "Send to an embedded sandbox that answers like the provider; no credentials needed.",
        };
        var wait = new Option<TimeSpan?>("--wait")
        {
            Description = $"After sending, wait up to <seconds> (1 to {MaxWaitSeconds}) for the message's delivery status, printing each"
                + " update of it as a JSON line (as listen does). The sandbox posts 'sent' then 'delivered' to a webhook endpoint"
                + " on a free loopback port. With real credentials, --port and --public-url, the provider posts to the webhook"
                + " endpoint (its console must hold the printed URL). " + WaitWithoutPortHelp(),
            HelpName = "seconds",
            CustomParser = ParseWait,
        };
        var (port, bind, publicUrl) = AddressOptions("With --wait and real credentials: the");
        var key = new Option<string>("--key")
        {
            Description = "An idempotency key of yours that names this message (an order id, say), recorded in the ledger"
                + " with the send: a send again with the same key and text sends nothing and prints what was recorded."
                + $" 1 to {SendOptions.MaxIdempotencyKeyLength} characters, not only spaces, no control characters.",
            HelpName = "key",
            CustomParser = ParseKey,
        };
        var ledger = LedgerOption("With --key: the");

        var statusKey = new Argument<string>("key") { Description = "The key the send was given with --key." };
        statusKey.Validators.Add(result =>
        {
            if (result.Tokens.Count > 0 && KeyProblem(result.Tokens[0].Value) is { } problem)
            {
                result.AddError("<key>: " + problem);
            }
        });
        var statusLedger = LedgerOption("The");
        var registration = new Option<string>("--registration")
        {
            Description = "Only the records of this sender registration, in an app's ledger (\"\" for its default sender);"
                + $" default: the CLI's own, the real sends' and the sandbox's ('{CliLedger.SandboxRegistration}').",
            HelpName = "name",
        };
        var statusCommand = new Command(
            StatusVerb,
            "Prints the ledger's record of the sends with <key> (one line each), then its timeline: one line per step"
                + " (time, kind, status, provider status, error).")
        {
            statusKey, statusLedger, registration,
        };
        statusCommand.SetAction((parsed, cancellationToken) =>
            status(new StatusCommand(parsed.GetRequiredValue(statusKey), parsed.GetValue(statusLedger), parsed.GetValue(registration)), cancellationToken));

        var (listenPort, listenBind, listenPublicUrl) = AddressOptions("The");
        listenPort.Required = true;
        var listenCommand = new Command(
            ListenVerb,
            "Runs the webhook endpoint of every provider with a webhook setting; prints 'listening for <provider> at <url>'"
                + " on stderr (the URL to set in its console), then one JSON line per update on stdout, until Ctrl+C or SIGTERM.")
        {
            listenPort, listenBind, listenPublicUrl,
        };

        var (stateCommand, stateProvider) = StateSubcommand(state);

        // The send's options before the verb would be parsed, then ignored.
        foreach (var verb in new[] { listenCommand, statusCommand, stateCommand })
        {
            verb.Validators.Add(result =>
            {
                if (result.Parent is CommandResult root && root.Children.OfType<OptionResult>().FirstOrDefault(o => !o.Implicit) is { } before)
                {
                    result.AddError($"{verb.Name} must come first, before {before.IdentifierToken!.Value}");
                }
            });
        }

        listenCommand.SetAction((parsed, cancellationToken) =>
            listen(new ListenCommand(Address(parsed, listenPort, listenBind, listenPublicUrl)!), cancellationToken));

        var root = new RootCommand(
            "Sends one WhatsApp text message through " + string.Join(" or ", ProviderProfile.All.Select(p => p.DisplayName))
                + ", and receives the delivery statuses of sent messages.")
        {
            provider, to, text, replyTo, sandbox, key, ledger, wait, port, bind, publicUrl, listenCommand, statusCommand,
        };
        root.Validators.Add(result =>
        {
            if (result.GetResult(port) is null)
            {
                if (result.GetResult(bind) is not null || result.GetResult(publicUrl) is not null)
                {
                    result.AddError("--bind and --public-url need --port");
                }
            }
            else if (result.GetResult(wait) is null)
            {
                result.AddError("--port, --bind and --public-url are for --wait (or listen)");
            }

            // A send is recorded only when it has a key: a ledger without one would record what nobody can look up.
            if (result.GetResult(ledger) is not null && result.GetResult(key) is null)
            {
                result.AddError("--ledger is for --key (or status)");
            }
        });
        root.SetAction((parsed, cancellationToken) => send(
            new SendCommand(
                parsed.GetRequiredValue(provider),
                parsed.GetRequiredValue(to),
                parsed.GetRequiredValue(text),
                parsed.GetValue(replyTo),
                parsed.GetValue(sandbox),
                parsed.GetValue(wait),
                Address(parsed, port, bind, publicUrl),
                parsed.GetValue(key),
                parsed.GetValue(ledger)),
            cancellationToken));

        // An option given twice is refused, not resolved to one of its values.
        foreach (var option in new Option[] { provider, to, text, replyTo, key, ledger, wait, port, bind, publicUrl, listenPort, listenBind, listenPublicUrl, statusLedger, registration, stateProvider })
        {
            option.Validators.Add(result =>
            {
                if (result.IdentifierTokenCount > 1)
                {
                    result.AddError($"{result.Option.Name} is given more than once");
                }
            });
        }

        root.Subcommands.Add(stateCommand);

        var help = root.Options.OfType<HelpOption>().Single();
        help.Action = new CliHelpAction((HelpAction)help.Action!);
        return root;
    }

    /// <summary>
    /// What is wrong, as the CLI words it: the first token nothing took, else the first error. System.CommandLine's
    /// own messages (a missing, repeated or value-less option, a stray token) are in the UI culture's language and
    /// its style; they become the CLI's, in English like every other line it prints. The options' parsers and the
    /// commands' validators word theirs already.
    /// </summary>
    /// <param name="result">A parse with errors.</param>
    /// <returns>The problem, for <see cref="Failure.Usage"/>.</returns>
    public static string Problem(ParseResult result)
    {
        if (result.UnmatchedTokens.Count > 0)
        {
            var token = result.UnmatchedTokens[0];
            return token.StartsWith('-') ? $"unknown option {token.Split('=', ':')[0]}" : $"unexpected argument '{token}'";
        }

        var error = result.Errors[0];
        return error.SymbolResult switch
        {
            OptionResult { Implicit: true } option => $"{option.Option.Name} is required",
            OptionResult { IdentifierTokenCount: > 1 } option => $"{option.Option.Name} is given more than once",
            OptionResult { Tokens.Count: 0, Option.Arity.MinimumNumberOfValues: > 0 } option => $"{option.Option.Name} needs a value",
            ArgumentResult { Tokens.Count: 0, Parent: CommandResult command } argument => $"{command.Command.Name} needs its <{argument.Argument.Name}>",
            _ => error.Message.TrimEnd('.'),
        };
    }

    /// <summary>The synopsis of the command the arguments meant.</summary>
    /// <param name="result">The parse.</param>
    /// <returns><see cref="ListenSynopsis"/>, <see cref="StateSynopsis"/>, <see cref="StatusSynopsis"/> or <see cref="SendSynopsis"/>.</returns>
    public static string SynopsisOf(ParseResult result) => result.CommandResult.Command.Name switch
    {
        ListenVerb => ListenSynopsis,
        StateVerb => StateSynopsis,
        StatusVerb => StatusSynopsis,
        _ => SendSynopsis,
    };

    /// <summary>
    /// What is wrong with an idempotency key, by the rule of <see cref="SendOptions.IdempotencyKey"/>, or null: checked
    /// here so that a bad key is a usage error before the ledger is opened.
    /// </summary>
    /// <param name="key">The key.</param>
    /// <returns>The problem, or null.</returns>
    public static string? KeyProblem(string key)
    {
        if (string.IsNullOrWhiteSpace(key) || key.Length > SendOptions.MaxIdempotencyKeyLength)
        {
            return $"must be 1 to {SendOptions.MaxIdempotencyKeyLength} characters, not only white space (has {key.Length})";
        }

        return key.Any(char.IsControl) ? "must not contain control characters" : null;
    }

    /// <summary>--ledger, for a send or status; <paramref name="context"/> starts its description.</summary>
    private static Option<string> LedgerOption(string context) =>
        new("--ledger")
        {
            Description = context + $" SQLite file of the message ledger; default {CliLedger.DefaultPath}.",
            HelpName = "file",
            CustomParser = ParseLedger,
        };

    /// <summary>
    /// <c>state --provider &lt;p&gt; [--sandbox]</c>: the instance's state, asked of the gateway with the send's settings.
    /// Returns its --provider too, which is refused when given twice like every other option.
    /// </summary>
    private static (Command Command, Option<ProviderProfile> Provider) StateSubcommand(Func<StateCommand, CancellationToken, Task<int>> state)
    {
        var provider = new Option<ProviderProfile>("--provider")
        {
            Description = "The gateway.",
            HelpName = ProviderProfile.Names,
            Required = true,
            CustomParser = ParseProvider,
        };
        var sandbox = new Option<bool>("--sandbox") { Description = "Ask the embedded sandbox, which answers like the provider; no credentials needed." };
        var command = new Command(
            StateVerb,
            "Asks the gateway whether the instance can send (GREEN-API getStateInstance, Maytapi listPhones), with the settings a send uses,"
                + " and prints '<provider> <state> (<the provider's word>)'. Exit 0: ready; 9: it cannot send now; 10: the gateway could not be asked.")
        {
            provider, sandbox,
        };
        command.SetAction((parsed, cancellationToken) =>
            state(new StateCommand(parsed.GetRequiredValue(provider), parsed.GetValue(sandbox)), cancellationToken));
        return (command, provider);
    }

    /// <summary>--port, --bind and --public-url, for a send's wait or for listen; <paramref name="context"/> starts their descriptions.</summary>
    private static (Option<int?> Port, Option<IPAddress> Bind, Option<Uri> PublicUrl) AddressOptions(string context)
    {
        var port = new Option<int?>("--port")
        {
            Description = context + " local port of the webhook endpoint; 0 picks a free one.",
            HelpName = "p",
            CustomParser = ParsePort,
        };
        var bind = new Option<IPAddress>("--bind")
        {
            Description = context + " local address to listen on: 127.0.0.1 (default: this machine only, enough for a"
                + " tunnel), or 0.0.0.0 or :: for every interface.",
            HelpName = "ip",
            CustomParser = ParseBind,
        };
        var publicUrl = new Option<Uri>("--public-url")
        {
            Description = context + " address the providers reach the port at, e.g. https://abc.ngrok.app from"
                + " 'ngrok http <port>'; default the local address, which only this machine reaches.",
            HelpName = "url",
            CustomParser = ParsePublicUrl,
        };
        return (port, bind, publicUrl);
    }

    private static WebhookAddress? Address(ParseResult parsed, Option<int?> port, Option<IPAddress> bind, Option<Uri> publicUrl) =>
        parsed.GetValue(port) is { } number
            ? new WebhookAddress(number, parsed.GetValue(bind) ?? IPAddress.Loopback, parsed.GetValue(publicUrl))
            : null;

    private static ProviderProfile? ParseProvider(ArgumentResult result) =>
        ProviderProfile.Find(Value(result)) is { } provider
            ? provider
            : Fail<ProviderProfile>(
                result,
                $"unknown provider '{Value(result)}' (expected {string.Join(" or ", ProviderProfile.All.Select(p => p.CommandLineNames[0]))})");

    private static string? ParseKey(ArgumentResult result) =>
        KeyProblem(Value(result)) is { } problem ? Fail<string>(result, "--key: " + problem) : Value(result);

    private static string? ParseLedger(ArgumentResult result)
    {
        var path = Value(result);
        try
        {
            return path.Trim().Length > 0 && !path.EndsWith(System.IO.Path.DirectorySeparatorChar) && !path.EndsWith(System.IO.Path.AltDirectorySeparatorChar)
                ? System.IO.Path.GetFullPath(path)
                : Fail<string>(result, $"--ledger: '{path}' is not a file name");
        }
        catch (Exception e) when (e is ArgumentException or NotSupportedException or System.IO.PathTooLongException)
        {
            return Fail<string>(result, $"--ledger: '{path}' is not a file name ({e.Message.TrimEnd('.')})");
        }
    }

    private static TimeSpan? ParseWait(ArgumentResult result) =>
        int.TryParse(Value(result), NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) && seconds is >= 1 and <= MaxWaitSeconds
            ? TimeSpan.FromSeconds(seconds)
            : Fail<TimeSpan?>(result, $"--wait: '{Value(result)}' is not a whole number of seconds from 1 to {MaxWaitSeconds}");

    private static int? ParsePort(ArgumentResult result) =>
        int.TryParse(Value(result), NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port <= IPEndPoint.MaxPort
            ? port
            : Fail<int?>(result, $"--port: '{Value(result)}' is not a port number from 0 to {IPEndPoint.MaxPort}");

    private static IPAddress? ParseBind(ArgumentResult result) =>
        string.Equals(Value(result), "localhost", StringComparison.OrdinalIgnoreCase) ? IPAddress.Loopback
        : IPAddress.TryParse(Value(result), out var address) ? address
        : Fail<IPAddress>(result, $"--bind: '{Value(result)}' is not an IP address (e.g. 127.0.0.1, 0.0.0.0 or ::)");

    private static Uri? ParsePublicUrl(ArgumentResult result) =>
        Uri.TryCreate(Value(result), UriKind.Absolute, out var url)
            && url.Scheme is "http" or "https"
            && url.UserInfo.Length == 0 && url.Query.Length == 0 && url.Fragment.Length == 0
            ? url
            : Fail<Uri>(result, $"--public-url: '{Value(result)}' is not an http or https URL without query (e.g. https://abc.ngrok.app)");

    /// <summary>The option's one value: its arity has been checked before the parser runs.</summary>
    private static string Value(ArgumentResult result) => result.Tokens[0].Value;

    /// <summary>Reports what is wrong with the value; the parse then has this error.</summary>
    private static T? Fail<T>(ArgumentResult result, string problem)
    {
        result.AddError(problem);
        return default;
    }

    /// <summary>What <c>--wait</c> does with real credentials and no <c>--port</c>, by what each provider can do.</summary>
    private static string WaitWithoutPortHelp()
    {
        var canPoll = ProviderProfile.All.ToLookup(p => p.Webhook.RegisterSenderWithPolling is not null, p => p.DisplayName);
        var polled = canPoll[true].Any()
            ? $"Without --port, {string.Join(" and ", canPoll[true])} is polled instead (taking every notification of the instance's queue while it runs). "
            : string.Empty;
        var cannot = canPoll[false].Any() ? $"{string.Join(" and ", canPoll[false])} cannot wait without --port." : string.Empty;
        return (polled + cannot).TrimEnd();
    }
}
