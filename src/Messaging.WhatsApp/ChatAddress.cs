using System;
using System.Diagnostics.CodeAnalysis;

namespace Messaging.WhatsApp;

/// <summary>
/// A WhatsApp chat: a person, a group, a linked id or a channel. Accepts what people type and renders the
/// form each provider wants.
/// </summary>
/// <remarks>
/// Accepted forms: a phone number with country code, with or without <c>+</c>, spaces, dashes, dots or
/// parentheses (<c>+90 530 111 11 11</c>, <c>905301111111</c>); a personal chat id
/// (<c>905301111111@c.us</c>); a group id old style (<c>905301111111-1574073754@g.us</c>) or new style
/// (<c>120363238104@g.us</c>); a linked id (<c>123456789012345@lid</c>); a channel id
/// (<c>120363025246125888@newsletter</c>). A phone number has 7 to 15 digits (E.164) and starts with its
/// country code; <c>00</c> in front of it is read as <c>+</c>, and a number starting with a single
/// <c>0</c> (a national number) is refused.
/// </remarks>
public readonly record struct ChatAddress
{
    /// <summary>The accepted forms, as quoted in error messages. A property, not a constant, so that the
    /// wording can improve without breaking callers compiled against it.</summary>
    public static string AcceptedForms { get; } =
        "a phone number with country code (+90 530 111 11 11, 0090 530 111 11 11 or 905301111111), a chat id (905301111111@c.us), " +
        "a group id (905301111111-1574073754@g.us or 120363238104@g.us), a linked id (123456789012345@lid) " +
        "or a channel id (120363025246125888@newsletter)";

    private const int MinPhoneDigits = 7;
    private const int MaxPhoneDigits = 15;

    private readonly string? _id;

    private ChatAddress(ChatAddressKind kind, string id)
    {
        Kind = kind;
        _id = id;
    }

    /// <summary>What the address points at; <see cref="ChatAddressKind.None"/> for <c>default</c>.</summary>
    public ChatAddressKind Kind { get; }

    /// <summary>
    /// The canonical chat id with its suffix, e.g. <c>905301111111@c.us</c>; empty for <c>default</c>.
    /// </summary>
    public string Id => _id ?? string.Empty;

    /// <summary>The part before <c>@</c>: the phone number of a person, the group or channel number.</summary>
    public string User => Id.Length == 0 ? string.Empty : Id.Substring(0, Id.IndexOf('@'));

    /// <summary>Parses what a person typed, or throws.</summary>
    /// <param name="input">The address.</param>
    /// <returns>The parsed address.</returns>
    /// <exception cref="FormatException">The input is not one of the <see cref="AcceptedForms"/>; the message names it.</exception>
    public static ChatAddress Parse(string input) =>
        TryParse(input, out var address)
            ? address
            : throw new FormatException($"'{input}' is not a WhatsApp chat address. Accepted: {AcceptedForms}.");

    /// <summary>Parses what a person typed.</summary>
    /// <param name="input">The address.</param>
    /// <param name="address">The parsed address, or <c>default</c>.</param>
    /// <returns>True when <paramref name="input"/> is one of the <see cref="AcceptedForms"/>.</returns>
    public static bool TryParse([NotNullWhen(true)] string? input, out ChatAddress address)
    {
        address = default;
        if (input is null || string.IsNullOrWhiteSpace(input))
        {
            return false;
        }

        var text = input.Trim();
        var at = text.IndexOf('@');
        if (at < 0)
        {
            return TryParsePhone(text, out address);
        }

        var user = text.Substring(0, at);
        var server = text.Substring(at + 1).ToLowerInvariant();
        switch (server)
        {
            case "c.us" when IsPhoneDigits(user):
                address = new ChatAddress(ChatAddressKind.Person, user + "@c.us");
                return true;
            case "g.us" when IsGroupUser(user):
                address = new ChatAddress(ChatAddressKind.Group, user + "@g.us");
                return true;
            case "lid" when Guard.IsAsciiDigits(user):
                address = new ChatAddress(ChatAddressKind.LinkedId, user + "@lid");
                return true;
            case "newsletter" when Guard.IsAsciiDigits(user):
                address = new ChatAddress(ChatAddressKind.Channel, user + "@newsletter");
                return true;
            default:
                return false;
        }
    }

    /// <summary>The canonical chat id, e.g. <c>905301111111@c.us</c>.</summary>
    /// <returns><see cref="Id"/>.</returns>
    public override string ToString() => Id;

    private static bool TryParsePhone(string text, out ChatAddress address)
    {
        address = default;
        var digits = new char[MaxPhoneDigits + 2];
        var count = 0;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (Guard.IsAsciiDigit(c))
            {
                if (count == digits.Length)
                {
                    return false;
                }

                digits[count++] = c;
            }
            else if (c == '+' && i == 0)
            {
                continue;
            }
            else if (c is not (' ' or '-' or '.' or '(' or ')'))
            {
                return false;
            }
        }

        // 00 is the international call prefix people type instead of +. After it, or after +, comes the
        // country code, which never starts with 0: a number that does is national, without a country code.
        var start = text[0] != '+' && count >= 2 && digits[0] == '0' && digits[1] == '0' ? 2 : 0;
        var length = count - start;
        if (length is < MinPhoneDigits or > MaxPhoneDigits || digits[start] == '0')
        {
            return false;
        }

        address = new ChatAddress(ChatAddressKind.Person, new string(digits, start, length) + "@c.us");
        return true;
    }

    private static bool IsPhoneDigits(string user) =>
        user.Length is >= MinPhoneDigits and <= MaxPhoneDigits && Guard.IsAsciiDigits(user);

    private static bool IsGroupUser(string user)
    {
        var dash = user.IndexOf('-');
        return dash < 0
            ? Guard.IsAsciiDigits(user)
            : Guard.IsAsciiDigits(user.Substring(0, dash)) && Guard.IsAsciiDigits(user.Substring(dash + 1));
    }
}
