using System;
using System.IO;
using System.Net.Http;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Threading;
using System.Threading.Tasks;

namespace Messaging.WhatsApp.Benchmarks;

/// <summary>
/// What a careful team would write by hand: one POST, the body serialized, the answer parsed and checked. No
/// validation, typed errors, retries, rate limit, telemetry or redaction; these are the yardsticks. Each sends
/// to an absolute address built once (<see cref="MaytapiAddress"/>, <see cref="GreenApiAddress"/>).
/// <list type="bullet">
/// <item><c>*StjAsync</c>, the limit: System.Text.Json with a source-generated context, the body serialized
/// straight to UTF-8 bytes, <see cref="HttpCompletionOption.ResponseHeadersRead"/> and the answer parsed from the
/// response stream. Nothing is allocated that the exchange does not need.</item>
/// <item><c>*NewtonsoftAsync</c>: Newtonsoft.Json with one cached serializer, written through a stream into
/// the request's bytes and read from the (buffered) response stream; no intermediate string.</item>
/// <item><c>*NewtonsoftStringsAsync</c>: Newtonsoft.Json through strings, <c>JsonConvert</c> with cached settings,
/// <c>StringContent</c> and <c>ReadAsStringAsync</c>: shorter code, and for bodies this small no slower.</item>
/// <item><c>*StjJsonContentAsync</c>: System.Text.Json the quick way, <c>JsonContent</c> and
/// <c>ReadFromJsonAsync</c> with reflection-based options, as the first version of this benchmark had it.</item>
/// </list>
/// </summary>
public static class Baselines
{
    private static readonly JsonSerializerOptions Reflection = new(JsonSerializerDefaults.Web);

    private static readonly Newtonsoft.Json.JsonSerializerSettings NewtonsoftSettings = new();

