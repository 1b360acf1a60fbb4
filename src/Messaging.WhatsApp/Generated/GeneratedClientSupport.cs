using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Net.Http;
using System.Runtime.CompilerServices;
using System.Text;
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
/// What the generated clients call instead of code of their own: the request body, and reading a response body
/// exactly as the spec declares it. The templates in
/// generator/Templates keep only the calls (see generator/Templates/README.md).
/// </summary>
internal static class GeneratedClientSupport
{
    /// <summary>One serializer per settings object: creating one per call was the largest cost of a send.</summary>
    private static readonly ConditionalWeakTable<JsonSerializerSettings, JsonSerializer> Serializers = new();

    /// <summary>The request body: <paramref name="body"/> as JSON in UTF-8, with a known length (no chunked upload).</summary>
    public static HttpContent JsonBody(object body, JsonSerializerSettings settings, string mediaType)
    {
        using var text = new StringWriter(CultureInfo.InvariantCulture);
        SerializerFor(settings).Serialize(text, body);
        var content = new ByteArrayContent(Encoding.UTF8.GetBytes(text.ToString()));
        content.Headers.TryAddWithoutValidation("Content-Type", mediaType);
        return content;
    }

    /// <summary>
    /// The body parsed as <typeparamref name="T"/>, strictly: one JSON text in UTF-8, whatever charset the
    /// Content-Type names, with exactly the property names, types and required properties of the spec
    /// (<see cref="StrictJson"/>); unknown properties are kept. Anything else is returned as the
    /// <see cref="ParsedBody{T}.Error"/>, for the client to throw its own exception with.
    /// </summary>
    public static async Task<ParsedBody<T>> ReadObjectAsync<T>(HttpResponseMessage response, JsonSerializerSettings settings, CancellationToken cancellationToken)
    {
        var body = response.Content is null ? Array.Empty<byte>() : await ResponseBodies.ReadBytesAsync(response.Content, cancellationToken).ConfigureAwait(false);
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
