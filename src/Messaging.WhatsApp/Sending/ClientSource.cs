using System;
using System.Net.Http;
using System.Threading;

namespace Messaging.WhatsApp;

/// <summary>
/// Hands out a generated client over an HttpClient from IHttpClientFactory, made again once a minute
/// rather than on every send. The factory rotates its handlers every two minutes (so that DNS changes are
/// seen); a client younger than a minute never holds on to a handler much past that, and a send no longer
/// pays for CreateClient and its configuration callbacks.
/// </summary>
/// <typeparam name="TClient">The generated client.</typeparam>
internal sealed class ClientSource<TClient>
    where TClient : class
{
    private static readonly TimeSpan MaxAge = TimeSpan.FromMinutes(1);

    private readonly Func<HttpClient> _createHttpClient;
    private readonly Func<HttpClient, TClient> _wrap;
    private readonly TimeProvider _time;
    private Entry? _current;

    public ClientSource(Func<HttpClient> createHttpClient, Func<HttpClient, TClient> wrap, TimeProvider time)
    {
        _createHttpClient = createHttpClient;
        _wrap = wrap;
        _time = time;
    }

    public TClient Get()
    {
        var entry = Volatile.Read(ref _current);
        if (entry is null || _time.GetElapsedTime(entry.CreatedAt) > MaxAge)
        {
            // Two sends may both refresh at once; either client is fine, and neither needs disposing.
            entry = new Entry(_wrap(_createHttpClient()), _time.GetTimestamp());
            Volatile.Write(ref _current, entry);
        }

        return entry.Client;
    }

    private sealed class Entry
    {
        public Entry(TClient client, long createdAt)
        {
            Client = client;
            CreatedAt = createdAt;
        }

        public TClient Client { get; }

        public long CreatedAt { get; }
    }
}
