using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using Newtonsoft.Json.Linq;
using NJsonSchema;
using NJsonSchema.Validation;
using NSwag;

namespace Messaging.WhatsApp.ContractTests.Harness;

/// <summary>One operation of a spec, as the contract tests read it.</summary>
public sealed class ContractOperation
{
    private readonly OpenApiOperation _operation;

    internal ContractOperation(OpenApiOperationDescription description, NotificationDispatch? dispatch)
    {
        _operation = description.Operation;
        Id = _operation.OperationId ?? throw new InvalidDataException($"{description.Method} {description.Path} has no operationId.");
        Method = description.Method.ToUpperInvariant();
        PathTemplate = description.Path;
        Dispatch = dispatch;
        Parameters = _operation.ActualParameters.Select(p => p.ActualParameter).ToList();
    }

    /// <summary>The operationId.</summary>
    public string Id { get; }

    /// <summary>The HTTP method, upper case.</summary>
    public string Method { get; }

    /// <summary>The path as the spec writes it, with its <c>{parameters}</c>.</summary>
    public string PathTemplate { get; }

    /// <summary>For a notification endpoint, how its request body is dispatched (<c>x-dispatch</c>); otherwise null.</summary>
    public NotificationDispatch? Dispatch { get; }

    /// <summary>The statuses the spec declares for the operation.</summary>
    public IReadOnlyCollection<string> DeclaredStatuses => _operation.Responses.Keys.ToList();

    /// <summary>The JSON request body schema as declared (for Maytapi's sendMessage, the discriminated base), or null without a body.</summary>
    public JsonSchema? RequestSchema =>
        _operation.RequestBody?.ActualRequestBody.Content.TryGetValue("application/json", out var content) == true
            ? content.Schema.ActualSchema
            : null;

    /// <summary>The discriminator values the request schema maps, or none for a plain schema.</summary>
    public IReadOnlyCollection<string> DiscriminatorValues =>
        RequestSchema?.DiscriminatorObject?.Mapping.Keys.ToList() ?? (IReadOnlyCollection<string>)Array.Empty<string>();

    /// <summary>The names of the security schemes any of the operation's requirements names.</summary>
    public IReadOnlyCollection<string> SecuritySchemes =>
        _operation.Security?.SelectMany(r => r.Keys).Distinct().ToList() ?? (IReadOnlyCollection<string>)Array.Empty<string>();

    private IReadOnlyList<OpenApiParameter> Parameters { get; }

