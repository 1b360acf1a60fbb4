using System;
using System.Collections;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Numerics;
using System.Reflection;
using System.Runtime.Serialization;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;
using Newtonsoft.Json.Serialization;

namespace Messaging.WhatsApp;

/// <summary>
/// Newtonsoft.Json's contracts, except that every generated model is read by <see cref="StrictObjectConverter"/>:
/// property names match exactly, a known property of the wrong type or given twice is an error, and required
/// properties must be there. Writing is unchanged. One shared instance caches the contracts.
/// </summary>
internal sealed class StrictContractResolver : DefaultContractResolver
{
    public static readonly StrictContractResolver Instance = new(nullMeansAbsent: false);

    /// <summary>
    /// The same, except that an optional property given as JSON <c>null</c> counts as absent: for what a
    /// gateway sends unasked (notifications), where a null must not cost the whole notification.
    /// </summary>
    public static readonly StrictContractResolver Tolerant = new(nullMeansAbsent: true);

    private readonly bool _nullMeansAbsent;

    private StrictContractResolver(bool nullMeansAbsent) => _nullMeansAbsent = nullMeansAbsent;

    /// <summary>Settings with this resolver: what the generated clients read and write with.</summary>
    /// <param name="settings">The settings to adjust.</param>
    public static void Apply(JsonSerializerSettings settings)
    {
        settings.ContractResolver = Instance;
        settings.MaxDepth = 64;
        settings.DateParseHandling = DateParseHandling.None;
    }

    protected override JsonObjectContract CreateObjectContract(Type objectType)
    {
        var contract = base.CreateObjectContract(objectType);
        if (contract.Converter is null && contract.DefaultCreator is not null && !objectType.IsAbstract)
        {
            contract.Converter = new StrictObjectConverter(contract, _nullMeansAbsent);
        }

        return contract;
    }
}

/// <summary>Reads one model exactly as its JSON schema describes it; see <see cref="StrictContractResolver"/>.</summary>
internal sealed class StrictObjectConverter : JsonConverter
{
    private static readonly ConcurrentDictionary<Type, Dictionary<string, object>> EnumValues = new();

    private readonly JsonObjectContract _contract;
    private readonly JsonProperty[] _properties;
    private readonly Dictionary<string, int> _index;
    private readonly int[] _required;
    private readonly bool _nullMeansAbsent;

    public StrictObjectConverter(JsonObjectContract contract, bool nullMeansAbsent = false)
    {
        _contract = contract;
        _nullMeansAbsent = nullMeansAbsent;
        _properties = contract.Properties.Where(p => !p.Ignored && p.Writable && p.PropertyName is not null && p.PropertyType is not null).ToArray();
        _index = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < _properties.Length; i++)
        {
            _index[_properties[i].PropertyName!] = i;
        }

