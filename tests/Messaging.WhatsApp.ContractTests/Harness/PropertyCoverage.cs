using System;
using System.Collections.Generic;
using System.Linq;
using Newtonsoft.Json.Linq;
using NJsonSchema;

namespace Messaging.WhatsApp.ContractTests.Harness;

/// <summary>
/// Which properties of a spec's schemas the recordings exercise. A property is reachable when a request body,
/// response or notification schema leads to the object schema that declares it (through properties, array
/// items, allOf/anyOf/oneOf and a discriminator's mapping); it is exercised when a recorded body walked along
/// that schema has it (with any value, null included).
/// </summary>
public sealed class PropertyCoverage
{
    private readonly ContractSpec _spec;

    /// <summary>Reachable properties in the order found, each with the first place it was reached from.</summary>
    private readonly Dictionary<(JsonSchema Schema, string Property), string> _reachable = [];

    private readonly HashSet<(JsonSchema Schema, string Property)> _exercised = [];

    /// <summary>The name of each schema reached: its component name, or the place of an inline schema in its parent.</summary>
    private readonly Dictionary<JsonSchema, string> _names = [];

    public PropertyCoverage(ContractSpec spec) => _spec = spec;

    /// <summary>Marks every property reachable from <paramref name="schema"/> as one to exercise.</summary>
    /// <param name="schema">A request body, response or notification schema.</param>
    /// <param name="from">What it is, for messages: e.g. "SendMessage request".</param>
    public void Require(JsonSchema schema, string from) => Require(schema, from, from);

    private void Require(JsonSchema schema, string from, string inlineName)
    {
        var actual = schema.ActualSchema;
        if (_names.ContainsKey(actual))
        {
            return;
        }

        var name = _spec.SchemaNameOf(actual) ?? inlineName;
        _names.Add(actual, name);
        foreach (var (propertyName, property) in actual.Properties)
        {
            _reachable.TryAdd((actual, propertyName), from);
            Require(property, from, $"{name}.{propertyName}");
        }

        foreach (var part in actual.AllOf.Concat(actual.AnyOf).Concat(actual.OneOf))
        {
            Require(part, from, name);
        }

        foreach (var item in actual.Items.Append(actual.Item).OfType<JsonSchema>())
        {
            Require(item, from, name + "[]");
        }

        if (actual.AdditionalPropertiesSchema is { } values)
        {
            Require(values, from, name + "{}");
        }

        foreach (var mapped in actual.DiscriminatorObject?.Mapping.Values ?? Enumerable.Empty<JsonSchema>())
        {
            Require(mapped, from, name);
        }
    }

    /// <summary>Marks the properties <paramref name="body"/> has, walked along <paramref name="schema"/>, as exercised.</summary>
    public void Record(JToken? body, JsonSchema schema)
    {
        switch (body)
        {
            case JObject o:
                var declared = new HashSet<string>(StringComparer.Ordinal);
                foreach (var alternative in Alternatives(schema, o))
                {
                    foreach (var (name, property) in alternative.Properties)
                    {
                        declared.Add(name);
                        if (o.Property(name, StringComparison.Ordinal) is { } present)
                        {
                            _exercised.Add((alternative, name));
                            Record(present.Value, property);
                        }
                    }
                }

                foreach (var alternative in Alternatives(schema, o).Where(a => a.AdditionalPropertiesSchema is not null))
                {
                    foreach (var other in o.Properties().Where(p => !declared.Contains(p.Name)))
                    {
                        Record(other.Value, alternative.AdditionalPropertiesSchema!);
                    }
                }

                break;
            case JArray a:
                foreach (var item in Alternatives(schema, null).Where(s => s.Item is not null).Select(s => s.Item!))
                {
                    foreach (var element in a)
                    {
                        Record(element, item);
                    }
                }

                break;
        }
    }

    /// <summary>The reachable properties no recording has, as "Schema.property (reached from …)", in the order reached.</summary>
    public IReadOnlyList<string> Unexercised =>
        _reachable
            .Where(r => !_exercised.Contains(r.Key))
            .Select(r => $"{Name(r.Key)} (reached from {r.Value})")
            .ToList();

    /// <summary>The reachable properties, as "Schema.property".</summary>
    public IReadOnlyList<string> Reachable => _reachable.Keys.Select(Name).ToList();

    /// <summary>
    /// The schema and every schema it is composed of (allOf/anyOf/oneOf, transitively), and for a discriminated
    /// <paramref name="body"/> the schema its discriminator value maps to.
    /// </summary>
    private static List<JsonSchema> Alternatives(JsonSchema schema, JObject? body)
    {
        var found = new List<JsonSchema>();
        Collect(schema.ActualSchema);
        return found;

        void Collect(JsonSchema s)
        {
            if (found.Contains(s))
            {
                return;
            }

            found.Add(s);
            foreach (var part in s.AllOf.Concat(s.AnyOf).Concat(s.OneOf))
            {
                Collect(part.ActualSchema);
            }

            if (s.DiscriminatorObject is { } discriminator && body is not null
                && (string?)body[discriminator.PropertyName!] is { } value
                && discriminator.Mapping.TryGetValue(value, out var mapped))
            {
                Collect(mapped.ActualSchema);
            }
        }
    }

    private string Name((JsonSchema Schema, string Property) key) => $"{_names[key.Schema]}.{key.Property}";
}
