using System;

namespace Messaging.WhatsApp;

/// <summary>
/// What is known of one sender's instance: its state in neutral terms, the gateway's own word for it, and when and how
/// it was learned. Never carries a credential.
/// </summary>
/// <param name="Provider">The gateway.</param>
/// <param name="RegistrationName">The name the sender was registered under: "" for the default one.</param>
/// <param name="Instance">The gateway's id of the instance, never a credential: GREEN-API's <c>idInstance</c>, Maytapi's
/// <c>ProductId/PhoneId</c>.</param>
/// <param name="State">The state in neutral terms.</param>
/// <param name="ProviderState">The gateway's word (<c>notAuthorized</c>, <c>qr-code</c>, …), with a credential it echoes
/// masked; null when it stated none
/// (GREEN-API's <c>null</c> while an instance is being created, a Maytapi phone listed without a status) or nothing was
/// learned yet.</param>
/// <param name="LearnedAt">When the gateway stated it (a notification's own time when it has one), or null when never learned.</param>
/// <param name="Source">How it was learned.</param>
public sealed record WhatsAppInstanceStatus(
    WhatsAppProvider Provider,
    string RegistrationName,
    string Instance,
    WhatsAppInstanceState State,
    string? ProviderState,
    DateTimeOffset? LearnedAt,
    WhatsAppInstanceStateSource Source)
{
    /// <summary>True when the instance is <see cref="WhatsAppInstanceState.Ready"/>: sends go out.</summary>
    public bool CanSend => State == WhatsAppInstanceState.Ready;

    /// <summary>Nothing learned yet about an instance.</summary>
    internal static WhatsAppInstanceStatus NotLearned(WhatsAppProvider provider, string registrationName, string instance) =>
        new(provider, registrationName, instance, WhatsAppInstanceState.Unknown, null, null, WhatsAppInstanceStateSource.None);

    /// <summary>Describes it in one line, e.g. <c>GREEN-API instance 1101000001: NeedsLogin (notAuthorized), learned 2026-01-01T10:00:00Z by Notification</c>.</summary>
    /// <returns>The description.</returns>
    public override string ToString() =>
        $"{Provider.DisplayName} instance {Instance}{(RegistrationName.Length == 0 ? string.Empty : " ('" + RegistrationName + "')")}: "
        + (LearnedAt is { } at
            ? $"{State} ({ProviderState ?? "no state stated"}), learned {at.UtcDateTime:yyyy-MM-ddTHH:mm:ssZ} by {Source}"
            : "not learned yet");
}