        _required = Enumerable.Range(0, _properties.Length)
            .Where(i => _properties[i].Required is Required.Always or Required.AllowNull)
            .ToArray();
    }

    public override bool CanWrite => false;

    public override bool CanConvert(Type objectType) => objectType == _contract.UnderlyingType;

    public override void WriteJson(JsonWriter writer, object? value, JsonSerializer serializer) =>
        throw new NotSupportedException("Writing goes through Newtonsoft.Json's own contract.");

    public override object? ReadJson(JsonReader reader, Type objectType, object? existingValue, JsonSerializer serializer)
    {
        if (reader.TokenType != JsonToken.StartObject)
        {
            throw Fail(reader, $"expected an object, found {StrictJsonReader.Describe(reader.TokenType)}");
        }

        var target = existingValue ?? _contract.DefaultCreator!();
        var seen = _properties.Length <= 64 ? null : new bool[_properties.Length];
        var seenBits = 0UL;
        while (true)
        {
            if (!reader.Read())
            {
                throw Fail(reader, "the object is not closed");
            }

            if (reader.TokenType == JsonToken.EndObject)
            {
                break;
            }

            var name = (string)reader.Value!;
            if (!_index.TryGetValue(name, out var i))
            {
                ReadUnknown(reader, target, name);
                continue;
            }

            if (seen is null ? (seenBits & (1UL << i)) != 0 : seen[i])
            {
                throw Fail(reader, $"'{name}' is given twice");
            }

            if (seen is null)
            {
                seenBits |= 1UL << i;
            }
            else
            {
                seen[i] = true;
            }

            var property = _properties[i];
            Next(reader);
            var value = StrictValues.ReadCurrent(reader, property.PropertyType!, serializer, name);
            if (value is null && property.Required == Required.Default && _nullMeansAbsent)
            {
                continue;
            }

            if (value is null && property.Required != Required.AllowNull)
            {
                // null is a type of its own in JSON; an optional property is left out, not set to null.
                throw Fail(reader, $"'{name}' is null");
            }

            property.ValueProvider!.SetValue(target, value);
        }

        foreach (var i in _required)
        {
            if (seen is null ? (seenBits & (1UL << i)) == 0 : !seen[i])
            {
                throw Fail(reader, $"the required property '{_properties[i].PropertyName}' is missing");
            }
        }

        return target;
    }

    internal static void Next(JsonReader reader)
    {
        if (!reader.Read())
        {
            throw Fail(reader, "the JSON text ends where a value is expected");
        }
    }

    internal static JsonSerializationException Fail(JsonReader reader, string what) =>
        new($"The body does not match the spec at '{reader.Path}': {what}.");

    private void ReadUnknown(JsonReader reader, object target, string name)
    {
        Next(reader);
        if (_contract.ExtensionDataSetter is { } setter)
        {
            // Unknown fields are kept, as Newtonsoft.Json keeps them: values as they are, objects and arrays as JTokens.
            setter(target, name, StrictValues.ReadCurrent(reader, typeof(object), null, name));
        }
        else
        {
            reader.Skip();
        }
    }

    /// <summary>Reads one value, already positioned on its first token, as the given type and nothing else.</summary>
    internal static class StrictValues
    {
        public static object? ReadCurrent(JsonReader reader, Type type, JsonSerializer? serializer, string name)
        {
            var token = reader.TokenType;
            if (token == JsonToken.Null)
            {
                return null;
            }

            var underlying = Nullable.GetUnderlyingType(type) ?? type;
            if (underlying == typeof(string))
            {
                return token == JsonToken.String ? reader.Value : throw WrongType(reader, name, "a string");
            }

            if (underlying == typeof(bool))
            {
                return token == JsonToken.Boolean ? reader.Value : throw WrongType(reader, name, "true or false");
            }

            if (underlying == typeof(int) || underlying == typeof(long) || underlying == typeof(short))
            {
                return token == JsonToken.Integer && reader.Value is long l && InRange(underlying, l)
                    ? Convert.ChangeType(l, underlying, CultureInfo.InvariantCulture)
                    : throw WrongType(reader, name, "an integer in range");
            }

            if (underlying == typeof(double) || underlying == typeof(float) || underlying == typeof(decimal))
            {
                return token is JsonToken.Integer or JsonToken.Float && reader.Value is not BigInteger
                    ? ToNumber(reader, underlying, name)
                    : throw WrongType(reader, name, "a number");
            }

            if (underlying.IsEnum)
            {
                return token == JsonToken.String && EnumValue(underlying, (string)reader.Value!) is { } member
                    ? member
                    : throw WrongType(reader, name, "one of " + string.Join(", ", EnumMap(underlying).Keys));
            }

            if (underlying == typeof(Uri))
            {
                return token == JsonToken.String && Uri.TryCreate((string)reader.Value!, UriKind.RelativeOrAbsolute, out var uri)
                    ? uri
                    : throw WrongType(reader, name, "a URI");
            }

            if (underlying == typeof(DateTimeOffset) || underlying == typeof(DateTime))
            {
                if (token != JsonToken.String || !DateTimeOffset.TryParse((string)reader.Value!, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var date))
                {
                    throw WrongType(reader, name, "a date-time string");
                }

                return underlying == typeof(DateTime) ? date.UtcDateTime : date;
            }

            if (underlying == typeof(byte[]))
            {
                return token == JsonToken.String && TryBase64((string)reader.Value!) is { } bytes ? bytes : throw WrongType(reader, name, "a base64 string");
            }

            if (underlying == typeof(object) || typeof(JToken).IsAssignableFrom(underlying))
            {
                return token is JsonToken.StartObject or JsonToken.StartArray || underlying != typeof(object)
                    ? JToken.ReadFrom(reader)
                    : reader.Value;
            }

            if (DictionaryValueType(underlying) is { } valueType)
            {
                return ReadDictionary(reader, underlying, valueType, serializer, name);
            }

            if (ElementType(underlying) is { } elementType)
            {
                return ReadList(reader, underlying, elementType, serializer, name);
            }

            if (serializer?.ContractResolver.ResolveContract(underlying) is { Converter: { } converter })
            {
                return converter.ReadJson(reader, underlying, null, serializer);
            }

            throw Fail(reader, $"'{name}' has a type ({underlying.Name}) the strict reader does not know");
        }

        private static bool InRange(Type type, long value) =>
            type == typeof(long)
            || (type == typeof(int) && value is >= int.MinValue and <= int.MaxValue)
            || (type == typeof(short) && value is >= short.MinValue and <= short.MaxValue);

        private static object ToNumber(JsonReader reader, Type type, string name)
        {
            var number = reader.Value is long l ? l : (double)reader.Value!;
            if (type == typeof(double))
            {
                return number;
            }

            if (type == typeof(float))
            {
                return (float)number is var f && !float.IsInfinity(f) ? f : throw WrongType(reader, name, "a number in range");
            }

            return number is > -7.9e28 and < 7.9e28 ? (decimal)number : throw WrongType(reader, name, "a number in range");
        }

        private static byte[]? TryBase64(string text)
        {
            try
            {
                return Convert.FromBase64String(text);
            }
            catch (FormatException)
            {
                return null;
            }
        }

        private static object ReadList(JsonReader reader, Type listType, Type elementType, JsonSerializer? serializer, string name)
        {
            if (reader.TokenType != JsonToken.StartArray)
            {
                throw WrongType(reader, name, "an array");
            }

            var items = (IList)Activator.CreateInstance(typeof(List<>).MakeGenericType(elementType))!;
            var index = 0;
            while (true)
            {
                Next(reader);
                if (reader.TokenType == JsonToken.EndArray)
                {
                    break;
                }

                var item = ReadCurrent(reader, elementType, serializer, $"{name}[{index++}]");
                if (item is null)
                {
                    throw Fail(reader, $"an item of '{name}' is null");
                }

                items.Add(item);
            }

            if (listType.IsArray)
            {
                var array = Array.CreateInstance(elementType, items.Count);
                items.CopyTo(array, 0);
                return array;
            }

            return listType.IsAssignableFrom(items.GetType())
                ? items
                : Activator.CreateInstance(listType, items) ?? throw Fail(reader, $"'{name}' cannot be created");
        }

        private static object ReadDictionary(JsonReader reader, Type dictionaryType, Type valueType, JsonSerializer? serializer, string name)
        {
            if (reader.TokenType != JsonToken.StartObject)
            {
                throw WrongType(reader, name, "an object");
            }

            var entries = (IDictionary)Activator.CreateInstance(typeof(Dictionary<,>).MakeGenericType(typeof(string), valueType))!;
            while (true)
            {
                Next(reader);
                if (reader.TokenType == JsonToken.EndObject)
                {
                    break;
                }

                var key = (string)reader.Value!;
                if (entries.Contains(key))
                {
                    throw Fail(reader, $"'{name}.{key}' is given twice");
                }

                Next(reader);
                entries[key] = ReadCurrent(reader, valueType, serializer, name + "." + key);
            }

            return dictionaryType.IsAssignableFrom(entries.GetType())
                ? entries
                : Activator.CreateInstance(dictionaryType, entries) ?? throw Fail(reader, $"'{name}' cannot be created");
        }

        private static Type? ElementType(Type type)
        {
            if (type.IsArray)
            {
                return type.GetElementType();
            }

            if (type == typeof(string) || !typeof(IEnumerable).IsAssignableFrom(type))
            {
                return null;
            }

            return (type.IsInterface ? new[] { type } : type.GetInterfaces())
                .Concat(type.GetInterfaces())
                .FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IEnumerable<>))?
                .GetGenericArguments()[0];
        }

        private static Type? DictionaryValueType(Type type) =>
            (type.IsInterface ? new[] { type } : Array.Empty<Type>())
                .Concat(type.GetInterfaces())
                .FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IDictionary<,>) && i.GetGenericArguments()[0] == typeof(string))?
                .GetGenericArguments()[1];

        private static object? EnumValue(Type type, string text) =>
            EnumMap(type).TryGetValue(text, out var value) ? value : null;

        private static Dictionary<string, object> EnumMap(Type type) =>
            EnumValues.GetOrAdd(type, t => t.GetFields(BindingFlags.Public | BindingFlags.Static).ToDictionary(
                f => f.GetCustomAttribute<EnumMemberAttribute>()?.Value ?? f.Name,
                f => f.GetValue(null)!,
                StringComparer.Ordinal));

        private static JsonSerializationException WrongType(JsonReader reader, string name, string expected) =>
            Fail(reader, $"'{name}' is {StrictJsonReader.Describe(reader.TokenType)}, not {expected}");
    }
}
