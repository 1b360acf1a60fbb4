using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Text;
using System.Threading.Tasks;
using Messaging.WhatsApp.Maytapi;
using Messaging.WhatsApp.Tests.Infrastructure;
using NUnit.Framework;

namespace Messaging.WhatsApp.Tests.Hostile;

/// <summary>
/// A gateway may echo a credential back in any encoding: JSON escapes, URL encoding, HTML entities, base64,
/// hexadecimal, another letter case, or one of those inside another. None of them reaches an exception's
/// message, ToString(), ResponseBody, ProviderMessage or a log line.
/// </summary>
public sealed class EncodedSecretTests
{
    /// <summary>A key with characters that every encoding treats differently.</summary>
    private const string OddKey = "k3y+with/slash=and&amp<tag>\"q\"";

    private static readonly ChatAddress Person = ChatAddress.Parse("905301111111");

    private static readonly (string Name, Func<string, string> Encode)[] Encodings =
    [
        ("as is", s => s),
        ("upper case", s => s.ToUpperInvariant()),
        ("JSON \\u escapes, lower hex", s => string.Concat(s.Select(c => $"\\u{(int)c:x4}"))),
        ("JSON \\u escapes, upper hex", s => string.Concat(s.Select(c => $"\\u{(int)c:X4}"))),
        ("JSON short escapes", s => s.Replace("\\", "\\\\").Replace("/", "\\/").Replace("\"", "\\\"")),
        ("every third char \\u-escaped", s => string.Concat(s.Select((c, i) => i % 3 == 0 ? $"\\u{(int)c:x4}" : c.ToString()))),
        ("JavaScript \\x escapes", s => string.Concat(s.Select(c => $"\\x{(int)c:x2}"))),
        ("percent, upper hex", s => string.Concat(Encoding.UTF8.GetBytes(s).Select(b => $"%{b:X2}"))),
        ("percent, lower hex", s => string.Concat(Encoding.UTF8.GetBytes(s).Select(b => $"%{b:x2}"))),
        ("Uri.EscapeDataString", Uri.EscapeDataString),
        ("WebUtility.UrlEncode", s => WebUtility.UrlEncode(s)),
        ("percent, twice", s => Uri.EscapeDataString(string.Concat(Encoding.UTF8.GetBytes(s).Select(b => $"%{b:X2}")))),
        ("percent inside JSON escapes", s => string.Concat(string.Concat(Encoding.UTF8.GetBytes(s).Select(b => $"%{b:X2}")).Select(c => $"\\u{(int)c:x4}"))),
        ("HTML decimal entities", s => string.Concat(s.Select(c => $"&#{(int)c};"))),
        ("HTML hex entities", s => string.Concat(s.Select(c => $"&#x{(int)c:X};"))),
        ("WebUtility.HtmlEncode", WebUtility.HtmlEncode),
        ("base64", s => Convert.ToBase64String(Encoding.UTF8.GetBytes(s))),
        ("base64 inside a longer text, offset 1", s => Convert.ToBase64String(Encoding.UTF8.GetBytes("x" + s + "y"))),
        ("base64 inside a longer text, offset 2", s => Convert.ToBase64String(Encoding.UTF8.GetBytes("user:" + s))),
        ("base64url", s => Convert.ToBase64String(Encoding.UTF8.GetBytes("ab" + s)).Replace('+', '-').Replace('/', '_').TrimEnd('=')),
        ("hex, lower", s => Convert.ToHexString(Encoding.UTF8.GetBytes(s)).ToLowerInvariant()),
        ("hex, upper", s => Convert.ToHexString(Encoding.UTF8.GetBytes(s))),
    ];

    public static IEnumerable<TestCaseData> Echoes()
    {
        foreach (var (name, encode) in Encodings)
        {
            foreach (var provider in TestProvider.Names)
            {
                yield return new TestCaseData(provider, name, encode).SetArgDisplayNames(provider, name);
            }
        }
    }

    [TestCaseSource(nameof(Echoes))]
    public async Task Send_GatewayEchoesTheSecretEncoded_NothingRevealsIt(string provider, string encodingName, Func<string, string> encode)
    {
        var p = TestProvider.Named(provider);
        var echoing = EchoingOf(p);
        var secret = echoing.Secret;
        var echoed = encode(secret);
        var body = echoing.Body(echoed);
        await using var server = RawHttpServer.Answering(RawHttpServer.Response(400, "application/json", body));
        using var services = TestServices.With(s => p.Register(s, server.Url, echoing.UseSecret));

        var error = Assert.CatchAsync<WhatsAppException>(() => services.Sender.SendTextAsync(Person, "hi"))!;

        var places = new List<(string Where, string? Text)>
        {
            ("Message", error.Message),
            ("ToString()", error.ToString()),
            ("ResponseBody", error.ResponseBody),
            ("ProviderMessage", error.ProviderMessage),
        };
        places.AddRange(error.Data.Cast<DictionaryEntry>().Select(d => ("Data", (string?)$"{d.Key}={d.Value}")));
        places.AddRange(services.Logs.Lines.Select(l => ("log", (string?)l)));
        Assert.Multiple(() =>
        {
            Assert.That(error.ResponseBody, Does.Contain("***"), $"{encodingName}: the echo is masked, not dropped");
            foreach (var (where, text) in places)
            {
                Assert.That(text ?? string.Empty, Does.Not.Contain(echoed).IgnoreCase, $"{encodingName} in {where}");
                Assert.That(text ?? string.Empty, Does.Not.Contain(secret).IgnoreCase, $"raw secret in {where}");
            }
        });
    }

    [Test]
    public void Redact_TextWithoutTheSecret_IsLeftAlone()
    {
        var redactor = new SecretRedactor([TestServices.GreenToken, OddKey]);
        const string text = """{"statusCode":400,"message":"Validation failed: \u0027message\u0027 is empty","path":"/waInstance1/sendMessage/%2A","html":"&lt;b&gt;","b64":"SGVsbG8gd29ybGQ="}""";

        Assert.That(redactor.Redact(text), Is.EqualTo(text));
    }

    /// <summary>
    /// Per provider: the secret its gateway echoes (for Maytapi a key with characters every encoding treats
    /// differently; GREEN-API's token goes in the path, so it is the test sender's own), the 400 body it echoes
    /// it in, and how the sender is given that secret.
    /// </summary>
    private static Echoing EchoingOf(TestProvider provider) => provider.Name switch
    {
        "green-api" => new(
            provider.Secret,
            echoed => $$"""{"statusCode":400,"path":"/waInstance{{TestServices.GreenInstance}}/sendMessage/{{echoed}}","message":"Validation failed. Details: token {{echoed}}"}""",
            _ => { }),
        "maytapi" => new(
            OddKey,
            echoed => $$"""{"success":false,"message":"key {{echoed}} does not own phone 12"}""",
            o => ((MaytapiOptions)o).ApiKey = OddKey),
        _ => throw new ArgumentOutOfRangeException(nameof(provider), provider.Name, "No echoing gateway is described for this provider."),
    };

    private sealed record Echoing(string Secret, Func<string, string> Body, Action<WhatsAppSenderOptions> UseSecret);
}
