using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Text;
using System.Threading.Tasks;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace Messaging.WhatsApp.Cli.Tests;

/// <summary>Posts a notification to a webhook endpoint as a gateway does.</summary>
internal static class WebhookPost
{
    private static readonly HttpClient Client = new();

    /// <summary>Posts <paramref name="body"/> (default: the recording's) with the recording's headers.</summary>
    public static Task<HttpStatusCode> SendAsync(string url, JObject recording, JObject? body = null) =>
        SendAsync(url, body ?? Body(recording), Headers(recording));

    /// <summary>Posts the recording's body with its headers, but <paramref name="authorization"/> (or none) as the Authorization header.</summary>
    public static Task<HttpStatusCode> SendWithAuthorizationAsync(string url, JObject recording, string? authorization)
    {
        var headers = Headers(recording).Where(h => h.Key != "Authorization").ToList();
        if (authorization is not null)
        {
            headers.Add(KeyValuePair.Create("Authorization", authorization));
        }

        return SendAsync(url, Body(recording), headers);
    }

    /// <summary>A copy of the recording's body with every <paramref name="idProperty"/> naming <paramref name="messageId"/> instead.</summary>
    public static JObject BodyAbout(JObject recording, string idProperty, string messageId)
    {
        var body = Body(recording);
        foreach (var token in body.SelectTokens("$.." + idProperty).ToList())
        {
            token.Replace(messageId);
        }

        return body;
    }

    private static JObject Body(JObject recording) => (JObject)recording["request"]!["body"]!.DeepClone();

    private static IEnumerable<KeyValuePair<string, string>> Headers(JObject recording) =>
        ((JObject)recording["request"]!["headers"]!).Properties()
            .Where(p => p.Name != "Content-Type")
            .Select(p => KeyValuePair.Create(p.Name, (string)p.Value!));

    private static async Task<HttpStatusCode> SendAsync(string url, JObject body, IEnumerable<KeyValuePair<string, string>> headers)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, url)
        {
            Content = new StringContent(body.ToString(Formatting.None), Encoding.UTF8, "application/json"),
        };
        foreach (var (name, value) in headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        using var response = await Client.SendAsync(request);
        return response.StatusCode;
    }
}
