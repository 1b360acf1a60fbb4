using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using Messaging.WhatsApp.Tests.Infrastructure;
using Messaging.WhatsApp.Tests.Receiving;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace Messaging.WhatsApp.Tests.Health;

/// <summary>One answer of a state operation (GREEN-API getStateInstance, or Maytapi listPhones) and how it is handed over.</summary>
public sealed record StateAnswerCase(
    int Index,
    bool Maytapi,
    int Status,
    string? ContentType,
    (string Name, string Value)[] Headers,
    byte[] Body,
    Delivery Delivery,
    int Cut,
    string Description)
{
    public string Provider => Maytapi ? "maytapi" : "green-api";

    /// <summary>The bytes the server writes for this case.</summary>
    public byte[] Response() => Delivery switch
    {
        Delivery.ShortContentLength => RawHttpServer.Response(Status, ContentType, Body[..Cut], Headers),
        Delivery.CutShort => RawHttpServer.Response(Status, ContentType, Body, Headers)[..^(Body.Length - Cut)],
        Delivery.Reset => RawHttpServer.Response(Status, ContentType, Body, Headers)[..Cut],
        _ => RawHttpServer.Response(Status, ContentType, Body, Headers),
    };

    public override string ToString()
    {
        var text = Encoding.UTF8.GetString(Body, 0, Math.Min(Body.Length, 400));
        var shown = string.Concat(text.Select(c => c < ' ' || c is '\u200b' or '\ufeff' or '\ufffd' ? $"\\u{(int)c:x4}" : c.ToString()));
        return $"case {Index} {Provider} -> {Status} '{ContentType}' {Delivery}/{Cut} [{Description}] body ({Body.Length} bytes) {shown}";
    }
}

/// <summary>
/// Seeded answers of the state operations for <see cref="StateAnswerFuzzTests"/>: the recorded answers
/// (specs/recordings/green-api/get-state-instance-*, maytapi/list-phones-*), their words replaced by documented,
/// case, space, NUL and look-alike variants and by the token itself; wrong JSON types, extra nesting, repeated
/// properties, error envelopes with 200, lists with the phone twice or of another product, JSON null, byte-level damage
/// (truncation, trailing garbage, BOM, NUL bytes, bytes that are not UTF-8), huge bodies, other statuses with bodies that
/// echo the secrets, wrong content types, and bodies cut or reset in transit. Case <c>i</c> of a seed is always the same.
/// </summary>
public sealed class StateAnswerFuzzer
{
    /// <summary>The phone the Maytapi sender is configured with.</summary>
    public const long PhoneId = 12;

    /// <summary>The words GREEN-API documents for stateInstance, and variants that are not those words.</summary>
    public static readonly string[] GreenWords =
    [
        "authorized", "notAuthorized", "blocked", "sleepMode", "starting", "yellowCard", "suspended", "pendingPassword",
        "Authorized", "AUTHORIZED", " authorized", "authorized ", "authorized\n", "\tauthorized", "authorized\0", "auth\0orized",
        "authorized\u200b", "\u0430uthorized", "notauthorized", "NotAuthorized", "Blocked", "yellow_card", "", "null", "true",
        TestServices.GreenToken, Uri.EscapeDataString("x/" + TestServices.GreenToken), Convert.ToBase64String(Encoding.UTF8.GetBytes(TestServices.GreenToken)),
    ];

    /// <summary>The words Maytapi documents for a phone's status, and variants that are not those words.</summary>
    public static readonly string[] MaytapiWords =
    [
        "active", "loading", "phone-error", "qr-code", "qr-screen", "idle", "disabled", "banned",
        "Active", "ACTIVE", " active", "active ", "active\n", "active\0", "act\0ive", "active\u200b", "\u0430ctive", "qr_code", "Disabled",
        "", "null", TestServices.MaytapiKey, "key=" + Uri.EscapeDataString(TestServices.MaytapiKey), Convert.ToBase64String(Encoding.UTF8.GetBytes(TestServices.MaytapiKey)),
    ];

    private static readonly string[] Garbage = ["x", "}", ",", " {}", "\0", "]", " null", "\n{\"stateInstance\":\"blocked\"}", "<!-- -->"];

    private static readonly string[] Nulls = ["null", " null", "null\n", "\r\n null \t"];

    private static readonly string[] OtherPhoneIds = ["7", "13", "45976", "120", "1", "0", "2"];

    private static readonly string[] OtherTypedFields = [",\"number\":905301234567", ",\"multi_device\":\"true\"", ",\"name\":5", ",\"type\":[]", ",\"data\":{\"mobile_proxy\":true}"];