    private static readonly Newtonsoft.Json.JsonSerializer Cached = Newtonsoft.Json.JsonSerializer.Create(NewtonsoftSettings);

    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false);

    /// <summary>
    /// Where a Maytapi send goes, absolute and built once: a request to a relative <see cref="Uri"/> would make
    /// HttpClient combine it with its base address on every send, which costs a new <see cref="Uri"/>.
    /// </summary>
    public static Uri MaytapiAddress(Uri baseAddress) => new(baseAddress, $"{Wire.PhoneId}/sendMessage");

    /// <summary>Where a GREEN-API send goes, absolute and built once (see <see cref="MaytapiAddress"/>).</summary>
    public static Uri GreenApiAddress(Uri baseAddress) => new(baseAddress, $"waInstance{Wire.IdInstance}/sendMessage/{Wire.Token}");

    public static async Task<string> MaytapiStjAsync(HttpClient http, Uri address, CancellationToken cancellationToken = default)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, address)
        {
            Content = Utf8Json(JsonSerializer.SerializeToUtf8Bytes(new MaytapiText(Wire.ToNumber, "text", Wire.Text), BaselineJson.Default.MaytapiText)),
        };
        request.Headers.TryAddWithoutValidation("x-maytapi-key", Wire.MaytapiKey);
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
        var envelope = await JsonSerializer.DeserializeAsync(body, BaselineJson.Default.MaytapiEnvelope, cancellationToken);
        return response.IsSuccessStatusCode && envelope is { Success: true, Data.MsgId: { Length: > 0 } id }
            ? id
            : throw new InvalidOperationException("Maytapi send failed");
    }

    public static async Task<string> GreenApiStjAsync(HttpClient http, Uri address, CancellationToken cancellationToken = default)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, address)
        {
            Content = Utf8Json(JsonSerializer.SerializeToUtf8Bytes(new GreenApiText(Wire.ChatId, Wire.Text), BaselineJson.Default.GreenApiText)),
        };
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
        var answer = await JsonSerializer.DeserializeAsync(body, BaselineJson.Default.GreenApiAnswer, cancellationToken);
        return response.IsSuccessStatusCode && answer is { IdMessage: { Length: > 0 } id }
            ? id
            : throw new InvalidOperationException("GREEN-API send failed");
    }

    public static async Task<string> MaytapiNewtonsoftAsync(HttpClient http, Uri address, CancellationToken cancellationToken = default)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, address)
        {
            Content = NewtonsoftJson(new MaytapiText(Wire.ToNumber, "text", Wire.Text)),
        };
        request.Headers.TryAddWithoutValidation("x-maytapi-key", Wire.MaytapiKey);

        // Buffered (the default), so that the synchronous reader never blocks on the network.
        using var response = await http.SendAsync(request, cancellationToken);
        var envelope = await ReadNewtonsoftAsync<MaytapiEnvelope>(response, cancellationToken);
        return response.IsSuccessStatusCode && envelope is { Success: true, Data.MsgId: { Length: > 0 } id }
            ? id
            : throw new InvalidOperationException("Maytapi send failed");
    }

    public static async Task<string> GreenApiNewtonsoftAsync(HttpClient http, Uri address, CancellationToken cancellationToken = default)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, address)
        {
            Content = NewtonsoftJson(new GreenApiText(Wire.ChatId, Wire.Text)),
        };
        using var response = await http.SendAsync(request, cancellationToken);
        var answer = await ReadNewtonsoftAsync<GreenApiAnswer>(response, cancellationToken);
        return response.IsSuccessStatusCode && answer is { IdMessage: { Length: > 0 } id }
            ? id
            : throw new InvalidOperationException("GREEN-API send failed");
    }

    public static async Task<string> MaytapiNewtonsoftStringsAsync(HttpClient http, Uri address, CancellationToken cancellationToken = default)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, address)
        {
            Content = new StringContent(Newtonsoft.Json.JsonConvert.SerializeObject(new MaytapiText(Wire.ToNumber, "text", Wire.Text), NewtonsoftSettings), Utf8, "application/json"),
        };
        request.Headers.TryAddWithoutValidation("x-maytapi-key", Wire.MaytapiKey);
        using var response = await http.SendAsync(request, cancellationToken);
        var envelope = Newtonsoft.Json.JsonConvert.DeserializeObject<MaytapiEnvelope>(await response.Content.ReadAsStringAsync(cancellationToken), NewtonsoftSettings);
        return response.IsSuccessStatusCode && envelope is { Success: true, Data.MsgId: { Length: > 0 } id }
            ? id
            : throw new InvalidOperationException("Maytapi send failed");
    }

    public static async Task<string> GreenApiNewtonsoftStringsAsync(HttpClient http, Uri address, CancellationToken cancellationToken = default)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, address)
        {
            Content = new StringContent(Newtonsoft.Json.JsonConvert.SerializeObject(new GreenApiText(Wire.ChatId, Wire.Text), NewtonsoftSettings), Utf8, "application/json"),
        };
        using var response = await http.SendAsync(request, cancellationToken);
        var answer = Newtonsoft.Json.JsonConvert.DeserializeObject<GreenApiAnswer>(await response.Content.ReadAsStringAsync(cancellationToken), NewtonsoftSettings);
        return response.IsSuccessStatusCode && answer is { IdMessage: { Length: > 0 } id }
            ? id
            : throw new InvalidOperationException("GREEN-API send failed");
    }

    public static async Task<string> MaytapiStjJsonContentAsync(HttpClient http, Uri address, CancellationToken cancellationToken = default)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, address)
        {
            Content = JsonContent.Create(new MaytapiText(Wire.ToNumber, "text", Wire.Text), options: Reflection),
        };
        request.Headers.TryAddWithoutValidation("x-maytapi-key", Wire.MaytapiKey);
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        var envelope = await response.Content.ReadFromJsonAsync<MaytapiEnvelope>(Reflection, cancellationToken);
        return response.IsSuccessStatusCode && envelope is { Success: true, Data.MsgId: { Length: > 0 } id }
            ? id
            : throw new InvalidOperationException("Maytapi send failed");
    }

    public static async Task<string> GreenApiStjJsonContentAsync(HttpClient http, Uri address, CancellationToken cancellationToken = default)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, address)
        {
            Content = JsonContent.Create(new GreenApiText(Wire.ChatId, Wire.Text), options: Reflection),
        };
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        var answer = await response.Content.ReadFromJsonAsync<GreenApiAnswer>(Reflection, cancellationToken);
        return response.IsSuccessStatusCode && answer is { IdMessage: { Length: > 0 } id }
            ? id
            : throw new InvalidOperationException("GREEN-API send failed");
    }

    private static ByteArrayContent Utf8Json(byte[] body)
    {
        var content = new ByteArrayContent(body);
        content.Headers.TryAddWithoutValidation("Content-Type", "application/json");
        return content;
    }

    private static ByteArrayContent NewtonsoftJson(object value)
    {
        var bytes = new MemoryStream(256);
        using (var writer = new StreamWriter(bytes, Utf8, bufferSize: 256, leaveOpen: true))
        using (var json = new Newtonsoft.Json.JsonTextWriter(writer))
        {
            Cached.Serialize(json, value);
        }

        var content = new ByteArrayContent(bytes.GetBuffer(), 0, (int)bytes.Length);
        content.Headers.TryAddWithoutValidation("Content-Type", "application/json");
        return content;
    }

    private static async Task<T?> ReadNewtonsoftAsync<T>(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
        using var reader = new StreamReader(body, Utf8, detectEncodingFromByteOrderMarks: false, bufferSize: 256);
        using var json = new Newtonsoft.Json.JsonTextReader(reader);
        return Cached.Deserialize<T>(json);
    }

    public sealed record MaytapiText(
        [property: JsonPropertyName("to_number"), Newtonsoft.Json.JsonProperty("to_number")] string ToNumber,
        [property: JsonPropertyName("type"), Newtonsoft.Json.JsonProperty("type")] string Type,
        [property: JsonPropertyName("message"), Newtonsoft.Json.JsonProperty("message")] string Message);

    public sealed record MaytapiEnvelope(bool Success, MaytapiData? Data, string? Message, string? Code);

    public sealed record MaytapiData(string? ChatId, string? MsgId);

    public sealed record GreenApiText(
        [property: JsonPropertyName("chatId"), Newtonsoft.Json.JsonProperty("chatId")] string ChatId,
        [property: JsonPropertyName("message"), Newtonsoft.Json.JsonProperty("message")] string Message);

    public sealed record GreenApiAnswer(string? IdMessage);
}

/// <summary>The baselines' source-generated System.Text.Json metadata: camelCase names, matched exactly.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(Baselines.MaytapiText))]
[JsonSerializable(typeof(Baselines.MaytapiEnvelope))]
[JsonSerializable(typeof(Baselines.GreenApiText))]
[JsonSerializable(typeof(Baselines.GreenApiAnswer))]
internal sealed partial class BaselineJson : JsonSerializerContext;
