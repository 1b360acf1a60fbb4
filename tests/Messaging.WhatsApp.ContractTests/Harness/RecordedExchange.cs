using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Newtonsoft.Json.Linq;

namespace Messaging.WhatsApp.ContractTests.Harness;

/// <summary>One recorded request and the provider's answer, read from a file under Recordings/.</summary>
public sealed class RecordedExchange
{
    private RecordedExchange(string name, JObject root)
    {
        Name = name;
        Source = (string?)root["source"] ?? string.Empty;
        Summary = (string?)root["summary"] ?? string.Empty;
        Outcome = (string?)root["outcome"] ?? string.Empty;
        Operation = (string?)root["operation"]
            ?? throw new InvalidDataException($"Recording '{name}' names no operation (the operationId of the spec's operation it exercises).");
        RequestViolatesSpec = (bool?)root["requestViolatesSpec"] ?? false;

        var request = Required<JObject>(root, "request");
        Method = (string)Required<JValue>(request, "method")!;
        Path = (string)Required<JValue>(request, "path")!;
        ServerVariables = ToStringMap(request["serverVariables"] as JObject);
        PathParameters = request["pathParameters"] as JObject ?? new JObject();
        Query = request["query"] as JObject ?? new JObject();
        RequestHeaders = ToStringMap(request["headers"] as JObject);
        RequestBody = request["body"] is null ? null : Required<JObject>(request, "body");

        var response = Required<JObject>(root, "response");
        Status = (int)Required<JValue>(response, "status");
        ResponseHeaders = ToStringMap(response["headers"] as JObject);
        ResponseJson = response["body"];
        ResponseText = (string?)response["text"];
        if (ResponseJson is not null && ResponseText is not null)
        {
            throw new InvalidDataException($"Recording '{name}' gives both response.body and response.text; give one or neither.");
        }
    }

    /// <summary>File name without extension, e.g. <c>text-success</c>.</summary>
    public string Name { get; }

    /// <summary>Where the exchange comes from.</summary>
    public string Source { get; }

    /// <summary>The case and what it shows.</summary>
    public string Summary { get; }

    /// <summary>
    /// What the facade makes of the exchange: <c>success</c>, or the kind of typed error, named as the
    /// <c>whatsapp.outcome</c> telemetry tag names it (<c>authentication</c>, <c>outcome_unknown</c>, …).
    /// The facade tests replay every recording and check it.
    /// </summary>
    public string Outcome { get; }

    /// <summary>The operationId of the spec's operation the exchange exercises, e.g. <c>SendMessage</c>.</summary>
    public string Operation { get; }

    /// <summary>True for a request the provider refused and the spec rightly forbids.</summary>
    public bool RequestViolatesSpec { get; }

    public string Method { get; }

    public string Path { get; }

    public IReadOnlyDictionary<string, string> ServerVariables { get; }

    public JObject PathParameters { get; }

    /// <summary>The query parameters as JSON values (a number stays a number); empty when there are none.</summary>
    public JObject Query { get; }

    /// <summary>The query parameters as they travel in the URL.</summary>
    public IReadOnlyDictionary<string, string> QueryStrings =>
        Query.Properties().ToDictionary(p => p.Name, p => p.Value.Type == JTokenType.String ? (string)p.Value! : p.Value.ToString(Newtonsoft.Json.Formatting.None), StringComparer.Ordinal);

    public IReadOnlyDictionary<string, string> RequestHeaders { get; }

    /// <summary>The JSON request body, or null for a request without one (GET, DELETE).</summary>
    public JObject? RequestBody { get; }

    public int Status { get; }

    public IReadOnlyDictionary<string, string> ResponseHeaders { get; }

    /// <summary>The JSON response body, or null when the response body is text or empty.</summary>
    public JToken? ResponseJson { get; }

    /// <summary>The non-JSON response body (HTML, plain text), or null.</summary>
    public string? ResponseText { get; }

    /// <summary>The response body exactly as the server sends it; empty when there is none.</summary>
    public string ResponseBodyText =>
        ResponseJson?.ToString(Newtonsoft.Json.Formatting.None) ?? ResponseText ?? string.Empty;

    /// <summary>The media type of the response, without parameters, or null when no Content-Type is recorded.</summary>
    public string? ResponseMediaType =>
        ResponseHeaders.FirstOrDefault(h => h.Key.Equals("Content-Type", StringComparison.OrdinalIgnoreCase)).Value?
            .Split(';')[0].Trim();

    public static RecordedExchange Load(string file) =>
        new(System.IO.Path.GetFileNameWithoutExtension(file), (JObject)Json.Parse(File.ReadAllText(file)));

    public override string ToString() => Name;

    private static T Required<T>(JObject parent, string name)
        where T : JToken =>
        parent[name] as T ?? throw new InvalidDataException($"Recording is missing '{name}' (expected {typeof(T).Name}).");

    private static Dictionary<string, string> ToStringMap(JObject? o) =>
        o?.Properties().ToDictionary(p => p.Name, p => p.Value.ToString(), StringComparer.OrdinalIgnoreCase)
        ?? new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
}
