using Newtonsoft.Json;

namespace Messaging.WhatsApp;

/// <summary>Reads gateway answers with <see cref="StrictJsonReader"/> and the strict contracts of <see cref="StrictContractResolver"/>.</summary>
internal static class StrictJson
{
    /// <summary>
    /// The one JSON value in <paramref name="utf8"/> as <typeparamref name="T"/>. Throws a
    /// <see cref="JsonException"/> for anything that is not exactly that: not UTF-8, not one complete JSON
    /// text, a property of another name or type, a required one missing, one given twice.
    /// </summary>
    /// <typeparam name="T">The type the spec declares for the body.</typeparam>
    /// <param name="utf8">The body.</param>
    /// <param name="serializer">A serializer whose contract resolver is <see cref="StrictContractResolver"/>.</param>
    /// <returns>The value, or null for a body that is the JSON value <c>null</c>: the generated client decides
    /// whether the spec allows that (a <c>nullable</c> response) or throws.</returns>
    public static T Deserialize<T>(byte[] utf8, JsonSerializer serializer)
    {
        var reader = new StrictJsonReader(utf8) { MaxDepth = serializer.MaxDepth ?? 64 };
        if (!reader.Read())
        {
            throw new JsonReaderException("The body is empty.");
        }

        if (reader.TokenType == JsonToken.Null)
        {
            reader.EnsureEnd();
            return default!;
        }

        // A model is read by its strict converter directly, as Newtonsoft.Json would (a contract's converter comes
        // first), without a serializer's internal reader per call.
        var value = serializer.ContractResolver.ResolveContract(typeof(T)) is { Converter: StrictObjectConverter strict }
            ? (T)strict.ReadJson(reader, typeof(T), null, serializer)!
            : serializer.Deserialize<T>(reader);
        reader.EnsureEnd();
        return value!;
    }
}
