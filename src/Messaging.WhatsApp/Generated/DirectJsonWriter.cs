using System;
using System.Collections.Concurrent;
using Newtonsoft.Json;
using Newtonsoft.Json.Converters;
using Newtonsoft.Json.Serialization;

namespace Messaging.WhatsApp;

/// <summary>
/// Writes a request body the way <see cref="JsonSerializer.Serialize(JsonWriter, object)"/> would, byte for
/// byte, but from a plan made once per type instead of through Newtonsoft.Json's general machinery on every
/// call. Only what the plan covers is written this way: a type or a setting it does not cover, or a value it
/// would have to refuse (a null for a required property), is left to the serializer itself, with its own
/// output and errors.
/// </summary>
/// <remarks>
/// Covered: serializer settings that change nothing for the covered types (no converters, no type names,
/// no references, null values and default values written, no trace writer or error handler); classes whose
/// contract has no callbacks, extension data or item settings, whose readable properties have no
/// <c>ShouldSerialize</c>/<c>Specified</c> members, no reference or type-name settings and no default-value
/// ignoring, and hold strings, booleans, 32- and 64-bit integers (nullable or not), enums written by a
/// <see cref="StringEnumConverter"/> on the property, or covered classes (exactly the declared class). A
/// property of any other type is covered while it is null.
/// </remarks>
internal sealed class DirectJsonWriter
{
    private readonly JsonSerializer _serializer;
    private readonly bool _settingsCovered;
    private readonly ConcurrentDictionary<Type, ObjectPlan?> _plans = new();
    private readonly Func<Type, ObjectPlan?> _build;

    public DirectJsonWriter(JsonSerializer serializer)
    {
        _serializer = serializer;
        _settingsCovered = SettingsCovered(serializer);
        _build = type => Build(type, 0);
    }

    /// <summary>The serializer this writer writes for, and hands over to.</summary>
    public JsonSerializer Serializer => _serializer;

    /// <summary>
    /// Writes <paramref name="value"/> as one whole JSON value and returns true, or writes a prefix of it (or
    /// nothing) and returns false: the caller then discards what was written and serializes it with
    /// <see cref="Serializer"/>.
    /// </summary>
    public bool TryWrite(JsonWriter writer, object value)
    {
        if (!_settingsCovered)
        {
            return false;
        }

        var plan = _plans.GetOrAdd(value.GetType(), _build);
        return plan is not null && plan.TryWrite(writer, value, _serializer);
    }

    private static bool SettingsCovered(JsonSerializer serializer) =>
        serializer.Converters.Count == 0
        && serializer.TypeNameHandling == TypeNameHandling.None
        && serializer.PreserveReferencesHandling == PreserveReferencesHandling.None
        && serializer.ReferenceLoopHandling == ReferenceLoopHandling.Error
        && serializer.NullValueHandling == NullValueHandling.Include
        && serializer.DefaultValueHandling == DefaultValueHandling.Include
        && serializer.Formatting == Formatting.None
        && serializer.StringEscapeHandling == StringEscapeHandling.Default
        && serializer.TraceWriter is null
        && serializer.EqualityComparer is null;

    /// <summary>
    /// The plan for a class, or null if any part of it is not covered. Plans nest at most 5 deep: a deeper (or
    /// looping) value is the serializer's, which reports a reference loop as it does.
    /// </summary>
    private ObjectPlan? Build(Type type, int depth)
    {
        if (depth > 4 || type.IsValueType)
        {
            return null;
        }

        if (_serializer.ContractResolver.ResolveContract(type) is not JsonObjectContract contract
            || contract.Converter is { CanWrite: true }
            || contract.ExtensionDataGetter is not null
            || contract.OnSerializingCallbacks.Count > 0
            || contract.OnSerializedCallbacks.Count > 0
            || contract.IsReference is not null
            || contract.ItemRequired is not null
            || contract.ItemNullValueHandling is not null
            || contract.ItemConverter is not null
            || contract.ItemIsReference is not null
            || contract.ItemTypeNameHandling is not null
            || contract.ItemReferenceLoopHandling is not null)
        {
            return null;
        }

        var properties = new System.Collections.Generic.List<PropertyPlan>(contract.Properties.Count);
        foreach (var property in contract.Properties)
        {
            if (property.Ignored || !property.Readable)
            {
                continue;
            }

            if (property.ShouldSerialize is not null
                || property.GetIsSpecified is not null
                || property.ValueProvider is null
                || property.PropertyName is null
                || property.PropertyType is null
                || property.TypeNameHandling is not null
                || property.IsReference is not null
                || property.ReferenceLoopHandling is not null
                || property.ItemConverter is not null
                || property.ItemIsReference is not null
                || property.ItemTypeNameHandling is not null
                || property.ItemReferenceLoopHandling is not null
                || (property.DefaultValueHandling is { } handling && (handling & DefaultValueHandling.Ignore) != 0))
            {
                return null;
            }

            var kind = KindOf(property, out var nested, depth);
            if (kind == ValueKind.None)
            {
                return null;
            }

            properties.Add(new PropertyPlan(
                property.PropertyName,
                property.ValueProvider,
                kind,
                property.Converter,
                nested,
                property.NullValueHandling == NullValueHandling.Ignore,
                property.Required is Required.Always or Required.DisallowNull));
        }

        return new ObjectPlan(type, properties.ToArray());
    }

