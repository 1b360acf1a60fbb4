using System.Text;
using Newtonsoft.Json;
using NUnit.Framework;

namespace Messaging.WhatsApp.Tests;

/// <summary>
/// The strict reader keeps its open containers as bits for the first 64 levels and in a list beyond: both halves
/// must tell an object from an array when closing, and property names must come back as the text read.
/// </summary>
public sealed class StrictJsonReaderTests
{
    private static readonly string[] ExpectedNames = ["idMessage", "idMessagf", "ümlaut"];


    [TestCase(10)]
    [TestCase(64)]
    [TestCase(65)]
    [TestCase(150)]
    public void Read_MixedNestingDeeperThan64_ClosesEveryContainerInOrder(int depth)
    {
        var json = Nested(depth, close: true);
        var reader = new StrictJsonReader(Encoding.UTF8.GetBytes(json)) { MaxDepth = 200 };
        var starts = 0;
        var ends = 0;
        while (reader.Read())
        {
            starts += reader.TokenType is JsonToken.StartObject or JsonToken.StartArray ? 1 : 0;
            ends += reader.TokenType is JsonToken.EndObject or JsonToken.EndArray ? 1 : 0;
        }

        Assert.Multiple(() =>
        {
            Assert.That(starts, Is.EqualTo(depth));
            Assert.That(ends, Is.EqualTo(depth));
        });
        Assert.DoesNotThrow(reader.EnsureEnd);
    }

    [TestCase(10)]
    [TestCase(64)]
    [TestCase(65)]
    [TestCase(150)]
    public void Read_WrongClosingBracketAtDepth_Throws(int depth)
    {
        // The innermost container is closed with the other kind of bracket.
        var open = Nested(depth, close: false);
        var innermostIsObject = (depth - 1) % 2 == 0;
        var json = open + (innermostIsObject ? "]" : "}");
        var reader = new StrictJsonReader(Encoding.UTF8.GetBytes(json)) { MaxDepth = 200 };

        Assert.Throws<JsonReaderException>(() =>
        {
            while (reader.Read())
            {
            }
        });
    }

    [Test]
    public void Read_PropertyNames_AreTheTextRead()
    {
        var reader = new StrictJsonReader(Encoding.UTF8.GetBytes("{\"idMessage\":\"a\",\"idMessagf\":\"b\",\"ümlaut\":\"c\"}"));
        var names = new System.Collections.Generic.List<string>();
        while (reader.Read())
        {
            if (reader.TokenType == JsonToken.PropertyName)
            {
                names.Add((string)reader.Value!);
            }
        }

        Assert.That(names, Is.EqualTo(ExpectedNames));
    }

    /// <summary>Objects and arrays alternating, outermost an object: <c>{"a":[{"a":[…]}]}</c>.</summary>
    private static string Nested(int depth, bool close)
    {
        var builder = new StringBuilder();
        for (var level = 0; level < depth; level++)
        {
            builder.Append(level % 2 == 0 ? (level == depth - 1 ? "{" : "{\"a\":") : "[");
        }

        if (close)
        {
            for (var level = depth - 1; level >= 0; level--)
            {
                builder.Append(level % 2 == 0 ? '}' : ']');
            }
        }

        return builder.ToString();
    }
}
