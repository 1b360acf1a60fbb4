using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Newtonsoft.Json.Linq;

namespace Messaging.WhatsApp.ContractTests.Harness;

/// <summary>
/// One notification a gateway sent to the receiving endpoint, with what the receiver must make of it, read
/// from a file under Recordings/&lt;provider&gt;-notifications/.
/// </summary>
public sealed class RecordedNotification
{
    private RecordedNotification(string name, JObject root)
    {
        Name = name;
        Source = (string?)root["source"] ?? string.Empty;
        Summary = (string?)root["summary"] ?? string.Empty;
        Outcome = (string?)root["outcome"] ?? string.Empty;
        Operation = (string?)root["operation"] ?? string.Empty;
        Notification = (string?)root["notification"] ?? string.Empty;
        Updates = root["updates"] as JArray
            ?? throw new InvalidDataException($"Recording '{name}' has no 'updates' array (give [] when it yields none).");

        var request = Required<JObject>(root, "request");
        Method = (string)Required<JValue>(request, "method")!;
        Path = (string)Required<JValue>(request, "path")!;
        PathParameters = request["pathParameters"] as JObject ?? new JObject();
        Query = request["query"] as JObject ?? new JObject();
        RequestHeaders = request["headers"] as JObject ?? new JObject();
        Body = Required<JObject>(request, "body");

        var response = Required<JObject>(root, "response");
        Status = (int)Required<JValue>(response, "status");
        HasResponseBody = response["body"] is not null || response["text"] is not null;
    }

    /// <summary>File name without extension, e.g. <c>outgoing-status-sent</c>.</summary>
    public string Name { get; }

    /// <summary>Where the notification comes from.</summary>
    public string Source { get; }

    /// <summary>The case and what it shows.</summary>
    public string Summary { get; }

    /// <summary>
    /// What it yields: the neutral status of its one update, <c>several</c> for more than one, <c>none</c> for
    /// no update.
    /// </summary>
    public string Outcome { get; }

    /// <summary>The operationId of the receiving endpoint the notification was sent to.</summary>
    public string Operation { get; }

    /// <summary>The component schema the body parses as.</summary>
    public string Notification { get; }

    /// <summary>The provider-neutral updates the receiver must dispatch, in order.</summary>
    public JArray Updates { get; }

    public string Method { get; }

    public string Path { get; }

    public JObject PathParameters { get; }

    /// <summary>The query parameters (Maytapi's webhook secret), apart from <see cref="Path"/>.</summary>
    public JObject Query { get; }

    public JObject RequestHeaders { get; }

    /// <summary>The header of this name (case-insensitive), or null.</summary>
    public string? Header(string name) =>
        (string?)RequestHeaders.Properties().FirstOrDefault(p => p.Name.Equals(name, StringComparison.OrdinalIgnoreCase))?.Value;

    /// <summary>The notification as the gateway sent it.</summary>
    public JObject Body { get; }

    /// <summary>The endpoint's answer.</summary>
    public int Status { get; }

    /// <summary>Whether the recording gives the endpoint's answer a body.</summary>
    public bool HasResponseBody { get; }

    public static RecordedNotification Load(string file) =>
        new(System.IO.Path.GetFileNameWithoutExtension(file), (JObject)Json.Parse(File.ReadAllText(file)));

    public override string ToString() => Name;

    private static T Required<T>(JObject parent, string name)
        where T : JToken =>
        parent[name] as T ?? throw new InvalidDataException($"Recording is missing '{name}' (expected {typeof(T).Name}).");
}
