using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using Newtonsoft.Json.Linq;
using NJsonSchema;
using NJsonSchema.Validation;
using NSwag;

namespace Messaging.WhatsApp.ContractTests.Harness;

/// <summary>The sendMessage operation of one spec under specs/, as the contract tests read it.</summary>
public sealed class ContractSpec
{
    private readonly OpenApiDocument _document;
    private readonly OpenApiOperation _operation;

    private ContractSpec(OpenApiDocument document)
    {
        _document = document;
        var operations = document.Operations.ToList();
        if (operations.Count != 1)
        {
            throw new InvalidDataException($"Expected exactly one operation in the spec, found {operations.Count}.");
        }

        _operation = operations[0].Operation;
    }

    /// <summary>The statuses the spec declares for the operation.</summary>
    public IReadOnlyCollection<string> DeclaredStatuses => _operation.Responses.Keys.ToList();

    /// <summary>The request body schema as declared (for Maytapi, the discriminated base).</summary>
    public JsonSchema RequestSchema => _operation.RequestBody.Content["application/json"].Schema.ActualSchema;

    /// <summary>Header names of the spec's apiKey security schemes that travel in a header.</summary>
    public IEnumerable<string> ApiKeyHeaders =>
        _document.Components.SecuritySchemes.Values
            .Where(s => s.Type == OpenApiSecuritySchemeType.ApiKey && s.In == OpenApiSecurityApiKeyLocation.Header)
            .Select(s => s.Name);

    public static async Task<ContractSpec> LoadAsync(string file) =>
        new(await NSwag.OpenApiYamlDocument.FromFileAsync(file).ConfigureAwait(false));

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
    /// The schema a request body must satisfy: the declared one, or for a discriminated base the concrete
    /// schema its discriminator value maps to.
    /// </summary>
    public JsonSchema ConcreteRequestSchema(JObject body)
    {
        var schema = RequestSchema;
        var discriminator = schema.DiscriminatorObject;
        if (discriminator is null)
        {
            return schema;
        }

        var value = (string?)body[discriminator.PropertyName!]
            ?? throw new InvalidDataException($"Request body has no discriminator '{discriminator.PropertyName}'.");
        return discriminator.Mapping.TryGetValue(value, out var mapped)
            ? mapped.ActualSchema
            : throw new InvalidDataException($"The spec maps no schema to {discriminator.PropertyName} '{value}'.");
    }

    /// <summary>The discriminator values the request schema maps, or none for a plain schema.</summary>
    public IReadOnlyCollection<string> DiscriminatorValues =>
        RequestSchema.DiscriminatorObject?.Mapping.Keys.ToList() ?? (IReadOnlyCollection<string>)Array.Empty<string>();

    /// <summary>Validates a request body against <see cref="ConcreteRequestSchema"/>.</summary>
    public ICollection<ValidationError> ValidateRequest(JObject body) =>
        ConcreteRequestSchema(body).Validate(body);

    /// <summary>
    /// Validates a recorded response against what the spec declares for its status: a declared status, a
    /// declared media type for a body, the schema for that media type, and no declared content for an
    /// empty body. Returns human-readable problems; none means the spec describes the response.
    /// </summary>
    public IReadOnlyList<string> ValidateResponse(RecordedExchange exchange)
    {
        var key = exchange.Status.ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (!_operation.Responses.TryGetValue(key, out var declared))
        {
            return [$"The spec declares no response for HTTP {key} (declared: {string.Join(", ", DeclaredStatuses)})."];
        }

        var response = declared.ActualResponse;
        var hasBody = exchange.ResponseJson is not null || exchange.ResponseText is not null;
        if (!hasBody)
        {
            return response.Content.Count == 0
                ? []
                : [$"HTTP {key} comes with an empty body, but the spec declares content ({string.Join(", ", response.Content.Keys)})."];
        }

        var mediaType = exchange.ResponseMediaType;
        if (mediaType is null || !response.Content.TryGetValue(mediaType, out var content))
        {
            return [$"HTTP {key} with media type '{mediaType}' is not declared (declared: {string.Join(", ", response.Content.Keys)})."];
        }

        JToken instance = exchange.ResponseJson ?? new JValue(exchange.ResponseText);
        return content.Schema.ActualSchema.Validate(instance).Select(e => e.ToString()).ToList();
    }
}
