using System;

namespace Messaging.WhatsApp;

/// <summary>
/// A WhatsApp gateway. Each provider package defines its own, as a static <c>Provider</c> of its options type;
/// two values are equal when their <see cref="Name"/> is.
/// </summary>
public sealed class WhatsAppProvider : IEquatable<WhatsAppProvider>
{
    /// <summary>Describes a gateway.</summary>
    /// <param name="name">The stable name used in telemetry and configuration: lower-case letters, digits and
    /// dashes, e.g. <c>my-gateway</c>.</param>
    /// <param name="displayName">The name as people write it, e.g. <c>My Gateway</c>.</param>
    /// <exception cref="ArgumentException">The name is not of that form, or a name is empty.</exception>
    public WhatsAppProvider(string name, string displayName)
    {
        Guard.NotNullOrWhiteSpace(displayName);
        if (string.IsNullOrEmpty(name) || !IsStableName(name))
        {
            throw new ArgumentException("The name must be lower-case letters, digits and dashes, such as my-gateway.", nameof(name));
        }

        Name = name;
        DisplayName = displayName;
    }

    /// <summary>The stable name, e.g. <c>my-gateway</c>.</summary>
    public string Name { get; }

    /// <summary>The name as people write it, e.g. <c>My Gateway</c>.</summary>
    public string DisplayName { get; }

    /// <summary>Whether two values name the same gateway.</summary>
    /// <param name="left">One.</param>
    /// <param name="right">The other.</param>
    /// <returns>True when both are null or have the same <see cref="Name"/>.</returns>
    public static bool operator ==(WhatsAppProvider? left, WhatsAppProvider? right) =>
        left is null ? right is null : left.Equals(right);

    /// <summary>Whether two values name different gateways.</summary>
    /// <param name="left">One.</param>
    /// <param name="right">The other.</param>
    /// <returns>The opposite of <c>==</c>.</returns>
    public static bool operator !=(WhatsAppProvider? left, WhatsAppProvider? right) => !(left == right);

    /// <inheritdoc />
    public bool Equals(WhatsAppProvider? other) => other is not null && string.Equals(Name, other.Name, StringComparison.Ordinal);

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as WhatsAppProvider);

    /// <inheritdoc />
    public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(Name);

    /// <summary>The display name.</summary>
    /// <returns><see cref="DisplayName"/>.</returns>
    public override string ToString() => DisplayName;

    private static bool IsStableName(string name)
    {
        foreach (var c in name)
        {
            if (c is not ((>= 'a' and <= 'z') or (>= '0' and <= '9') or '-'))
            {
                return false;
            }
        }

        return true;
    }
}
