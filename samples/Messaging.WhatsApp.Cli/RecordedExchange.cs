using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Newtonsoft.Json.Linq;

namespace Messaging.WhatsApp.Cli;

/// <summary>A recorded exchange of specs/recordings, embedded in the CLI for the sandbox to play.</summary>
internal sealed class RecordedExchange
{
    private readonly JObject _root;

    private RecordedExchange(JObject root) => _root = root;

    public string Method => (string)_root["request"]!["method"]!;

    public string Path => (string)_root["request"]!["path"]!;

    public int Status => (int)_root["response"]!["status"]!;

    public IEnumerable<KeyValuePair<string, string>> RequestHeaders => Headers(_root["request"]!);

    public IEnumerable<KeyValuePair<string, string>> ResponseHeaders => Headers(_root["response"]!);

    /// <summary>A copy of the request's JSON body (a notification's, for the recorded notifications).</summary>
    public JObject RequestBody => (JObject)_root["request"]!["body"]!.DeepClone();

    public string ResponseBody => _root["response"]!["body"]?.ToString(Newtonsoft.Json.Formatting.None) ?? (string?)_root["response"]!["text"] ?? string.Empty;

    /// <summary>Loads the recording embedded as <c>Sandbox/&lt;provider&gt;/&lt;file&gt;</c>.</summary>
    public static RecordedExchange Load(string name)
    {
        var resource = "Sandbox." + name.Replace('/', '.');
        using var stream = typeof(RecordedExchange).Assembly.GetManifestResourceStream(resource)
            ?? throw new InvalidOperationException($"The sandbox recording {name} is not embedded in the CLI.");
        using var reader = new StreamReader(stream);
        return new RecordedExchange(JObject.Parse(reader.ReadToEnd()));
    }

    public string? ServerVariable(string name) => (string?)_root["request"]!["serverVariables"]?[name];

    public string? PathParameter(string name) => (string?)_root["request"]!["pathParameters"]?[name];

    public string? QueryParameter(string name) => (string?)_root["request"]!["query"]?[name];

    public string? RequestHeader(string name) => (string?)_root["request"]!["headers"]?[name];

    private static IEnumerable<KeyValuePair<string, string>> Headers(JToken message) =>
        (message["headers"] as JObject)?.Properties().Select(p => KeyValuePair.Create(p.Name, (string)p.Value!)) ?? [];
}