    private static readonly string[] RepeatedTargetFields = ["\"status\":\"active\"", "\"status\":\"qr-code\"", "\"id\":12", "\"id\":13"];

    private static readonly byte[] NotUtf8 = [0xFF, 0xC3, 0x80, 0xED];

    private static readonly string[] TargetIds =
    [
        "\"12\"", "12.0", "1.2e1", "-12", "120", "null", "9223372036854775807", "99999999999999999999", "\"012\"", "\" 12\"", "true", "{\"id\":12}", "[12]",
    ];

    private static readonly string?[] ContentTypes =
        ["application/json", "application/json", "application/json", "application/json; charset=utf-8", "application/json; charset=utf-16", "text/plain", "text/html", "application/problem+json", null];

    private readonly int _seed;
    private readonly (int Status, string? ContentType, byte[] Body)[] _greenRecordings;
    private readonly (int Status, string? ContentType, byte[] Body)[] _maytapiRecordings;

    public StateAnswerFuzzer(int seed)
    {
        _seed = seed;
        _greenRecordings = LoadRecordings("green-api", "get-state-instance-");
        _maytapiRecordings = LoadRecordings("maytapi", "list-phones-");
    }

    public static string RecordingsDirectory => Path.Combine(AppContext.BaseDirectory, "Recordings");

    /// <summary>How many recordings each provider's cases start from.</summary>
    public (int GreenApi, int Maytapi) RecordingCounts => (_greenRecordings.Length, _maytapiRecordings.Length);

    public StateAnswerCase Case(int index)
    {
        var random = new Random(unchecked((_seed * 1_000_003) + index));
        var maytapi = index % 2 == 1;
        var what = new List<string>();
        var roll = random.Next(100);
        int status;
        string? contentType;
        byte[] body;
        var headers = Array.Empty<(string, string)>();
        if (roll < 12)
        {
            (status, contentType, body) = Pick(random, maytapi ? _maytapiRecordings : _greenRecordings);
            what.Add("a recording as recorded");
        }
        else if (roll < 24)
        {
            (status, contentType, body, headers) = StatusCase(random, maytapi);
            what.Add($"HTTP {status}");
        }
        else
        {
            status = 200;
            contentType = Pick(random, ContentTypes);
            var text = maytapi ? MaytapiBody(random, what) : GreenBody(random, what);
            body = Encoding.UTF8.GetBytes(text);
            if (random.Next(100) < 14)
            {
                body = Damage(random, body, what);
            }
        }

        var delivery = Delivery.Whole;
        var cut = 0;
        if (body.Length < 1_000_000 && random.Next(100) < 7)
        {
            delivery = (Delivery)random.Next(1, 4);
            var total = RawHttpServer.Response(status, contentType, body, headers).Length;
            cut = delivery == Delivery.Reset ? random.Next(0, total) : random.Next(0, Math.Max(1, body.Length));
            if (delivery != Delivery.Reset && cut >= body.Length)
            {
                delivery = Delivery.Whole;
                cut = 0;
            }
            else
            {
                what.Add($"{delivery} at {cut}");
            }
        }

        return new StateAnswerCase(index, maytapi, status, contentType, headers, body, delivery, cut, string.Join("; ", what));
    }

    /// <summary>A JSON string literal of <paramref name="word"/>: escaped as Newtonsoft writes it, or every character as <c>\uXXXX</c>.</summary>
    private static string Quoted(Random random, string word, List<string> what)
    {
        if (word.Length > 0 && random.Next(12) == 0)
        {
            what.Add("the word \\u-escaped");
            return "\"" + string.Concat(word.Select(c => $"\\u{(int)c:x4}")) + "\"";
        }

        return JsonConvert.ToString(word);
    }

