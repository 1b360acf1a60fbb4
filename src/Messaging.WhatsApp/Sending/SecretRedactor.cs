using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;

namespace Messaging.WhatsApp;

/// <summary>
/// Replaces known secrets (tokens and keys of the gateways, webhook secrets) in any text with
/// <c>***</c>, in whatever form a server could echo them: as they are in any letter case; escaped as JSON
/// (<c>\u002B</c>, <c>\/</c>), JavaScript (<c>\x2B</c>), URLs (<c>%2B</c>, <c>%2b</c>) or HTML/XML
/// (<c>&amp;#43;</c>, <c>&amp;#x2B;</c>, <c>&amp;amp;</c>), and any nesting of those up to four deep (a
/// percent-encoded token inside a JSON string); and as base64 (standard or URL alphabet, at any alignment
/// inside a longer encoded text) or hexadecimal of its UTF-8 bytes.
/// </summary>
/// <remarks>
/// Each escaped form is decoded into a view of the text that remembers where every character came from, so
/// that a match in the decoded view masks exactly the characters of the original that spell the secret.
/// </remarks>
internal sealed class SecretRedactor
{
    internal const string Mask = "***";

    private const int MaxLayers = 4;

    /// <summary>Encoded forms shorter than this are not searched for: they would mask unrelated text.</summary>
    private const int MinEncodedLength = 8;

    private readonly string[] _secrets;
    private readonly string[] _encoded;

    public SecretRedactor(IEnumerable<string?> secrets)
    {
        _secrets = secrets
            .Where(s => !string.IsNullOrEmpty(s))
            .Select(s => s!)
            .Distinct(StringComparer.OrdinalIgnoreCase)
            .ToArray();
        _encoded = _secrets
            .SelectMany(EncodedForms)
            .Where(e => e.Length >= MinEncodedLength)
            .Distinct(StringComparer.Ordinal)
            .ToArray();
    }

    public string Redact(string text)
    {
        if (_secrets.Length == 0 || text.Length == 0)
        {
            return text;
        }

        var masked = new bool[text.Length];
        var found = false;
        var view = View.Of(text);
        for (var layer = 0; layer < MaxLayers && view is not null; layer++)
        {
            foreach (var secret in _secrets)
            {
                found |= view.MarkAll(secret, StringComparison.OrdinalIgnoreCase, masked);
            }

            foreach (var encoded in _encoded)
            {
                found |= view.MarkAll(encoded, StringComparison.Ordinal, masked);
            }

            view = view.DecodeOnce();
        }

        return found ? Apply(text, masked) : text;
    }

    public string? RedactOrNull(string? text) => text is null ? null : Redact(text);

    private static string Apply(string text, bool[] masked)
    {
        var result = new StringBuilder(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            if (!masked[i])
            {
                result.Append(text[i]);
            }
            else if (i == 0 || !masked[i - 1])
            {
                result.Append(Mask);
            }
        }

        return result.ToString();
    }

    /// <summary>
    /// The base64 forms of the secret that do not depend on the bytes around it (for each of the three
    /// alignments, the characters made only of the secret's bits), in both alphabets, and its hexadecimal.
    /// </summary>
    private static IEnumerable<string> EncodedForms(string secret)
    {
        var bytes = Encoding.UTF8.GetBytes(secret);
        for (var offset = 0; offset < 3; offset++)
        {
            var padded = new byte[offset + bytes.Length];
            Array.Copy(bytes, 0, padded, offset, bytes.Length);
            var encoded = Convert.ToBase64String(padded).TrimEnd('=');
            var skip = offset == 0 ? 0 : offset + 1;
            var totalBits = padded.Length * 8;
            var stableEnd = totalBits / 6;
            if (stableEnd <= skip)
            {
                continue;
            }

            var core = encoded.Substring(skip, stableEnd - skip);
            yield return core;
            yield return core.Replace('+', '-').Replace('/', '_');
        }

        var hex = new StringBuilder(bytes.Length * 2);
        foreach (var b in bytes)
        {
            hex.Append(b.ToString("x2", CultureInfo.InvariantCulture));
        }

        yield return hex.ToString();
        yield return hex.ToString().ToUpperInvariant();
    }

    /// <summary>Decoded text and, for each of its characters, the range of the original text it came from.</summary>
    private sealed class View
    {
        private readonly string _text;
        private readonly int[] _starts;
        private readonly int[] _ends;