    private ValueKind KindOf(JsonProperty property, out ObjectPlan? nested, int depth)
    {
        nested = null;
        var type = property.PropertyType!;
        var underlying = Nullable.GetUnderlyingType(type) ?? type;
        if (property.Converter is not null)
        {
            // An enum the property writes by name: the converter writes it, as the serializer would call it.
            return underlying.IsEnum && property.Converter.GetType() == typeof(StringEnumConverter) && property.Converter.CanWrite
                ? ValueKind.Converter
                : ValueKind.None;
        }

        if (underlying.IsPrimitive || underlying == typeof(string))
        {
            // A contract resolver may give even a primitive a converter of its own.
            if (_serializer.ContractResolver.ResolveContract(underlying).Converter is not null)
            {
                return ValueKind.None;
            }
        }

        if (underlying == typeof(string))
        {
            return ValueKind.String;
        }

        if (underlying == typeof(bool))
        {
            return ValueKind.Boolean;
        }

        if (underlying == typeof(int))
        {
            return ValueKind.Int32;
        }

        if (underlying == typeof(long))
        {
            return ValueKind.Int64;
        }

        if (underlying.IsClass && !underlying.IsAbstract && underlying != typeof(object))
        {
            nested = Build(underlying, depth + 1);
            if (nested is not null)
            {
                return ValueKind.Object;
            }
        }

        // Any other value is the serializer's; a null one is written here all the same.
        return ValueKind.Serializer;
    }

    private enum ValueKind
    {
        None,
        String,
        Boolean,
        Int32,
        Int64,
        Converter,
        Object,

        /// <summary>Written only if null; any other value hands the whole body over to the serializer.</summary>
        Serializer,
    }

    private sealed class PropertyPlan
    {
        public PropertyPlan(string name, IValueProvider value, ValueKind kind, JsonConverter? converter, ObjectPlan? nested, bool ignoreNull, bool refuseNull)
        {
            Name = name;
            Value = value;
            Kind = kind;
            Converter = converter;
            Nested = nested;
            IgnoreNull = ignoreNull;
            RefuseNull = refuseNull;
        }

        public string Name { get; }

        public IValueProvider Value { get; }

        public ValueKind Kind { get; }

        public JsonConverter? Converter { get; }

        public ObjectPlan? Nested { get; }

        public bool IgnoreNull { get; }

        /// <summary>Required: the serializer refuses a null here, with its own exception.</summary>
        public bool RefuseNull { get; }
    }

    private sealed class ObjectPlan
    {
        private readonly Type _type;
        private readonly PropertyPlan[] _properties;

        public ObjectPlan(Type type, PropertyPlan[] properties)
        {
            _type = type;
            _properties = properties;
        }

        public bool TryWrite(JsonWriter writer, object target, JsonSerializer serializer)
        {
            // The serializer uses the value's own contract: a subclass is not this plan's.
            if (target.GetType() != _type)
            {
                return false;
            }

            writer.WriteStartObject();
            foreach (var property in _properties)
            {
                var value = property.Value.GetValue(target);
                if (value is null)
                {
                    if (property.IgnoreNull)
                    {
                        continue;
                    }

                    if (property.RefuseNull)
                    {
                        return false;
                    }

                    writer.WritePropertyName(property.Name);
                    writer.WriteNull();
                    continue;
                }

                writer.WritePropertyName(property.Name);
                switch (property.Kind)
                {
                    case ValueKind.String:
                        writer.WriteValue((string)value);
                        break;
                    case ValueKind.Boolean:
                        writer.WriteValue((bool)value);
                        break;
                    case ValueKind.Int32:
                        writer.WriteValue((int)value);
                        break;
                    case ValueKind.Int64:
                        writer.WriteValue((long)value);
                        break;
                    case ValueKind.Converter:
                        property.Converter!.WriteJson(writer, value, serializer);
                        break;
                    case ValueKind.Object:
                        if (!property.Nested!.TryWrite(writer, value, serializer))
                        {
                            return false;
                        }

                        break;
                    default:
                        return false;
                }
            }

            writer.WriteEndObject();
            return true;
        }
    }
}