    private static string GreenBody(Random random, List<string> what)
    {
        var word = random.Next(3) switch { 0 => Pick(random, GreenWords[..2]), 1 => Pick(random, GreenWords[..8]), _ => Pick(random, GreenWords) };
        var quoted = Quoted(random, word, what);
        var roll = random.Next(100);
        if (roll < 55)
        {
            what.Add("stateInstance " + JsonConvert.ToString(word));
            var fields = new List<string> { "\"stateInstance\":" + quoted };
            if (random.Next(4) == 0)
            {
                fields.Insert(random.Next(fields.Count + 1), Pick(random, ExtraFields));
                what.Add("an unknown field");
            }

            if (random.Next(40) == 0)
            {
                fields.Add("\"padding\":\"" + new string('p', random.Next(2) == 0 ? 1_000_000 : 5_000_000) + "\"");
                what.Add("a huge unknown field");
            }

            if (random.Next(40) == 0)
            {
                var depth = random.Next(2) == 0 ? 30 : 200;
                fields.Add("\"deep\":" + new string('[', depth) + new string(']', depth));
                what.Add($"nesting {depth} deep");
            }

            var space = Pick(random, new[] { string.Empty, " ", "\r\n", "\t \n " });
            return space + "{" + space + string.Join("," + space, fields) + space + "}" + space;
        }

        if (roll < 62)
        {
            what.Add("JSON null");
            return Pick(random, Nulls);
        }

        what.Add("another shape");
        var word2 = Pick(random, GreenWords[..8]);
        return Pick(random, new[]
        {
            quoted, "5", "true", "[]", "{}", "[" + "{\"stateInstance\":" + quoted + "}]", "[{\"stateInstance\":" + quoted + "},{\"stateInstance\":\"blocked\"}]",
            "{\"stateInstance\":5}", "{\"stateInstance\":0}", "{\"stateInstance\":true}", "{\"stateInstance\":null}", "{\"stateInstance\":[" + quoted + "]}",
            "{\"stateInstance\":{\"value\":" + quoted + "}}", "{\"data\":{\"stateInstance\":" + quoted + "}}", "{\"stateInstance\":{\"stateInstance\":" + quoted + "}}",
            "{\"code\":401,\"description\":\"Unauthorized\"}", "{\"code\":401}", "{\"code\":\"401\",\"description\":\"Unauthorized\"}", "{\"code\":200,\"description\":\"OK\"}",
            "{\"message\":\"instance not found\"}", "{\"error\":\"Unauthorized\",\"statusCode\":401}", "{\"success\":false}",
            "{\"code\":401,\"description\":\"Unauthorized " + TestServices.GreenToken + "\"}",
            "{\"StateInstance\":" + quoted + "}", "{\"stateinstance\":" + quoted + "}", "{\"stateInstance \":" + quoted + "}", "{\"state\":" + quoted + "}",
            "{\"stateInstance\":" + quoted + ",\"stateInstance\":" + quoted + "}",
            "{\"stateInstance\":" + quoted + ",\"stateInstance\":\"" + word2 + "\"}",
            "{\"stateInstance\":\"" + word2 + "\",\"stateInstance\":" + quoted + "}",
            "{\"x\":1,\"x\":2,\"stateInstance\":" + quoted + "}",
            "{\"stateInstance\":" + quoted + ",\"StateInstance\":\"blocked\"}",
            "{\"stateInstance\":" + quoted + ",\"extra\":{\"a\":1,\"a\":2}}",
            "{\"stateInstance\":" + quoted + ",\"code\":401,\"description\":\"Unauthorized\"}",
            "{\"stateInstance\":\"" + new string('a', 100_000) + "\"}",
            "{'stateInstance':'authorized'}", "{stateInstance:\"authorized\"}", "{\"stateInstance\":\"authorized\",}", "{\"stateInstance\":\"authorized\"/* c */}",
            "{\"stateInstance\":\"\\ud800\"}", "{\"stateInstance\":\"authorized\\ud800\"}", "NaN", "{\"stateInstance\":NaN}",
            string.Empty, " ", "<html><body>authorized</body></html>", "authorized",
        });
    }

    private static readonly string[] ExtraFields =
    [
        "\"wid\":\"79001234567@c.us\"", "\"typeInstance\":\"whatsapp\"", "\"foo\":{\"bar\":[1,2,{\"baz\":null}]}", "\"n\":12345678901234567890",
        "\"x\":1.5e3", "\"empty\":\"\"", "\"unicode\":\"Привет 😀\"", "\"stateInstanceChanged\":\"blocked\"", "\"deviceId\":null",
    ];

