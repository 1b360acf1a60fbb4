using System;
using System.Net.Http;

namespace Messaging.WhatsApp;

/// <summary>
/// A credential that the last handler before the wire puts into a request and takes out again once the
/// answer is back (<see cref="OutboundHandler"/>), so that no other handler, log, trace or event ever holds
/// it. Everywhere else the request carries a stand-in, or nothing.
/// </summary>
internal abstract class RequestSecret
{
    /// <summary>The value every handler but the last one sees in place of a secret path segment.</summary>
    public const string Placeholder = "REDACTED";

    /// <summary>The secret, for redacting text it may come back in.</summary>
    public abstract string Value { get; }

    /// <summary>A secret path segment, written as <see cref="Placeholder"/> by the client.</summary>
    public static RequestSecret PathSegment(string secret) => new PathSegmentSecret(secret);

    /// <summary>A secret header, left out by the client.</summary>
    public static RequestSecret Header(string name, string secret) => new HeaderSecret(name, secret);

    /// <summary>Puts the secret into the request.</summary>
    public abstract void Apply(HttpRequestMessage request);

    /// <summary>Takes it out again, leaving the request as the client built it.</summary>
    /// <param name="request">The request.</param>
    /// <param name="original">Its URI before <see cref="Apply"/>.</param>
    public abstract void Remove(HttpRequestMessage request, Uri? original);

    private sealed class PathSegmentSecret : RequestSecret
    {
        private const string Segment = "/" + Placeholder;

        private readonly string _escaped;
        private Tuple<string, Uri>? _last;

        public PathSegmentSecret(string secret)
        {
            Value = secret;
            _escaped = "/" + Uri.EscapeDataString(secret);
        }

        public override string Value { get; }

        public override void Apply(HttpRequestMessage request)
        {
            if (request.RequestUri is not { IsAbsoluteUri: true } uri)
            {
                return;
            }

            // Every send of a sender has the same URL: the last one with the secret is reused.
            var cached = _last;
            if (cached is not null && string.Equals(cached.Item1, uri.OriginalString, StringComparison.Ordinal))
            {
                request.RequestUri = cached.Item2;
                return;
            }

            // Only a whole segment that is exactly the placeholder, in the path, never in the query.
            var path = uri.AbsolutePath;
            var at = path.IndexOf(Segment, StringComparison.Ordinal);
            while (at >= 0 && at + Segment.Length < path.Length && path[at + Segment.Length] != '/')
            {
                at = path.IndexOf(Segment, at + 1, StringComparison.Ordinal);
            }

            if (at < 0)
            {
                return;
            }

            var withSecret = new Uri(
                uri.GetLeftPart(UriPartial.Authority) + path.Substring(0, at) + _escaped + path.Substring(at + Segment.Length) + uri.Query);
            _last = Tuple.Create(uri.OriginalString, withSecret);
            request.RequestUri = withSecret;
        }

        public override void Remove(HttpRequestMessage request, Uri? original) => request.RequestUri = original;
    }

    private sealed class HeaderSecret : RequestSecret
    {
        private readonly string _name;

        public HeaderSecret(string name, string secret)
        {
            _name = name;
            Value = secret;
        }

        public override string Value { get; }

        public override void Apply(HttpRequestMessage request)
        {
            request.Headers.Remove(_name);
            request.Headers.TryAddWithoutValidation(_name, Value);
        }

        public override void Remove(HttpRequestMessage request, Uri? original) => request.Headers.Remove(_name);
    }
}
