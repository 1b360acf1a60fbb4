namespace Messaging.WhatsApp.Cli;

/// <summary>The process exit codes of <c>whatsapp-send</c>; scripts branch on them.</summary>
internal static class ExitCodes
{
    /// <summary>
    /// The gateway accepted the message; with <c>--wait</c>, it also reported it delivered, read or played.
    /// <c>listen</c> stopped by Ctrl+C or SIGTERM; <c>--help</c>. A send again with a <c>--key</c> whose message the
    /// gateway accepted before (nothing sent now); <c>status</c> found a record.
    /// </summary>
    public const int Success = 0;

    /// <summary>Any other failure.</summary>
    public const int Failed = 1;

    /// <summary>
    /// Bad or missing option, bad address, an argument the provider forbids, or bad configuration; or a <c>--key</c>
    /// the ledger holds for another text. Nothing was sent.
    /// </summary>
    public const int Usage = 2;

    /// <summary>The gateway refused the credentials. Fix the configuration.</summary>
    public const int AuthenticationFailed = 3;

    /// <summary>The gateway refused the request as invalid. Nothing was sent; resending the same will not help.</summary>
    public const int RequestRejected = 4;

    /// <summary>
    /// Rate limit, quota, instance not ready (or, with fail-fast on, known to be unable to send) or no connection; or the
    /// ledger cannot be written, or a send with the same <c>--key</c> is still in flight. Nothing was sent; try again later.
    /// </summary>
    public const int TryLater = 5;

    /// <summary>The message may have been sent (now, or by an earlier send with the same <c>--key</c>). Check before sending again.</summary>
    public const int OutcomeUnknown = 6;

    /// <summary>
    /// <c>--wait</c>: the message was accepted, then the gateway reported it failed (the update's error says why)
    /// or deleted. It will not be delivered as sent.
    /// </summary>
    public const int NotDelivered = 7;

    /// <summary>
    /// <c>--wait</c>: the message was accepted, but neither a delivery nor a failure was reported before the wait
    /// ended (its time ran out, or Ctrl+C). It may still be delivered: do not resend blindly.
    /// </summary>
    public const int NoFinalStatus = 8;

    /// <summary><c>state</c>: the gateway answered, and the instance cannot send now (any state but ready; the line says which).</summary>
    public const int CannotSend = 9;

    /// <summary><c>state</c>: the gateway could not be asked, or did not answer with a state (the line says why).</summary>
    public const int CouldNotAsk = 10;

    /// <summary><c>status</c>: the ledger has no record of a send with the key (or there is no ledger file).</summary>
    public const int NoRecord = 11;
}
