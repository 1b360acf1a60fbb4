using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using Newtonsoft.Json.Linq;
using NJsonSchema;
using NSwag;
using YamlDotNet.Serialization;

namespace Messaging.WhatsApp.ContractTests.Harness;

/// <summary>One OpenAPI document under specs/, as the contract tests read it: its operations and schemas.</summary>
public sealed class ContractSpec
{
    private const string SchemaPrefix = "#/components/schemas/";

    private readonly OpenApiDocument _document;
    private readonly Dictionary<string, ContractOperation> _operations;

    private ContractSpec(OpenApiDocument document, JObject raw)
    {
        _document = document;
        _operations = document.Operations
            .Select(o => new ContractOperation(o, Dispatch(raw, o)))
            .ToDictionary(o => o.Id, StringComparer.Ordinal);
        if (_operations.Count == 0)
        {
            throw new InvalidDataException("The spec declares no operation.");
        }
    }

    /// <summary>Every operation of the document.</summary>
    public IReadOnlyCollection<ContractOperation> Operations => _operations.Values;

    /// <summary>Header names of the spec's apiKey security schemes that travel in a header.</summary>
    public IEnumerable<string> ApiKeyHeaders =>
        _document.Components.SecuritySchemes.Values
            .Where(s => s.Type == OpenApiSecuritySchemeType.ApiKey && s.In == OpenApiSecurityApiKeyLocation.Header)
            .Select(s => s.Name);

    /// <summary>Names of the spec's http security schemes with the bearer scheme (a token in <c>Authorization: Bearer</c>).</summary>
    public IReadOnlyCollection<string> BearerSchemes =>
        _document.Components.SecuritySchemes
            .Where(s => s.Value.Type == OpenApiSecuritySchemeType.Http && string.Equals(s.Value.Scheme, "bearer", StringComparison.OrdinalIgnoreCase))
            .Select(s => s.Key)
            .ToList();

    /// <summary>The names of the component schemas.</summary>
    public IReadOnlyCollection<string> SchemaNames => _document.Components.Schemas.Keys.ToList();

    public static async Task<ContractSpec> LoadAsync(string file)
    {
        var document = await OpenApiYamlDocument.FromFileAsync(file).ConfigureAwait(false);
        return new ContractSpec(document, ReadRaw(await File.ReadAllTextAsync(file).ConfigureAwait(false)));
    }

    /// <summary>A document given as YAML text, with no references to other files.</summary>
    public static async Task<ContractSpec> ParseAsync(string yaml)
    {
        var document = await OpenApiYamlDocument.FromYamlAsync(yaml).ConfigureAwait(false);
        return new ContractSpec(document, ReadRaw(yaml));
    }

    /// <summary>The operation with this operationId.</summary>
    public ContractOperation Operation(string operationId) =>
        _operations.TryGetValue(operationId, out var operation)
            ? operation
            : throw new InvalidDataException($"The spec has no operation '{operationId}' (it has: {string.Join(", ", _operations.Keys)}).");

    /// <summary>Whether the document declares an operation with this operationId.</summary>
    public bool HasOperation(string operationId) => _operations.ContainsKey(operationId);

    /// <summary>The component schema of this name.</summary>
    public JsonSchema Schema(string name) =>
        _document.Components.Schemas.TryGetValue(name, out var schema)
            ? schema.ActualSchema
            : throw new InvalidDataException($"The spec has no component schema '{name}'.");

    /// <summary>The component name of this schema (resolved), or null for an inline schema.</summary>
    public string? SchemaNameOf(JsonSchema schema) =>
        _document.Components.Schemas.FirstOrDefault(s => ReferenceEquals(s.Value.ActualSchema, schema.ActualSchema)).Key;

    /// <summary>
    /// The path of the first server URL with its variables filled in from <paramref name="values"/> (or
    /// their defaults), ending in '/': what a client's BaseAddress needs after the host.
    /// </summary>
    public string ServerBasePath(IReadOnlyDictionary<string, string> values)
    {
        var server = _document.Servers.First();
        var url = server.Url;
        foreach (var variable in server.Variables)
        {
            var value = values.TryGetValue(variable.Key, out var given) ? given : variable.Value.Default;
            url = url.Replace("{" + variable.Key + "}", value, StringComparison.Ordinal);
        }

        return new Uri(url, UriKind.Absolute).AbsolutePath.TrimEnd('/') + "/";
    }

    /// <summary>
    /// The document as JSON, for what NSwag's object model drops: the <c>x-dispatch</c> extension of a
    /// request body's media type.
    /// </summary>
    private static JObject ReadRaw(string text)
    {
        var yaml = new DeserializerBuilder().Build().Deserialize<object>(text);
        var json = new SerializerBuilder().JsonCompatible().Build().Serialize(yaml!);
        return JObject.Parse(json);
    }

    /// <summary>
    /// The <c>x-dispatch</c> extension of the operation's JSON request body (following a <c>$ref</c> to
    /// components/requestBodies), or null when it has none.
    /// </summary>
    private static NotificationDispatch? Dispatch(JObject raw, OpenApiOperationDescription description)
    {
        var body = raw["paths"]?[description.Path]?[description.Method.ToLowerInvariant()]?["requestBody"];
        if (body?["$ref"] is JValue reference)
        {
            body = raw.SelectToken(JsonPointerToPath((string)reference!));
        }

        var mediaType = body?["content"]?["application/json"];
        if (mediaType?["x-dispatch"] is not JObject dispatch)
        {
            return null;
        }

        var baseSchema = SchemaNameOf(mediaType["schema"]?["$ref"]);
        var propertyName = (string?)dispatch["propertyName"]
            ?? throw new InvalidDataException($"x-dispatch of {description.Operation.OperationId} has no propertyName.");
        var mapping = (dispatch["mapping"] as JObject)?.Properties()
            .ToDictionary(p => p.Name, p => SchemaNameOf(p.Value["$ref"]), StringComparer.Ordinal)
            ?? throw new InvalidDataException($"x-dispatch of {description.Operation.OperationId} has no mapping.");
        return new NotificationDispatch(propertyName, baseSchema, mapping);
    }

    private static string SchemaNameOf(JToken? reference)
    {
        var value = (string?)reference;
        return value is not null && value.StartsWith(SchemaPrefix, StringComparison.Ordinal)
            ? value[SchemaPrefix.Length..]
            : throw new InvalidDataException($"Expected a $ref to a component schema, found '{value}'.");
    }

    private static string JsonPointerToPath(string pointer) =>
        "$" + string.Concat(pointer.TrimStart('#').Split('/', StringSplitOptions.RemoveEmptyEntries).Select(p => "['" + p + "']"));
}

/// <summary>
/// How a notification document dispatches a request body (its <c>x-dispatch</c> extension): the property
/// whose value selects the schema, the schema each known value parses as, and the base for any other value.
/// </summary>
public sealed record NotificationDispatch(string PropertyName, string BaseSchema, IReadOnlyDictionary<string, string> Mapping)
{
    /// <summary>The name of the schema a body with this dispatch value parses as.</summary>
    public string SchemaFor(string? value) =>
        value is not null && Mapping.TryGetValue(value, out var schema) ? schema : BaseSchema;
}
