using System;
using System.Collections.Generic;
using System.Linq;
using Messaging.WhatsApp.Ledger;
using Microsoft.Extensions.Options;

namespace Messaging.WhatsApp.Cli;

/// <summary>One failure as the CLI reports it: an exit code and one line for stderr.</summary>
/// <param name="ExitCode">The exit code, one of <see cref="ExitCodes"/>.</param>
/// <param name="Line">The line, starting with <c>failed: </c>.</param>
internal sealed record Failure(int ExitCode, string Line)
{
    /// <summary>A usage error: the problem and the synopsis, on one line.</summary>
    /// <param name="problem">What is wrong with the arguments.</param>
    /// <param name="synopsis">The synopsis of the command the arguments meant.</param>
    /// <returns>The failure.</returns>
    public static Failure Usage(string problem, string synopsis) =>
        new(ExitCodes.Usage, $"failed: {problem}. usage: {synopsis}");

    /// <summary>
    /// Maps an exception to its exit code and line. Only the exception's message is used (never a stack
    /// trace), and <paramref name="secrets"/> are masked in it as a second line of defence: the SDK already
    /// keeps them out of its messages.
    /// </summary>
    /// <param name="exception">What was thrown.</param>
    /// <param name="secrets">Configured secret values to mask.</param>
    /// <returns>The failure.</returns>
    public static Failure From(Exception exception, IEnumerable<string?> secrets)
    {
        ArgumentNullException.ThrowIfNull(exception);
        var (code, message) = exception switch
        {
            OptionsValidationException e => (ExitCodes.Usage, "configuration: " + e.Message),
            AggregateException e when e.InnerExceptions.All(i => i is OptionsValidationException) =>
                (ExitCodes.Usage, "configuration: " + string.Join("; ", e.InnerExceptions.Select(i => i.Message))),
            WhatsAppArgumentException e => (ExitCodes.Usage, e.Message),
            WhatsAppAuthenticationException e => (ExitCodes.AuthenticationFailed, e.Message + " Check the credentials."),
            WhatsAppRequestRejectedException e => (ExitCodes.RequestRejected, e.Message),
            WhatsAppRateLimitedException or WhatsAppQuotaExceededException
                or WhatsAppInstanceNotReadyException or WhatsAppInstanceUnavailableException or WhatsAppConnectionFailedException => (ExitCodes.TryLater, exception.Message + " Try again later."),
            WhatsAppOutcomeUnknownException e => (ExitCodes.OutcomeUnknown, e.Message + " Check the chat before sending again."),
            // The ledger's answers to a send with --key; their messages say what to do.
            WhatsAppIdempotencyConflictException e => (ExitCodes.Usage, e.Message),
            WhatsAppSendInProgressException e => (ExitCodes.TryLater, e.Message),
            WhatsAppLedgerUnavailableException e => (ExitCodes.TryLater, $"{e.Message} ({e.GetBaseException().Message.TrimEnd('.')})"),
            WhatsAppException e => (ExitCodes.Failed, e.Message),
            OperationCanceledException => (ExitCodes.OutcomeUnknown, "cancelled; the message may have been sent. Check the chat before sending again."),
            _ => (ExitCodes.Failed, $"unexpected error ({exception.GetType().Name}): {exception.Message}"),
        };

        return new Failure(code, "failed: " + Mask(OneLine(message), secrets));
    }

    /// <summary>A configuration error found while building the services (e.g. a value that does not convert).</summary>
    /// <param name="exception">What was thrown.</param>
    /// <param name="secrets">Configured secret values to mask.</param>
    /// <returns>The failure.</returns>
    public static Failure Configuration(InvalidOperationException exception, IEnumerable<string?> secrets) =>
        new(ExitCodes.Usage, "failed: configuration: " + Mask(OneLine(exception.Message), secrets));

    private static string OneLine(string message) =>
        string.Join(' ', message.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));

    private static string Mask(string message, IEnumerable<string?> secrets)
    {
        foreach (var secret in secrets)
        {
            if (!string.IsNullOrEmpty(secret))
            {
                message = message.Replace(secret, "***", StringComparison.Ordinal);
            }
        }

        return message;
    }
}
