using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;

namespace Messaging.WhatsApp;

/// <summary>Reads headers from the dictionary the generated clients put on their exceptions.</summary>
internal static class ResponseHeaders
{
    /// <summary>Retry-After as a delay (seconds or an HTTP date), or null when absent or unreadable.</summary>
    public static TimeSpan? RetryAfter(IReadOnlyDictionary<string, IEnumerable<string>>? headers, TimeProvider time)
    {
        var value = headers?
            .FirstOrDefault(h => string.Equals(h.Key, "Retry-After", StringComparison.OrdinalIgnoreCase))
            .Value?.FirstOrDefault();
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        if (int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds))
        {
            return TimeSpan.FromSeconds(seconds);
        }

        if (DateTimeOffset.TryParseExact(value, "r", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
        {
            var delay = date - time.GetUtcNow();
            return delay > TimeSpan.Zero ? delay : TimeSpan.Zero;
        }

        return null;
    }

    /// <summary>
    /// What to say about a redirect, which the library never follows: where it pointed (its host only, redacted),
    /// and that the request was not sent there.
    /// </summary>
    public static string DescribeRedirect(string provider, IReadOnlyDictionary<string, IEnumerable<string>>? headers, SecretRedactor redactor)
    {
        var location = headers?
            .FirstOrDefault(h => string.Equals(h.Key, "Location", StringComparison.OrdinalIgnoreCase))
            .Value?.FirstOrDefault();
        var target = location is not null && Uri.TryCreate(location, UriKind.Absolute, out var uri) ? " to " + redactor.Redact(uri.Host) : string.Empty;
        return $"{provider} answered with a redirect{target}, which the library does not follow: the message was not sent to the new address. Check the API URL";
    }
}
