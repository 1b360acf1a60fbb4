namespace Messaging.WhatsApp;

/// <summary>What a <see cref="ChatAddress"/> points at.</summary>
public enum ChatAddressKind
{
    /// <summary>No address: the default value of <see cref="ChatAddress"/>.</summary>
    None = 0,

    /// <summary>A person, by phone number (<c>905301111111@c.us</c>).</summary>
    Person,

    /// <summary>A group, old style (<c>905301111111-1574073754@g.us</c>) or new style (<c>120363238104@g.us</c>).</summary>
    Group,

    /// <summary>A linked id that hides the phone number (<c>123456789012345@lid</c>).</summary>
    LinkedId,

    /// <summary>A channel (<c>120363025246125888@newsletter</c>). Not every gateway sends to channels.</summary>
    Channel,
}