    private static string MaytapiBody(Random random, List<string> what)
    {
        var roll = random.Next(100);
        if (roll < 12)
        {
            what.Add("another shape");
            var entry = "{\"id\":12,\"status\":\"active\"}";
            return Pick(random, new[]
            {
                "{\"success\":false,\"message\":\"instance not found\"}", "{\"success\":false}", "{\"success\":true,\"data\":[" + entry + "]}",
                entry, "[[" + entry + "]]", "{\"phones\":[" + entry + "]}", "null", "\"active\"", "[]", "[null]", "[null," + entry + "]", "[\"12\"]", "[12]",
                "[1,2]", "[" + entry + ",5]", "{}", "[{}]", "[" + entry + "]]", "[" + entry + ",]", string.Empty, "<html>OK</html>",
                "{\"success\":false,\"message\":\"Invalid key " + TestServices.MaytapiKey + "\"}",
                "[" + entry + "," + entry + "]", "[{\"id\":12,\"status\":\"qr-code\"}," + entry + "]", "[" + entry + ",{\"id\":12,\"status\":\"qr-code\"}]",
            });
        }

        var entries = new List<string>();
        var others = random.Next(100) switch { < 50 => 0, < 85 => random.Next(1, 4), < 97 => random.Next(4, 40), _ => random.Next(30_000, 140_000) };
        for (var i = 0; i < others; i++)
        {
            var id = Pick(random, OtherPhoneIds);
            entries.Add($"{{\"id\":{id},\"number\":\"90530{random.Next(1_000_000, 9_999_999)}\",\"status\":{JsonConvert.ToString(Pick(random, MaytapiWords[..7]))}}}");
        }

        if (others > 40)
        {
            what.Add($"{others} other phones");
        }
        else if (others > 0)
        {
            what.Add($"{others} other phones");
        }

        var present = random.Next(100) < 88;
        if (present)
        {
            entries.Insert(random.Next(entries.Count + 1), Target(random, what));
            if (random.Next(14) == 0)
            {
                entries.Insert(random.Next(entries.Count + 1), Target(random, what));
                what.Add("the phone listed twice");
            }
        }
        else
        {
            what.Add("the phone not listed");
        }

        if (random.Next(20) == 0 && entries.Count > 0)
        {
            var at = random.Next(entries.Count);
            entries[at] = entries[at][..^1] + Pick(random, OtherTypedFields) + "}";
            what.Add("a field of another JSON type");
        }

        var space = Pick(random, new[] { string.Empty, " ", "\n" });
        return space + "[" + string.Join("," + space, entries) + "]" + space;
    }

    /// <summary>An entry meant for the configured phone, which may not quite be it.</summary>
    private static string Target(Random random, List<string> what)
    {
        var fields = new List<string>();
        var id = random.Next(100) < 70 ? "12" : Pick(random, TargetIds);
        if (!(id == "12" && random.Next(30) == 0))
        {
            fields.Add("\"id\":" + id);
        }
        else
        {
            what.Add("no id");
        }

        if (id != "12")
        {
            what.Add("id " + id);
        }

        fields.Add("\"number\":\"905301234567\"");
        var word = random.Next(3) switch { 0 => Pick(random, MaytapiWords[..1]), 1 => Pick(random, MaytapiWords[..7]), _ => Pick(random, MaytapiWords) };
        var status = random.Next(100) switch
        {
            < 88 => Quoted(random, word, what),
            < 91 => null,
            < 93 => "null",
            < 95 => "5",
            < 96 => "true",
            < 98 => "[\"active\"]",
            _ => "{\"status\":\"active\"}",
        };
        what.Add("status " + (status ?? "absent"));
        if (status is not null)
        {
            fields.Add("\"status\":" + status);
        }

        var product = random.Next(100) switch
        {
            < 80 => null,
            < 85 => "\"product_id\":\"" + TestServices.ProductId + "\"",
            < 88 => "\"product_id\":\"" + TestServices.ProductId.ToUpperInvariant() + "\"",
            < 93 => "\"product_id\":\"aaaaaaaa-2222-3333-4444-555555555555\"",
            < 97 => "\"pid\":\"aaaaaaaa-2222-3333-4444-555555555555\"",
            _ => "\"pid\":\"" + TestServices.ProductId + "\"",
        };
        if (product is not null)
        {
            fields.Add(product);
            what.Add(product);
        }

        if (random.Next(25) == 0)
        {
            var repeated = Pick(random, RepeatedTargetFields);
            fields.Add(repeated);
            what.Add("repeated " + repeated);
        }

        return "{" + string.Join(",", fields) + "}";
    }