        private View(string text, int[] starts, int[] ends)
        {
            _text = text;
            _starts = starts;
            _ends = ends;
        }

        public static View Of(string text)
        {
            var starts = new int[text.Length];
            var ends = new int[text.Length];
            for (var i = 0; i < text.Length; i++)
            {
                starts[i] = i;
                ends[i] = i + 1;
            }

            return new View(text, starts, ends);
        }

        public bool MarkAll(string value, StringComparison comparison, bool[] masked)
        {
            var found = false;
            var at = _text.IndexOf(value, comparison);
            while (at >= 0)
            {
                found = true;
                for (var i = _starts[at]; i < _ends[at + value.Length - 1]; i++)
                {
                    masked[i] = true;
                }

                at = _text.IndexOf(value, at + 1, comparison);
            }

            return found;
        }

        /// <summary>The text with one layer of escapes decoded, or null when there was none.</summary>
        public View? DecodeOnce()
        {
            var text = new StringBuilder(_text.Length);
            var starts = new List<int>(_text.Length);
            var ends = new List<int>(_text.Length);
            var decodedAny = false;
            var i = 0;
            while (i < _text.Length)
            {
                var length = TryDecode(_text, i, out var decoded);
                if (length > 0)
                {
                    decodedAny = true;
                }
                else
                {
                    decoded = _text[i];
                    length = 1;
                }

                text.Append(decoded);
                starts.Add(_starts[i]);
                ends.Add(_ends[i + length - 1]);
                i += length;
            }

            return decodedAny ? new View(text.ToString(), starts.ToArray(), ends.ToArray()) : null;
        }

        /// <summary>The length of the escape at <paramref name="at"/> and the character it stands for, or 0.</summary>
        private static int TryDecode(string s, int at, out char decoded)
        {
            decoded = '\0';
            var c = s[at];
            var rest = s.Length - at;
            if (c == '\\' && rest >= 2)
            {
                switch (s[at + 1])
                {
                    case 'u' when rest >= 6 && TryHex(s, at + 2, 4, out var unit):
                        decoded = (char)unit;
                        return 6;
                    case 'x' when rest >= 4 && TryHex(s, at + 2, 2, out var code):
                        decoded = (char)code;
                        return 4;
                    case '/' or '\\' or '"' or '\'':
                        decoded = s[at + 1];
                        return 2;
                }
            }
            else if (c == '%' && rest >= 3 && TryHex(s, at + 1, 2, out var percent) && percent < 0x80)
            {
                decoded = (char)percent;
                return 3;
            }
            else if (c == '&' && rest >= 4)
            {
                var semicolon = s.IndexOf(';', at + 2, Math.Min(rest - 2, 10));
                if (semicolon > 0)
                {
                    var entity = s.Substring(at + 1, semicolon - at - 1);
                    if (TryEntity(entity, out decoded))
                    {
                        return semicolon - at + 1;
                    }
                }
            }

            return 0;
        }

        private static bool TryEntity(string entity, out char decoded)
        {
            decoded = '\0';
            if (entity.Length > 1 && entity[0] == '#')
            {
                var hex = entity[1] is 'x' or 'X';
                var digits = entity.Substring(hex ? 2 : 1);
                if (int.TryParse(digits, hex ? NumberStyles.AllowHexSpecifier : NumberStyles.None, CultureInfo.InvariantCulture, out var code) && code is > 0 and < 0x10000)
                {
                    decoded = (char)code;
                    return true;
                }

                return false;
            }

            switch (entity)
            {
                case "amp": decoded = '&'; return true;
                case "lt": decoded = '<'; return true;
                case "gt": decoded = '>'; return true;
                case "quot": decoded = '"'; return true;
                case "apos": decoded = '\''; return true;
                case "sol": decoded = '/'; return true;
                case "plus": decoded = '+'; return true;
                case "equals": decoded = '='; return true;
                default: return false;
            }
        }

        private static bool TryHex(string s, int at, int count, out int value)
        {
            value = 0;
            for (var i = at; i < at + count; i++)
            {
                var c = s[i];
                var digit = c is >= '0' and <= '9' ? c - '0'
                    : c is >= 'a' and <= 'f' ? c - 'a' + 10
                    : c is >= 'A' and <= 'F' ? c - 'A' + 10
                    : -1;
                if (digit < 0)
                {
                    return false;
                }

                value = (value << 4) | digit;
            }

            return true;
        }
    }
}
