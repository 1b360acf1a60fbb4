using System;
using System.Collections.Generic;
using System.Net.Http;
using System.Runtime.CompilerServices;
using System.Threading;
using System.Threading.Tasks;
using Newtonsoft.Json;

namespace Messaging.WhatsApp;

/// <summary>A response body as a generated client parsed it: the value, or why it is not one, and its text.</summary>
/// <typeparam name="T">The type the spec declares for the body.</typeparam>
internal readonly struct ParsedBody<T>
{
    private readonly byte[] _body;

    public ParsedBody(T value, byte[] body, Exception? error)
    {
        Value = value;
        _body = body;
        Error = error;
    }

    /// <summary>The parsed body; default when <see cref="Error"/> is set.</summary>
    public T Value { get; }

    /// <summary>Why the body is not exactly what the spec declares, or null.</summary>
    public Exception? Error { get; }

    /// <summary>The body as text (UTF-8, for an exception), decoded when asked for.</summary>
    public string Text => ResponseBodies.Text(_body);
}

/// <summary>
/// What the generated clients call instead of code of their own: the request body, response headers for an
/// exception, and reading a response body exactly as the spec declares it. The templates in
/// generator/Templates keep only the calls (see generator/Templates/README.md).
/// </summary>
internal static class GeneratedClientSupport
{
    private static readonly IReadOnlyDictionary<string, IEnumerable<string>> NoHeaders = new Dictionary<string, IEnumerable<string>>();

    /// <summary>One serializer per settings object: creating one per call was the largest cost of a send.</summary>
    private static readonly ConditionalWeakTable<JsonSerializerSettings, JsonSerializer> Serializers = new();

    /// <summary>The request body: <paramref name="body"/> as JSON in UTF-8, with a known length.</summary>
    public static HttpContent JsonBody(object body, JsonSerializerSettings settings, string mediaType) =>
        JsonBodyContent.Create(body, SerializerFor(settings), mediaType);

    /// <summary>
    /// The response's headers for the client's exceptions, which only a failure status throws: a success
    /// gets an empty dictionary instead of a copy. (A success whose body does not parse copies its own.)
    /// </summary>
    public static IReadOnlyDictionary<string, IEnumerable<string>> HeadersFor(HttpResponseMessage response) =>
        response.IsSuccessStatusCode ? NoHeaders : CopyHeaders(response);

    public static IReadOnlyDictionary<string, IEnumerable<string>> CopyHeaders(HttpResponseMessage response)
    {
        var headers = new Dictionary<string, IEnumerable<string>>();
        foreach (var item in response.Headers)
        {
            headers[item.Key] = item.Value;
        }

        if (response.Content is not null)
        {
            foreach (var item in response.Content.Headers)
            {
                headers[item.Key] = item.Value;
            }
        }

        return headers;
    }

    /// <summary>
    /// The body parsed as <typeparamref name="T"/>, strictly: one JSON text in UTF-8, whatever charset the
    /// Content-Type names, with exactly the property names, types and required properties of the spec
    /// (<see cref="StrictJson"/>); unknown properties are kept. Anything else is returned as the
    /// <see cref="ParsedBody{T}.Error"/>, for the client to throw its own exception with.
    /// </summary>
    public static ValueTask<ParsedBody<T>> ReadObjectAsync<T>(HttpResponseMessage response, JsonSerializerSettings settings, CancellationToken cancellationToken)
    {
        if (response.Content is null)
        {
            return new ValueTask<ParsedBody<T>>(new ParsedBody<T>(default!, Array.Empty<byte>(), null));
        }

        // The content is already buffered (ResponseContentRead) and small: its bytes are there at once, and are
        // parsed without a state machine of this method's own.
        var reading = ResponseBodies.ReadBytesAsync(response.Content, cancellationToken);
        return reading.Status == TaskStatus.RanToCompletion
            ? new ValueTask<ParsedBody<T>>(Parse<T>(reading.Result, settings))
            : ParseAsync<T>(reading, settings);
    }

    private static async ValueTask<ParsedBody<T>> ParseAsync<T>(Task<byte[]> reading, JsonSerializerSettings settings) =>
        Parse<T>(await reading.ConfigureAwait(false), settings);

    private static ParsedBody<T> Parse<T>(byte[] body, JsonSerializerSettings settings)
    {
        try
        {
            return new ParsedBody<T>(StrictJson.Deserialize<T>(body, SerializerFor(settings)), body, null);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return new ParsedBody<T>(default!, body, e);
        }
    }

    private static JsonSerializer SerializerFor(JsonSerializerSettings settings) =>
        Serializers.GetValue(settings, JsonSerializer.Create);
}
