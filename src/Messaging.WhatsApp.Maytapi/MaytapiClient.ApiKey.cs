using System;
using System.Net.Http;

namespace Messaging.WhatsApp.Maytapi;

/// <summary>Hand-written part of the generated <see cref="MaytapiClient"/>: the spec's apiKey scheme.</summary>
public partial class MaytapiClient
{
    /// <summary>The name of the header carrying the API key (the spec's <c>MaytapiKey</c> scheme).</summary>
    public const string ApiKeyHeader = "x-maytapi-key";

    private readonly string? _apiKey;

    /// <summary>Creates a client that sends <paramref name="apiKey"/> as <c>x-maytapi-key</c> on every request.</summary>
    /// <param name="httpClient">The client; its BaseAddress is <c>https://api.maytapi.com/api/{product_id}/</c>.</param>
    /// <param name="apiKey">The API key from the Maytapi console.</param>
    public MaytapiClient(HttpClient httpClient, string apiKey)
        : this(httpClient)
    {
        Guard.NotNullOrWhiteSpace(apiKey);
        _apiKey = apiKey;
    }

    partial void PrepareRequest(HttpClient client, HttpRequestMessage request, string url)
    {
        if (_apiKey is not null)
        {
            request.Headers.TryAddWithoutValidation(ApiKeyHeader, _apiKey);
        }
    }
}
