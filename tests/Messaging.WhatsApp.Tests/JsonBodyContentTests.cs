using System;
using System.Text;
using System.Threading.Tasks;
using Messaging.WhatsApp.GreenApi;
using Newtonsoft.Json;
using NUnit.Framework;

namespace Messaging.WhatsApp.Tests;

/// <summary>
/// A request body's bytes are exactly those of the serialized string encoded by <see cref="Encoding.UTF8"/>, with a
/// known length, whatever the text holds.
/// </summary>
public sealed class JsonBodyContentTests
{
    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false);

    private static readonly string[] Pieces =
    [
        "a", "Hello ", "\"quoted\"", "back\\slash", "\n", "\t", "\u0001", "é", "ß", "Ж", "中文", "\u200B", "😀", "👍🏽",
        "\uD83D", "\uDE00", "\uDBFF\uDFFF", "\uFFFD", "\uFFFF", "<script>", "'", "\u2028",
    ];

    [Test]
    public async Task Body_SeededTexts_AreTheUtf8OfTheSerializedString([Values(1, 2, 3, 4, 5, 6, 7, 8)] int seed)
    {
        var random = new Random(seed);
        for (var i = 0; i < 200; i++)
        {
            var text = new StringBuilder();
            var pieces = random.Next(0, 40);
            for (var p = 0; p < pieces; p++)
            {
                text.Append(Pieces[random.Next(Pieces.Length)]);
            }

            await AssertBytes(text.ToString());
        }
    }

    [TestCase(255)]
    [TestCase(256)]
    [TestCase(20_000)]
    [TestCase(70_000)]
    public async Task Body_LongTexts_AreTheUtf8OfTheSerializedString(int units)
    {
        await AssertBytes(new string('x', units));
        await AssertBytes(string.Concat(System.Linq.Enumerable.Repeat("😀", units / 2)));
        await AssertBytes(new string('x', units) + "\uD83D");
    }

    [Test]
    public async Task Body_AfterASerializationThatFailed_IsStillExact()
    {
        var settings = Settings();
        Assert.That(() => GeneratedClientSupport.JsonBody(new Throwing(), settings, "application/json"), Throws.InstanceOf<JsonSerializationException>());

        // Ends with a high surrogate too: nothing of the failed body, or of its state, may leak into the next one.
        await AssertBytes("after the failure \uD83D");
        await AssertBytes("clean");
    }

    private static async Task AssertBytes(string text)
    {
        var settings = Settings();
        var request = new GreenApiSendMessageRequest { ChatId = "905301111111@c.us", Message = text };
        using var content = GeneratedClientSupport.JsonBody(request, settings, "application/json");
        var bytes = await content.ReadAsByteArrayAsync();

        var expected = Utf8.GetBytes(JsonConvert.SerializeObject(request, settings));
        Assert.Multiple(() =>
        {
            Assert.That(bytes, Is.EqualTo(expected), () => "text: " + Escaped(text));
            Assert.That(content.Headers.ContentLength, Is.EqualTo(expected.Length));
        });
    }

    private static JsonSerializerSettings Settings()
    {
        var settings = new JsonSerializerSettings();
        StrictContractResolver.Apply(settings);
        return settings;
    }

    private static string Escaped(string text)
    {
        var builder = new StringBuilder();
        foreach (var c in text)
        {
            builder.Append(c < 0x80 && !char.IsControl(c) ? c.ToString() : $"\\u{(int)c:X4}");
        }

        return builder.ToString();
    }

    private sealed class Throwing
    {
        private readonly string _first = "first, then a failure";

        public string First => _first;

        public string Second => _first.Length > 0 ? throw new InvalidOperationException("a getter that fails") : _first;
    }
}
