using System;
using System.Collections.Generic;
using System.Linq;

namespace Messaging.WhatsApp;

/// <summary>Replaces known secrets (the GREEN-API token, the Maytapi key) in any text with <c>***</c>.</summary>
internal sealed class SecretRedactor
{
    internal const string Mask = "***";

    private readonly string[] _secrets;

    public SecretRedactor(IEnumerable<string?> secrets) =>
        _secrets = secrets
            .Where(s => !string.IsNullOrEmpty(s))
            .SelectMany(s => new[] { s!, Uri.EscapeDataString(s!) })
            .Distinct(StringComparer.Ordinal)
            .OrderByDescending(s => s.Length)
            .ToArray();

    public string Redact(string text)
    {
        foreach (var secret in _secrets)
        {
            text = ReplaceIgnoringCase(text, secret);
        }

        return text;
    }

    public string? RedactOrNull(string? text) => text is null ? null : Redact(text);

    private static string ReplaceIgnoringCase(string text, string secret)
    {
        var at = text.IndexOf(secret, StringComparison.OrdinalIgnoreCase);
        if (at < 0)
        {
            return text;
        }

        var result = new System.Text.StringBuilder(text.Length);
        var from = 0;
        while (at >= 0)
        {
            result.Append(text, from, at - from).Append(Mask);
            from = at + secret.Length;
            at = text.IndexOf(secret, from, StringComparison.OrdinalIgnoreCase);
        }

        return result.Append(text, from, text.Length - from).ToString();
    }
}
