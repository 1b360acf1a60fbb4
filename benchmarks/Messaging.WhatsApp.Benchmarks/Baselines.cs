using System;
using System.Net.Http;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Serialization;
using System.Threading;
using System.Threading.Tasks;

namespace Messaging.WhatsApp.Benchmarks;

/// <summary>
/// What a team would write by hand: one POST, the body serialized, the answer parsed and checked. No
/// validation, typed errors or redaction; these are the yardsticks.
/// </summary>
public static class Baselines
{
    private static readonly System.Text.Json.JsonSerializerOptions Stj = new(System.Text.Json.JsonSerializerDefaults.Web);

    public static async Task<string> MaytapiStjAsync(HttpClient http, CancellationToken cancellationToken = default)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"{Wire.PhoneId}/sendMessage")
        {
            Content = JsonContent.Create(new MaytapiText(Wire.ToNumber, "text", Wire.Text), options: Stj),
        };
        request.Headers.TryAddWithoutValidation("x-maytapi-key", Wire.MaytapiKey);
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        var envelope = await response.Content.ReadFromJsonAsync<MaytapiEnvelope>(Stj, cancellationToken);
        return response.IsSuccessStatusCode && envelope is { Success: true, Data.MsgId: { Length: > 0 } id }
            ? id
            : throw new InvalidOperationException("Maytapi send failed");
    }

    public static async Task<string> GreenApiStjAsync(HttpClient http, CancellationToken cancellationToken = default)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"waInstance{Wire.IdInstance}/sendMessage/{Wire.Token}")
        {
            Content = JsonContent.Create(new GreenApiText(Wire.ChatId, Wire.Text), options: Stj),
        };
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        var answer = await response.Content.ReadFromJsonAsync<GreenApiAnswer>(Stj, cancellationToken);
        return response.IsSuccessStatusCode && answer is { IdMessage: { Length: > 0 } id }
            ? id
            : throw new InvalidOperationException("GREEN-API send failed");
    }

    public static async Task<string> MaytapiNewtonsoftAsync(HttpClient http, CancellationToken cancellationToken = default)
    {
        var json = Newtonsoft.Json.JsonConvert.SerializeObject(new MaytapiText(Wire.ToNumber, "text", Wire.Text));
        using var request = new HttpRequestMessage(HttpMethod.Post, $"{Wire.PhoneId}/sendMessage")
        {
            Content = new StringContent(json, Encoding.UTF8, "application/json"),
        };
        request.Headers.TryAddWithoutValidation("x-maytapi-key", Wire.MaytapiKey);
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        var envelope = Newtonsoft.Json.JsonConvert.DeserializeObject<MaytapiEnvelope>(text);
        return response.IsSuccessStatusCode && envelope is { Success: true, Data.MsgId: { Length: > 0 } id }
            ? id
            : throw new InvalidOperationException("Maytapi send failed");
    }

    public static async Task<string> GreenApiNewtonsoftAsync(HttpClient http, CancellationToken cancellationToken = default)
    {
        var json = Newtonsoft.Json.JsonConvert.SerializeObject(new GreenApiText(Wire.ChatId, Wire.Text));
        using var request = new HttpRequestMessage(HttpMethod.Post, $"waInstance{Wire.IdInstance}/sendMessage/{Wire.Token}")
        {
            Content = new StringContent(json, Encoding.UTF8, "application/json"),
        };
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        var answer = Newtonsoft.Json.JsonConvert.DeserializeObject<GreenApiAnswer>(text);
        return response.IsSuccessStatusCode && answer is { IdMessage: { Length: > 0 } id }
            ? id
            : throw new InvalidOperationException("GREEN-API send failed");
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