    /// <summary>Damage at the byte level: truncation, trailing garbage, a BOM, a NUL, a byte that is not UTF-8, a lost quote.</summary>
    private static byte[] Damage(Random random, byte[] body, List<string> what)
    {
        var kind = random.Next(7);
        switch (kind)
        {
            case 0 when body.Length > 1:
                var at = random.Next(1, body.Length);
                what.Add($"truncated at {at}");
                return body[..at];
            case 1:
                var garbage = Pick(random, Garbage);
                what.Add("trailing " + JsonConvert.ToString(garbage));
                return [.. body, .. Encoding.UTF8.GetBytes(garbage)];
            case 2:
                what.Add("BOM");
                return [0xEF, 0xBB, 0xBF, .. body];
            case 3 when body.Length > 0:
                var nul = random.Next(body.Length);
                what.Add($"NUL byte at {nul}");
                return [.. body[..nul], 0, .. body[nul..]];
            case 4 when body.Length > 0:
                var bad = random.Next(body.Length);
                var value = Pick(random, NotUtf8);
                what.Add($"byte 0x{value:X2} at {bad}");
                var copy = (byte[])body.Clone();
                copy[bad] = value;
                return copy;
            case 5 when Array.IndexOf(body, (byte)'"') >= 0:
                var quotes = Enumerable.Range(0, body.Length).Where(i => body[i] == '"').ToArray();
                var lost = Pick(random, quotes);
                what.Add($"the quote at {lost} lost");
                return [.. body[..lost], .. body[(lost + 1)..]];
            default:
                what.Add("undamaged");
                return body;
        }
    }

    private static (int Status, string? ContentType, byte[] Body, (string, string)[] Headers) StatusCase(Random random, bool maytapi)
    {
        var token = maytapi ? TestServices.MaytapiKey : TestServices.GreenToken;
        var path = maytapi ? $"/api/{TestServices.ProductId}/listPhones" : $"/waInstance{TestServices.GreenInstance}/getStateInstance/{token}";
        var echo = Pick(random, new[]
        {
            token, Uri.EscapeDataString("/" + token + "/"), Convert.ToBase64String(Encoding.UTF8.GetBytes(token)), JsonConvert.ToString(token)[1..^1],
            string.Concat(token.Select(c => $"\\u{(int)c:x4}")), Convert.ToHexString(Encoding.UTF8.GetBytes(token)), path,
        });
        var (status, contentType, body) = Pick(random, new (int, string?, string)[]
        {
            (400, "text/plain", "Instance account is expired. Renew your instance from personal area"),
            (400, "application/json", $$"""{"statusCode":400,"path":"{{echo}}","message":"Validation failed"}"""),
            (401, null, string.Empty),
            (401, "application/json", $$"""{"message":"Unauthorized {{echo}}"}"""),
            (403, "text/html", "<html><body>403 Forbidden " + echo + "</body></html>"),
            (429, null, string.Empty),
            (466, "application/json", """{"invokeStatus":{"method":"getStateInstance","used":1,"total":1,"status":"QUOTE_EXCEEDED","description":"Monthly quota has been exceeded"}}"""),
            (500, "text/plain", "Internal Server Error " + echo),
            (502, "text/html", "<html><body>502 Bad Gateway</body></html>"),
            (503, null, string.Empty),
            (201, "application/json", maytapi ? "[{\"id\":12,\"status\":\"active\"}]" : "{\"stateInstance\":\"authorized\"}"),
            (204, null, string.Empty),
            (302, null, string.Empty),
            (404, "text/plain", "Not Found " + echo),
        });
        (string, string)[] headers = status switch
        {
            302 => [("Location", "https://elsewhere.example" + path)],
            429 => [("Retry-After", Pick(random, new[] { "1", "0", "-5", "99999999999", "Fri, 31 Dec 9999 23:59:59 GMT", "soon", token }))],
            _ => [],
        };
        return (status, contentType, Encoding.UTF8.GetBytes(body), headers);
    }

    /// <summary>Each recording of the state operation whose name starts with <paramref name="prefix"/>: its status, content type and body bytes.</summary>
    private static (int, string?, byte[])[] LoadRecordings(string provider, string prefix) =>
        Directory.EnumerateFiles(Path.Combine(RecordingsDirectory, provider), prefix + "*.json")
            .Order(StringComparer.Ordinal)
            .Select(f =>
            {
                var response = (JObject)JObject.Parse(File.ReadAllText(f))["response"]!;
                var contentType = ((JObject?)response["headers"])?.Properties().FirstOrDefault(p => p.Name.Equals("Content-Type", StringComparison.OrdinalIgnoreCase))?.Value.ToString();
                var body = response.Property("body") is { } json ? json.Value.ToString(Formatting.None) : (string?)response["text"] ?? string.Empty;
                return ((int)response["status"]!, contentType, Encoding.UTF8.GetBytes(body));
            })
            .ToArray();

    private static T Pick<T>(Random random, IReadOnlyList<T> items) => items[random.Next(items.Count)];
}
