namespace Messaging.WhatsApp;

/// <summary>
/// Whether a gateway instance (the WhatsApp phone session behind a sender) can send, in terms that are the same for
/// every gateway. Each provider package maps its own words to these (GREEN-API's getStateInstance and
/// <c>stateInstanceChanged</c>, Maytapi's listPhones and <c>status</c>); <see cref="WhatsAppInstanceStatus.ProviderState"/>
/// keeps the gateway's word.
/// </summary>
public enum WhatsAppInstanceState
{
    /// <summary>Not known: never learned, or a word the library does not know.</summary>
    Unknown = 0,

    /// <summary>Linked and working: sends go out (GREEN-API <c>authorized</c>, Maytapi <c>active</c>).</summary>
    Ready = 1,

    /// <summary>
    /// Starting, restarting, syncing or being created: sends wait and go out once it is ready, usually within minutes
    /// (GREEN-API <c>starting</c> and a <c>null</c> answer, Maytapi <c>loading</c>).
    /// </summary>
    Starting = 2,

    /// <summary>
    /// The phone is off or has lost its connection: sends wait until it is back (GREEN-API <c>sleepMode</c>, Maytapi
    /// <c>phone-error</c>).
    /// </summary>
    Disconnected = 3,

    /// <summary>
    /// Not linked to a WhatsApp account (logged out): nothing is sent until someone scans the QR code (GREEN-API
    /// <c>notAuthorized</c>, Maytapi <c>qr-code</c>, <c>qr-screen</c>, <c>idle</c>).
    /// </summary>
    NeedsLogin = 4,

    /// <summary>
    /// WhatsApp has restricted sending for a while (spam suspicion): sends are not delivered until the restriction ends
    /// or the instance is rebooted (GREEN-API <c>yellowCard</c>, <c>suspended</c>).
    /// </summary>
    Restricted = 5,

    /// <summary>WhatsApp has banned the number: nothing is sent until it is unblocked (GREEN-API <c>blocked</c>).</summary>
    Blocked = 6,

    /// <summary>
    /// The gateway has switched the instance off (Maytapi <c>disabled</c>: the subscription or trial is suspended):
    /// nothing is sent until it is re-enabled.
    /// </summary>
    Disabled = 7,
}
