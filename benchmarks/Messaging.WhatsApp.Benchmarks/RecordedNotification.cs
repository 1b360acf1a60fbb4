using System;
using System.Linq;
using System.Net.Http;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Net.Http.Headers;

namespace Messaging.WhatsApp.Benchmarks;

/// <summary>
/// A notification as a gateway POSTs it, taken from the recordings the contract tests use
/// (<c>specs/recordings/*-notifications</c>, embedded in this assembly): its path, its <c>Authorization</c> header,
/// its body (<c>request.body</c>, written compact as the gateways' HTTP clients send JSON), and how many updates
/// the receiver reads from it.
/// </summary>
public sealed class RecordedNotification
{
    /// <summary>
    /// What the receiving benchmarks measure: per provider, a status with one update (what a sender receives
    /// most), a Maytapi ack with several entries, and a type the library does not read ("other"), which the
    /// gateways send as well when an app receives incoming messages.
    /// </summary>
    public static readonly string[] Names =
    [
        "green-api/outgoing-status-delivered",
        "green-api/incoming-message-received",
        "maytapi/ack-delivered",
        "maytapi/ack-several",
        "maytapi/message-text",
    ];

    private RecordedNotification(string name, Uri path, string? authorization, byte[] body, int updates)
    {
        Name = name;
        Path = path;
        Authorization = authorization;
        Body = body;
        Updates = updates;
    }

    /// <summary><c>&lt;provider&gt;/&lt;recording&gt;</c>, as in <see cref="Names"/>.</summary>
    public string Name { get; }

    /// <summary>The endpoint's path, relative to the server's root; for Maytapi with the secret query.</summary>
    public Uri Path { get; }

    public string? Authorization { get; }

    public byte[] Body { get; }

    /// <summary>How many <see cref="WhatsAppUpdate"/>s the receiver dispatches for it.</summary>
    public int Updates { get; }

    /// <summary>Reads <c>specs/recordings/&lt;provider&gt;-notifications/&lt;recording&gt;.json</c>.</summary>
    public static RecordedNotification Load(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var slash = name.IndexOf('/', StringComparison.Ordinal);
        var resource = $"{name[..slash]}-notifications/{name[(slash + 1)..]}.json";
        using var stream = typeof(RecordedNotification).Assembly.GetManifestResourceStream(resource)
            ?? throw new ArgumentException($"no recording {resource} is embedded", nameof(name));
        var recording = JsonNode.Parse(stream)!;
        var request = recording["request"]!;
        return new RecordedNotification(
            name,
            new Uri(request["path"]!.GetValue<string>().TrimStart('/') + Query(request["query"]), UriKind.Relative),
            request["headers"]?[HeaderNames.Authorization]?.GetValue<string>(),
            Encoding.UTF8.GetBytes(request["body"]!.ToJsonString()),
            recording["updates"]!.AsArray().Count);
    }

    /// <summary>The query string of the recorded query parameters (Maytapi's secret), or "".</summary>
    private static string Query(JsonNode? query) =>
        query is JsonObject { Count: > 0 } parameters
            ? "?" + string.Join("&", parameters.Select(p => Uri.EscapeDataString(p.Key) + "=" + Uri.EscapeDataString(p.Value!.GetValue<string>())))
            : string.Empty;

    /// <summary>The POST a gateway makes, to its webhook path or to <paramref name="path"/>.</summary>
    public HttpRequestMessage NewRequest(Uri? path = null)
    {
        var content = new ByteArrayContent(Body);
        content.Headers.TryAddWithoutValidation(HeaderNames.ContentType, "application/json");
        var request = new HttpRequestMessage(HttpMethod.Post, path ?? Path) { Content = content };
        if (Authorization is not null)
        {
            request.Headers.TryAddWithoutValidation(HeaderNames.Authorization, Authorization);
        }

        return request;
    }
}
