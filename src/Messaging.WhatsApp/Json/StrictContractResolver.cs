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
    private readonly StrictValues.Shape[] _shapes;
    private readonly int[] _required;
    private readonly bool _nullMeansAbsent;

    public StrictObjectConverter(JsonObjectContract contract, bool nullMeansAbsent = false)
    {
        _contract = contract;
        _nullMeansAbsent = nullMeansAbsent;
        _properties = contract.Properties.Where(p => !p.Ignored && p.Writable && p.PropertyName is not null && p.PropertyType is not null).ToArray();
        _index = new Dictionary<string, int>(StringComparer.Ordinal);
        _shapes = new StrictValues.Shape[_properties.Length];
        for (var i = 0; i < _properties.Length; i++)
        {
            _index[_properties[i].PropertyName!] = i;
            _shapes[i] = StrictValues.ShapeOf(_properties[i].PropertyType!);
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
            var i = IndexOf(name);
            if (i < 0)
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
            var value = StrictValues.ReadCurrent(reader, _shapes[i], serializer, name);
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

    /// <summary>The index of the property named <paramref name="name"/>, or -1.</summary>
    private int IndexOf(string name) => _index.TryGetValue(name, out var found) ? found : -1;

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
            setter(target, name, StrictValues.ReadCurrent(reader, StrictValues.Untyped, null, name));
        }
        else
        {
            reader.Skip();
        }
    }

    /// <summary>Reads one value, already positioned on its first token, as the given type and nothing else.</summary>
    internal static class StrictValues
    {
        /// <summary>What a value of a type is read as: worked out once per type, not on every value.</summary>
        internal enum Kind
        {
            String,
            Boolean,
            Integer,
            Number,
            Enum,
            Uri,
            Date,
            Bytes,
            Token,
            Dictionary,
            List,
            Model,
        }

        private static readonly ConcurrentDictionary<Type, Shape> Shapes = new();

        /// <summary>The shape of <see cref="object"/>: any JSON value, as Newtonsoft.Json keeps unknown ones.</summary>
        public static readonly Shape Untyped = ShapeOf(typeof(object));

        public static Shape ShapeOf(Type type) => Shapes.GetOrAdd(type, static t => new Shape(t));

        public static object? ReadCurrent(JsonReader reader, Type type, JsonSerializer? serializer, string name) =>
            ReadCurrent(reader, ShapeOf(type), serializer, name);

        public static object? ReadCurrent(JsonReader reader, Shape shape, JsonSerializer? serializer, string name)
        {
            var token = reader.TokenType;
            if (token == JsonToken.Null)
            {
                return null;
            }

            var underlying = shape.Underlying;
            switch (shape.Kind)
            {
                case Kind.String:
                    return token == JsonToken.String ? reader.Value : throw WrongType(reader, name, "a string");
                case Kind.Boolean:
                    return token == JsonToken.Boolean ? reader.Value : throw WrongType(reader, name, "true or false");
                case Kind.Integer:
                    return token == JsonToken.Integer && reader.Value is long l && InRange(underlying, l)
                        ? (underlying == typeof(long) ? reader.Value : Convert.ChangeType(l, underlying, CultureInfo.InvariantCulture))
                        : throw WrongType(reader, name, "an integer in range");
                case Kind.Number:
                    return token is JsonToken.Integer or JsonToken.Float && reader.Value is not BigInteger
                        ? ToNumber(reader, underlying, name)
                        : throw WrongType(reader, name, "a number");
                case Kind.Enum:
                    return token == JsonToken.String && EnumValue(underlying, (string)reader.Value!) is { } member
                        ? member
                        : throw WrongType(reader, name, "one of " + string.Join(", ", EnumMap(underlying).Keys));
                case Kind.Uri:
                    return token == JsonToken.String && Uri.TryCreate((string)reader.Value!, UriKind.RelativeOrAbsolute, out var uri)
                        ? uri
                        : throw WrongType(reader, name, "a URI");
                case Kind.Date:
                    if (token != JsonToken.String || !DateTimeOffset.TryParse((string)reader.Value!, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var date))
                    {
                        throw WrongType(reader, name, "a date-time string");
                    }

                    return underlying == typeof(DateTime) ? date.UtcDateTime : date;
                case Kind.Bytes:
                    return token == JsonToken.String && TryBase64((string)reader.Value!) is { } bytes ? bytes : throw WrongType(reader, name, "a base64 string");
                case Kind.Token:
                    return token is JsonToken.StartObject or JsonToken.StartArray || underlying != typeof(object)
                        ? JToken.ReadFrom(reader)
                        : reader.Value;
                case Kind.Dictionary:
                    return ReadDictionary(reader, shape, serializer, name);
                case Kind.List:
                    return ReadList(reader, shape, serializer, name);
                default:
                    if (serializer is not null && shape.ConverterFor(serializer.ContractResolver) is { } converter)
                    {
                        return converter.ReadJson(reader, underlying, null, serializer);
                    }

                    throw Fail(reader, $"'{name}' has a type ({underlying.Name}) the strict reader does not know");
            }
        }

        /// <summary>A type as the strict reader reads it: its kind, and the shape of its items or values.</summary>
        internal sealed class Shape
        {
            private Shape? _item;

            public Shape(Type type)
            {
                Underlying = Nullable.GetUnderlyingType(type) ?? type;
                Kind = KindOf(Underlying, out var itemType);
                ItemType = itemType;
            }

            /// <summary>The resolver last asked for this model's converter, and its answer.</summary>
            private Tuple<IContractResolver, JsonConverter?>? _converter;

            /// <summary>A model's converter from <paramref name="resolver"/>'s contract, remembered for the resolver last asked.</summary>
            public JsonConverter? ConverterFor(IContractResolver resolver)
            {
                var cached = _converter;
                if (cached is not null && ReferenceEquals(cached.Item1, resolver))
                {
                    return cached.Item2;
                }

                var converter = resolver.ResolveContract(Underlying).Converter;
                _converter = Tuple.Create(resolver, converter);
                return converter;
            }

            /// <summary>The declared type of a list's items or a dictionary's values.</summary>
            public Type? ItemType { get; }

            public Type Underlying { get; }

            public Kind Kind { get; }

            /// <summary>The shape of a list's items or a dictionary's values; made when first needed (a type may contain itself).</summary>
            public Shape? Item => ItemType is null ? null : _item ??= ShapeOf(ItemType);

            private static Kind KindOf(Type underlying, out Type? itemType)
            {
                itemType = null;
                if (underlying == typeof(string))
                {
                    return Kind.String;
                }

                if (underlying == typeof(bool))
                {
                    return Kind.Boolean;
                }

                if (underlying == typeof(int) || underlying == typeof(long) || underlying == typeof(short))
                {
                    return Kind.Integer;
                }

                if (underlying == typeof(double) || underlying == typeof(float) || underlying == typeof(decimal))
                {
                    return Kind.Number;
                }

                if (underlying.IsEnum)
                {
                    return Kind.Enum;
                }

                if (underlying == typeof(Uri))
                {
                    return Kind.Uri;
                }

                if (underlying == typeof(DateTimeOffset) || underlying == typeof(DateTime))
                {
                    return Kind.Date;
                }

                if (underlying == typeof(byte[]))
                {
                    return Kind.Bytes;
                }

                if (underlying == typeof(object) || typeof(JToken).IsAssignableFrom(underlying))
                {
                    return Kind.Token;
                }

                if (DictionaryValueType(underlying) is { } valueType)
                {
                    itemType = valueType;
                    return Kind.Dictionary;
                }

                if (ElementType(underlying) is { } elementType)
                {
                    itemType = elementType;
                    return Kind.List;
                }

                return Kind.Model;
            }
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

        private static object ReadList(JsonReader reader, Shape list, JsonSerializer? serializer, string name)
        {
            if (reader.TokenType != JsonToken.StartArray)
            {
                throw WrongType(reader, name, "an array");
            }

            var listType = list.Underlying;
            var elementType = list.ItemType!;
            var element = list.Item!;
            var items = (IList)Activator.CreateInstance(typeof(List<>).MakeGenericType(elementType))!;
            var index = 0;
            while (true)
            {
                Next(reader);
                if (reader.TokenType == JsonToken.EndArray)
                {
                    break;
                }

                var item = ReadCurrent(reader, element, serializer, $"{name}[{index++}]");
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

        private static object ReadDictionary(JsonReader reader, Shape dictionary, JsonSerializer? serializer, string name)
        {
            if (reader.TokenType != JsonToken.StartObject)
            {
                throw WrongType(reader, name, "an object");
            }

            var dictionaryType = dictionary.Underlying;
            var value = dictionary.Item!;
            var entries = (IDictionary)Activator.CreateInstance(typeof(Dictionary<,>).MakeGenericType(typeof(string), dictionary.ItemType!))!;
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
                entries[key] = ReadCurrent(reader, value, serializer, name + "." + key);
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
