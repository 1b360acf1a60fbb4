using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Text;

namespace Messaging.WhatsApp.Tests.Infrastructure;

/// <summary>
/// The encodings a secret can take on its way into a log line, a tag or a message: as is, another letter case,
/// JSON and JavaScript escapes, URL encoding (once and twice), HTML entities, base64 (aligned or not),
/// base64url and hexadecimal. <see cref="Find"/> tells which of them a text contains.
/// </summary>
public static class SecretEncodings
{
    public static readonly IReadOnlyList<(string Name, Func<string, string> Encode)> All =
    [
        ("as is", s => s),
        ("upper case", s => s.ToUpperInvariant()),
        ("lower case", s => s.ToLowerInvariant()),
        ("JSON \\u escapes, lower hex", s => string.Concat(s.Select(c => $"\\u{(int)c:x4}"))),
        ("JSON \\u escapes, upper hex", s => string.Concat(s.Select(c => $"\\u{(int)c:X4}"))),
        ("JSON short escapes", s => s.Replace("\\", "\\\\").Replace("/", "\\/").Replace("\"", "\\\"")),
        ("JavaScript \\x escapes", s => string.Concat(s.Select(c => $"\\x{(int)c:x2}"))),
        ("percent, upper hex", s => string.Concat(Encoding.UTF8.GetBytes(s).Select(b => $"%{b:X2}"))),
        ("percent, lower hex", s => string.Concat(Encoding.UTF8.GetBytes(s).Select(b => $"%{b:x2}"))),
        ("Uri.EscapeDataString", Uri.EscapeDataString),
        ("WebUtility.UrlEncode", s => WebUtility.UrlEncode(s)),
        ("percent, twice", s => Uri.EscapeDataString(string.Concat(Encoding.UTF8.GetBytes(s).Select(b => $"%{b:X2}")))),
        ("HTML decimal entities", s => string.Concat(s.Select(c => $"&#{(int)c};"))),
        ("HTML hex entities", s => string.Concat(s.Select(c => $"&#x{(int)c:X};"))),
        ("WebUtility.HtmlEncode", WebUtility.HtmlEncode),
        ("base64", s => Convert.ToBase64String(Encoding.UTF8.GetBytes(s))),
        ("base64, offset 1", s => Convert.ToBase64String(Encoding.UTF8.GetBytes("x" + s))[4..^4]),
        ("base64, offset 2", s => Convert.ToBase64String(Encoding.UTF8.GetBytes("xy" + s))[4..^4]),
        ("base64url", s => Convert.ToBase64String(Encoding.UTF8.GetBytes(s)).Replace('+', '-').Replace('/', '_').TrimEnd('=')),
        ("hex, lower", s => Convert.ToHexString(Encoding.UTF8.GetBytes(s)).ToLowerInvariant()),
        ("hex, upper", s => Convert.ToHexString(Encoding.UTF8.GetBytes(s))),
    ];

    /// <summary>
    /// The texts among <paramref name="texts"/> that contain <paramref name="secret"/> in any encoding, each with
    /// the encoding's name; empty when none does. Comparisons ignore case.
    /// </summary>
    public static IReadOnlyList<string> Find(string secret, IEnumerable<string> texts)
    {
        var encoded = All.Select(e => (e.Name, Value: e.Encode(secret))).Where(e => e.Value.Length > 0).ToList();
        var found = new List<string>();
        foreach (var text in texts)
        {
            foreach (var (name, value) in encoded)
            {
                if (text.Contains(value, StringComparison.OrdinalIgnoreCase))
                {
                    found.Add($"[{name}] {text}");
                    break;
                }
            }
        }

        return found;
    }
}
