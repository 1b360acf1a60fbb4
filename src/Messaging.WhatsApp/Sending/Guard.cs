using System;
using System.Runtime.CompilerServices;

namespace Messaging.WhatsApp;

/// <summary>Argument checks that work on every target framework, netstandard2.0 included.</summary>
internal static class Guard
{
    public static T NotNull<T>(T? value, [CallerArgumentExpression(nameof(value))] string? name = null)
        where T : class =>
        value ?? throw new ArgumentNullException(name);

    public static string NotNullOrEmpty(string? value, [CallerArgumentExpression(nameof(value))] string? name = null) =>
        value is null ? throw new ArgumentNullException(name)
        : value.Length == 0 ? throw new ArgumentException("The value cannot be an empty string.", name)
        : value;

    public static string NotNullOrWhiteSpace(string? value, [CallerArgumentExpression(nameof(value))] string? name = null) =>
        value is null ? throw new ArgumentNullException(name)
        : string.IsNullOrWhiteSpace(value) ? throw new ArgumentException("The value cannot be empty or white space.", name)
        : value;

    public static bool IsAsciiDigit(char c) => c is >= '0' and <= '9';

    public static bool IsAsciiDigits(string s)
    {
        if (s.Length == 0)
        {
            return false;
        }

        foreach (var c in s)
        {
            if (!IsAsciiDigit(c))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>The address with a trailing '/', which a base address with a path needs.</summary>
    public static Uri WithTrailingSlash(Uri address) =>
        address.AbsoluteUri.EndsWith("/", StringComparison.Ordinal) ? address : new Uri(address.AbsoluteUri + "/");
}