    /// <summary>
    /// The schema a request body must satisfy: the declared one, or for a discriminated base the concrete
    /// schema its discriminator value maps to.
    /// </summary>
    public JsonSchema ConcreteRequestSchema(JObject body)
    {
        var schema = RequestSchema ?? throw new InvalidDataException($"{Id} declares no JSON request body.");
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

    /// <summary>Validates a request body against <see cref="ConcreteRequestSchema"/>.</summary>
    public ICollection<ValidationError> ValidateRequest(JObject body) =>
        ConcreteRequestSchema(body).Validate(body);

    /// <summary>The path template with the recorded path parameters filled in, as a client sends it.</summary>
    public string ExpandPath(JObject pathParameters)
    {
        var path = PathTemplate;
        foreach (var property in pathParameters.Properties())
        {
            var value = property.Value.Type == JTokenType.String
                ? (string)property.Value!
                : property.Value.ToString(Newtonsoft.Json.Formatting.None);
            path = path.Replace("{" + property.Name + "}", Uri.EscapeDataString(value), StringComparison.Ordinal);
        }

        return path;
    }

    /// <summary>
    /// Checks recorded path and query parameters against the operation's: every one declared and valid for
    /// its schema, every required one present. Returns human-readable problems; none means they conform.
    /// </summary>
    public IReadOnlyList<string> ValidateParameters(JObject pathParameters, JObject query)
    {
        var problems = new List<string>();
        Check(OpenApiParameterKind.Path, pathParameters);
        Check(OpenApiParameterKind.Query, query);
        return problems;

        void Check(OpenApiParameterKind kind, JObject recorded)
        {
            var declared = Parameters.Where(p => p.Kind == kind).ToDictionary(p => p.Name, StringComparer.Ordinal);
            foreach (var property in recorded.Properties())
            {
                if (!declared.TryGetValue(property.Name, out var parameter))
                {
                    problems.Add($"{kind} parameter '{property.Name}' is not declared by {Id}.");
                    continue;
                }

                var schema = (parameter.Schema ?? parameter).ActualSchema;
                problems.AddRange(schema.Validate(property.Value).Select(e => $"{kind} parameter '{property.Name}': {e}"));
            }

            problems.AddRange(declared.Values
                .Where(p => p.IsRequired && recorded.Property(p.Name, StringComparison.Ordinal) is null)
                .Select(p => $"Required {kind} parameter '{p.Name}' of {Id} is not recorded."));
        }
    }

    /// <summary>
    /// Validates a recorded response against what the operation declares for its status: a declared status, a
    /// declared media type for a body, the schema for that media type, and no declared content for an
    /// empty body. Returns human-readable problems; none means the spec describes the response.
    /// </summary>
    public IReadOnlyList<string> ValidateResponse(RecordedExchange exchange)
    {
        var key = exchange.Status.ToString(CultureInfo.InvariantCulture);
        if (!_operation.Responses.TryGetValue(key, out var declared))
        {
            return [$"{Id} declares no response for HTTP {key} (declared: {string.Join(", ", DeclaredStatuses)})."];
        }

        var response = declared.ActualResponse;
        var hasBody = exchange.ResponseJson is not null || exchange.ResponseText is not null;
        if (!hasBody)
        {
            return response.Content.Count == 0
                ? []
                : [$"HTTP {key} comes with an empty body, but {Id} declares content ({string.Join(", ", response.Content.Keys)})."];
        }

        var mediaType = exchange.ResponseMediaType;
        if (mediaType is null || !response.Content.TryGetValue(mediaType, out var content))
        {
            return [$"HTTP {key} with media type '{mediaType}' is not declared by {Id} (declared: {string.Join(", ", response.Content.Keys)})."];
        }

        JToken instance = exchange.ResponseJson ?? new JValue(exchange.ResponseText);
        var schema = content.Schema.ActualSchema;

        // NJsonSchema's validator does not apply OpenAPI's `nullable` to the value as a whole (only to properties).
        if (instance.Type == JTokenType.Null && schema.IsNullable(SchemaType.OpenApi3))
        {
            return [];
        }

        return schema.Validate(instance).Select(e => e.ToString()).ToList();
    }

    /// <summary>The schema of every JSON content the operation declares for a response, with its status.</summary>
    public IEnumerable<(string Status, JsonSchema Schema)> JsonResponseSchemas =>
        _operation.Responses
            .SelectMany(r => r.Value.ActualResponse.Content
                .Where(c => c.Key.EndsWith("json", StringComparison.Ordinal) && c.Value.Schema is not null)
                .Select(c => (r.Key, c.Value.Schema.ActualSchema)));

    /// <summary>The schema the operation declares for the recorded JSON response body, or null when there is none.</summary>
    public JsonSchema? ResponseSchemaFor(RecordedExchange exchange) =>
        exchange.ResponseJson is not null
        && _operation.Responses.TryGetValue(exchange.Status.ToString(CultureInfo.InvariantCulture), out var declared)
        && exchange.ResponseMediaType is { } mediaType
        && declared.ActualResponse.Content.TryGetValue(mediaType, out var content)
            ? content.Schema?.ActualSchema
            : null;

    /// <summary>
    /// Whether the recorded JSON body is not the first branch of a <c>oneOf</c> response schema: NSwag types the generated
    /// method's result as the first branch, so such a body (Maytapi's listPhones failure envelope, an object where the
    /// phones are an array) is thrown as the client's exception rather than returned.
    /// </summary>
    public bool AnswersWithALaterOneOfBranch(RecordedExchange exchange) =>
        ResponseSchemaFor(exchange) is { OneOf.Count: > 1 } schema
        && schema.OneOf.First().ActualSchema.Validate(exchange.ResponseJson!).Count > 0;

    /// <summary>Whether the operation declares content (a body) for this status; false for an undeclared status.</summary>
    public bool DeclaresContentFor(int status) =>
        _operation.Responses.TryGetValue(status.ToString(CultureInfo.InvariantCulture), out var declared)
        && declared.ActualResponse.Content.Count > 0;

    public override string ToString() => Id;
}
