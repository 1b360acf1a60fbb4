namespace Messaging.WhatsApp.Maytapi;

/// <summary>
/// Maytapi's phone states (listPhones' and the <c>status</c> webhook's <c>status</c>) in neutral terms; the one table.
/// </summary>
/// <remarks>
/// | status | state | why |
/// |---|---|---|
/// | <c>active</c> | Ready | "Working phone state" |
/// | <c>loading</c> | Starting | no published meaning; it follows a restart (glific/glific treats it as healthy but sends only through active phones) |
/// | <c>phone-error</c> | Disconnected | "Phone is not connected or battery low like whatsapp warning states": a warning that passes when the phone is back |
/// | <c>qr-code</c>, <c>qr-screen</c> | NeedsLogin | "On qr-code login screen state" (glific/glific reads <c>qr-screen</c>) |
/// | <c>idle</c> | NeedsLogin | "When a phone stays at qr-code for 3 min. it turns to idle state": still logged out |
/// | <c>disabled</c> | Disabled | set while the subscription is suspended (the factoryreset text); re-enabled from the console or by a request to the phone's instance |
/// | anything else (a word in another letter case or with spaces too), or a phone listed without a status | Unknown | not documented (no <c>banned</c> has been observed) |
/// | the phone not listed, listed twice, or its entry naming another product | an error, not a state | the list states no one state of this phone |
/// </remarks>
internal static class MaytapiInstanceStates
{
    public static WhatsAppInstanceState Map(string? status) => status switch
    {
        "active" => WhatsAppInstanceState.Ready,
        "loading" => WhatsAppInstanceState.Starting,
        "phone-error" => WhatsAppInstanceState.Disconnected,
        "qr-code" or "qr-screen" or "idle" => WhatsAppInstanceState.NeedsLogin,
        "disabled" => WhatsAppInstanceState.Disabled,
        _ => WhatsAppInstanceState.Unknown,
    };
}
