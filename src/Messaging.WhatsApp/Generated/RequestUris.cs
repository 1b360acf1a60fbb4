using System;
using System.Text;
using System.Threading;

namespace Messaging.WhatsApp;

/// <summary>
/// A generated client's last request URL, absolute, with the text it was built from: a client that sends to
/// the same URL again (every send of a sender does) reuses the <see cref="Uri"/> instead of parsing the text
/// and combining it with the base address once more. A <see cref="Uri"/> is immutable and safe to share.
/// </summary>
internal sealed class RequestUri
{
    private RequestUri(string text, Uri? baseAddress, Uri uri)
    {
        Text = text;
        BaseAddress = baseAddress;
        Uri = uri;
    }

    /// <summary>The URL as the client built it (relative to <see cref="BaseAddress"/>, as NSwag builds it).</summary>
    public string Text { get; }

    /// <summary>The HttpClient's base address it was combined with; null if it had none.</summary>
    public Uri? BaseAddress { get; }

    /// <summary>What the request is sent to.</summary>
    public Uri Uri { get; }

    /// <summary>
    /// The request URI for the URL in <paramref name="builder"/>: exactly the one HttpClient would send to
    /// (the text parsed as NSwag parses it, then combined with <paramref name="baseAddress"/> if it is relative),
    /// taken from <paramref name="last"/> when the text and base address are the same, and remembered there
    /// otherwise. The builder goes back to <see cref="RequestUris"/>.
    /// </summary>
    /// <returns>The URL's text, for the client's <c>PrepareRequest</c>.</returns>
    public static string Resolve(ref RequestUri? last, Uri? baseAddress, StringBuilder builder, out Uri uri)
    {
        var cached = Volatile.Read(ref last);
        if (cached is not null && ReferenceEquals(cached.BaseAddress, baseAddress) && Matches(builder, cached.Text))
        {
            RequestUris.Return(builder);
            uri = cached.Uri;
            return cached.Text;
        }

        var text = builder.ToString();
        RequestUris.Return(builder);

        // Parsed as NSwag's code parses it; a relative URI is combined as HttpClient combines it.
        var parsed = new Uri(text, UriKind.RelativeOrAbsolute);
        uri = parsed.IsAbsoluteUri || baseAddress is null ? parsed : new Uri(baseAddress, parsed);
        Volatile.Write(ref last, new RequestUri(text, baseAddress, uri));
        return text;
    }

    private static bool Matches(StringBuilder builder, string text)
    {
#if NETCOREAPP3_0_OR_GREATER
        return builder.Equals(text.AsSpan());
#else
        if (builder.Length != text.Length)
        {
            return false;
        }

        for (var i = 0; i < text.Length; i++)
        {
            if (builder[i] != text[i])
            {
                return false;
            }
        }

        return true;
#endif
    }
}

/// <summary>The builders generated clients build a request's URL in: one per thread, reused while it stays small.</summary>
internal static class RequestUris
{
    [ThreadStatic]
    private static StringBuilder? t_builder;

    /// <summary>An empty builder, this thread's own until <see cref="Return"/>.</summary>
    public static StringBuilder Builder()
    {
        var builder = t_builder;
        if (builder is null)
        {
            return new StringBuilder(256);
        }

        t_builder = null;
        return builder;
    }

    /// <summary>Gives <paramref name="builder"/> back, cleared, to the thread it is returned on.</summary>
    public static void Return(StringBuilder builder)
    {
        if (builder.Capacity <= 4 * 1024)
        {
            builder.Clear();
            t_builder = builder;
        }
    }
}
