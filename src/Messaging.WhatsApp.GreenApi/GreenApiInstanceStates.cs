namespace Messaging.WhatsApp.GreenApi;

/// <summary>
/// GREEN-API's instance states (getStateInstance's and <c>stateInstanceChanged</c>'s <c>stateInstance</c>) in neutral
/// terms; the one table.
/// </summary>
/// <remarks>
/// | stateInstance | state | why |
/// |---|---|---|
/// | <c>authorized</c> | Ready | "Instance is authorized" |
/// | <c>starting</c> | Starting | "in the process of starting up (service mode) … up to 5 minutes" |
/// | JSON <c>null</c> (the whole answer) | Starting | "the instance is still being created … until you receive the notAuthorized status" |
/// | <c>sleepMode</c> | Disconnected | "possible when the phone is switched off"; back to authorized once it is on (an outdated state) |
/// | <c>notAuthorized</c> | NeedsLogin | not linked: scan the QR code; sends queue for 24 hours and are not delivered |
/// | <c>yellowCard</c>, <c>suspended</c> | Restricted | sending "partially or completely suspended … due to spamming activity"; a reboot is needed |
/// | <c>blocked</c> | Blocked | "Instance banned" |
/// | anything else (<c>pendingPassword</c>, a new word, a word in another letter case or with spaces) | Unknown | not documented for WhatsApp; only the documented words, exactly, are known |
/// | an answer without <c>stateInstance</c> | an error, not a state | it states nothing (<c>{"code":401}</c> with 200 is the refused token) |
/// </remarks>
internal static class GreenApiInstanceStates
{
    /// <summary>The neutral state of <paramref name="stateInstance"/>; <paramref name="nullAnswer"/> for a JSON <c>null</c> answer.</summary>
    public static WhatsAppInstanceState Map(string? stateInstance, bool nullAnswer = false) =>
        nullAnswer ? WhatsAppInstanceState.Starting : stateInstance switch
        {
            "authorized" => WhatsAppInstanceState.Ready,
            "starting" => WhatsAppInstanceState.Starting,
            "sleepMode" => WhatsAppInstanceState.Disconnected,
            "notAuthorized" => WhatsAppInstanceState.NeedsLogin,
            "yellowCard" or "suspended" => WhatsAppInstanceState.Restricted,
            "blocked" => WhatsAppInstanceState.Blocked,
            _ => WhatsAppInstanceState.Unknown,
        };
}
