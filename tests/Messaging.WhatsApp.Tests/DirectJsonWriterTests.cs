using System;
using System.Collections;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Text;
using System.Threading.Tasks;
using Messaging.WhatsApp.GreenApi;
using Messaging.WhatsApp.Maytapi;
using Newtonsoft.Json;
using Newtonsoft.Json.Converters;
using NUnit.Framework;

namespace Messaging.WhatsApp.Tests;

/// <summary>
/// Request bodies are written from a plan per type (<see cref="DirectJsonWriter"/>) where the plan covers them,
/// by Newtonsoft.Json otherwise: the bytes and the errors must be exactly Newtonsoft.Json's, for every model of
/// both providers filled at random, for settings the plan does not cover, and for what it must hand over (a
/// required null, a subclass, a reference loop, a value of a type it does not write).
/// </summary>
public sealed class DirectJsonWriterTests
{
    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false);

    private static readonly string[] Pieces =
    [
        "a", "Hello ", "\"quoted\"", "back\\slash", "\n", "\t", "\u0001", "é", "中文", "😀", "\uD83D", "<script>", "'", "\u2028", "",
    ];

    private static readonly Type[] Models = typeof(GreenApiClient).Assembly.GetTypes()
        .Concat(typeof(MaytapiClient).Assembly.GetTypes())
        .Where(t => t.IsPublic && t.IsClass && !t.IsAbstract && t.GetConstructor(Type.EmptyTypes) is not null
                    && t.GetCustomAttributes(typeof(System.CodeDom.Compiler.GeneratedCodeAttribute), false)
                        .Cast<System.CodeDom.Compiler.GeneratedCodeAttribute>().Any(a => a.Tool == "NJsonSchema"))
        .OrderBy(t => t.FullName, StringComparer.Ordinal)
        .ToArray();

    [Test]
    public void TheModels_AreFound() =>
        Assert.That(Models, Has.Length.GreaterThan(20).And.Member(typeof(GreenApiSendMessageRequest)).And.Member(typeof(TextMessage)));

    [Test]
    public void TheSendRequests_AreWrittenDirectly()
    {
        // The point of the plan: a text send does not go through the serializer.
        var writer = new DirectJsonWriter(JsonSerializer.Create(Settings()));
        foreach (var body in new object[]
                 {
                     new GreenApiSendMessageRequest { ChatId = "905301111111@c.us", Message = "hi", TypePreview = LinkPreviewSize.Small, LinkPreview = false, TypingTime = 1500 },
                     new TextMessage { ToNumber = "905301111111", Message = "hi", SkipFilter = true },
                 })
        {
            using var text = new StringWriter();
            using var json = new JsonTextWriter(text);
            Assert.That(writer.TryWrite(json, body), Is.True, body.GetType().Name);
            Assert.That(text.ToString(), Is.EqualTo(JsonConvert.SerializeObject(body, Settings())));
        }
    }

    [Test]
    public async Task EveryModel_FilledAtRandom_IsWrittenAsNewtonsoftWritesIt([Values(1, 2, 3, 4, 5, 6)] int seed)
    {
        var random = new Random(seed);
        var settings = Settings();
        var plan = new DirectJsonWriter(JsonSerializer.Create(settings));
        int direct = 0, all = 0;
        foreach (var type in Models)
        {
            for (var i = 0; i < 25; i++)
            {
                var body = Fill(type, random, 0);
                await AssertSame(body, settings);
                using var json = new JsonTextWriter(new StringWriter());
                direct += plan.TryWrite(json, body) ? 1 : 0;
                all++;
            }
        }

        // Both ways are exercised: the plan writes a good share of the bodies, the serializer the rest.
        Assert.That(direct, Is.GreaterThan(all / 10).And.LessThan(all), $"{direct} of {all} written directly");
    }

    [Test]
    public async Task SettingsThePlanDoesNotCover_GiveTheSerializersOutput()
    {
        var body = new GreenApiSendMessageRequest { ChatId = "905301111111@c.us", Message = "hi", QuotedMessageId = null, TypePreview = LinkPreviewSize.Large };
        foreach (var change in new Action<JsonSerializerSettings>[]
                 {
                     s => s.Formatting = Formatting.Indented,
                     s => s.NullValueHandling = NullValueHandling.Ignore,
                     s => s.DefaultValueHandling = DefaultValueHandling.Ignore,
                     s => s.Converters.Add(new StringEnumConverter { AllowIntegerValues = false }),
                     s => s.StringEscapeHandling = StringEscapeHandling.EscapeNonAscii,
                     s => s.TypeNameHandling = TypeNameHandling.Objects,
                 })
        {
            var settings = Settings();
            change(settings);
            await AssertSame(body, settings);
            await AssertSame(new TextMessage { ToNumber = "905301111111", Message = "é \"x\"" }, settings);
        }
    }

    [Test]
    public async Task WhatThePlanHandsOver_IsTheSerializers()
    {
        var settings = Settings();

        // A required null (with its exception), a value of a type the plan does not write, a subclass.
        await AssertSame(new GreenApiSendMessageRequest { ChatId = null!, Message = "hi" }, settings);
        await AssertSame(new GreenApiSendMessageRequest { ChatId = "1@c.us", Message = "hi", CustomPreview = new CustomPreview { Title = "t", UrlFile = new Uri("https://example.com/a b") } }, settings);
        await AssertSame(new Derived { ChatId = "1@c.us", Message = "hi", Extra = "more" }, settings);

        // A reference loop: the serializer's own error, not a stack overflow.
        var loop = new Node { Name = "a" };
        loop.Next = loop;
        await AssertSame(loop, settings);
        await AssertSame(new Node { Name = "a", Next = new Node { Name = "b" } }, settings);

        // An enum value with no name, which StringEnumConverter writes as a number.
        await AssertSame(new GreenApiSendMessageRequest { ChatId = "1@c.us", Message = "hi", TypePreview = (LinkPreviewSize)7 }, settings);
    }

    [Test]
    public async Task AfterAHandOverPartWayThrough_TheNextBodyIsExact()
    {
        var settings = Settings();

        // The plan writes the start of this body, then meets the Uri and hands the whole body over.
        await AssertSame(new GreenApiSendMessageRequest { ChatId = "1@c.us", Message = "first", CustomPreview = new CustomPreview { Title = "t", UrlFile = new Uri("https://example.com/") } }, settings);
        await AssertSame(new GreenApiSendMessageRequest { ChatId = "2@c.us", Message = "second" }, settings);

        // The serializer throws part-way through: nothing of it reaches the next body.
        Assert.That(() => GeneratedClientSupport.JsonBody(new GreenApiSendMessageRequest { ChatId = null!, Message = "x" }, settings, "application/json"), Throws.InstanceOf<JsonSerializationException>());
        await AssertSame(new TextMessage { ToNumber = "905301111111", Message = "third" }, settings);
    }

    private static async Task AssertSame(object body, JsonSerializerSettings settings)
    {
        string? expected = null;
        Exception? expectedError = null;
        try
        {
            expected = JsonConvert.SerializeObject(body, settings);
        }
        catch (JsonException e)
        {
            expectedError = e;
        }

        if (expectedError is not null)
        {
            var thrown = Assert.Throws(expectedError.GetType(), () => GeneratedClientSupport.JsonBody(body, settings, "application/json").Dispose());
            Assert.That(thrown!.Message, Is.EqualTo(expectedError.Message), body.GetType().Name);
            return;
        }

        using var content = GeneratedClientSupport.JsonBody(body, settings, "application/json");
        var bytes = await content.ReadAsByteArrayAsync();
        Assert.That(bytes, Is.EqualTo(Utf8.GetBytes(expected!)), () => body.GetType().Name + ": " + expected);
    }

    private static JsonSerializerSettings Settings()
    {
        var settings = new JsonSerializerSettings();
        StrictContractResolver.Apply(settings);
        return settings;
    }

    private static object Fill(Type type, Random random, int depth)
    {
        var value = Activator.CreateInstance(type)!;
        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanWrite && p.GetIndexParameters().Length == 0))
        {
            if (random.Next(5) == 0)
            {
                continue; // left as constructed
            }

            property.SetValue(value, ValueOf(property.PropertyType, random, depth));
        }

        return value;
    }

    private static object? ValueOf(Type type, Random random, int depth)
    {
        var underlying = Nullable.GetUnderlyingType(type);
        if ((underlying is not null || !type.IsValueType) && random.Next(4) == 0)
        {
            return null;
        }

        type = underlying ?? type;
        if (type == typeof(string))
        {
            var text = new StringBuilder();
            for (var i = random.Next(0, 8); i > 0; i--)
            {
                text.Append(Pieces[random.Next(Pieces.Length)]);
            }

            return text.ToString();
        }

        if (type == typeof(bool))
        {
            return random.Next(2) == 0;
        }

        if (type == typeof(int))
        {
            return random.Next(3) switch { 0 => int.MinValue, 1 => int.MaxValue, _ => random.Next(-1000, 100_000) };
        }

        if (type == typeof(long))
        {
            return random.Next(3) switch { 0 => long.MinValue, 1 => long.MaxValue, _ => (long)random.Next() * 1000 };
        }

        if (type == typeof(double))
        {
            return random.NextDouble() * 1000;
        }

        if (type == typeof(decimal))
        {
            return (decimal)random.Next() / 100;
        }

        if (type.IsEnum)
        {
            var values = Enum.GetValues(type);
            return random.Next(6) == 0 ? Enum.ToObject(type, 77) : values.GetValue(random.Next(values.Length));
        }

        if (type == typeof(Uri))
        {
            return new Uri("https://example.com/" + random.Next(1000));
        }

        if (type == typeof(byte[]))
        {
            var bytes = new byte[random.Next(0, 6)];
            random.NextBytes(bytes);
            return bytes;
        }

        if (type == typeof(DateTimeOffset))
        {
            return new DateTimeOffset(2026, 11, 24, 8, 0, random.Next(60), TimeSpan.Zero);
        }

        if (type == typeof(DateTime))
        {
            return new DateTime(2026, 11, 24, 8, 0, random.Next(60), DateTimeKind.Utc);
        }

        if (type == typeof(object))
        {
            return random.Next(2) == 0 ? "any" : random.Next();
        }

        if (type.IsGenericType && type.GetGenericArguments().Length == 2 && type.IsAssignableFrom(typeof(Dictionary<,>).MakeGenericType(type.GetGenericArguments())))
        {
            var dictionary = (IDictionary)Activator.CreateInstance(typeof(Dictionary<,>).MakeGenericType(type.GetGenericArguments()))!;
            if (depth < 2)
            {
                dictionary["k" + random.Next(10)] = ValueOf(type.GetGenericArguments()[1], random, depth + 1);
            }

            return dictionary;
        }

        if (type.IsGenericType && type.GetGenericArguments().Length == 1 && typeof(IEnumerable).IsAssignableFrom(type))
        {
            var list = (IList)Activator.CreateInstance(typeof(List<>).MakeGenericType(type.GetGenericArguments()))!;
            for (var i = depth < 2 ? random.Next(0, 3) : 0; i > 0; i--)
            {
                list.Add(ValueOf(type.GetGenericArguments()[0], random, depth + 1));
            }

            return list;
        }

        if (type.IsClass && !type.IsAbstract && type.GetConstructor(Type.EmptyTypes) is not null && depth < 3)
        {
            return Fill(type, random, depth + 1);
        }

        return type.IsValueType ? Activator.CreateInstance(type) : null;
    }

    public sealed class Node
    {
        public string? Name { get; set; }

        public Node? Next { get; set; }
    }

    public sealed class Derived : GreenApiSendMessageRequest
    {
        public string? Extra { get; set; }
    }
}
