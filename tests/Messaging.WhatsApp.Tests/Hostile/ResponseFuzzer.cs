using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using System.Text.Json;
using Messaging.WhatsApp.Tests.Infrastructure;

namespace Messaging.WhatsApp.Tests.Hostile;

/// <summary>One generated answer: the bytes to write, how to write them, and what they were meant to be.</summary>
/// <param name="Status">The status in the status line.</param>
/// <param name="Bytes">Status line, headers and body, exactly as written.</param>
/// <param name="Body">The body alone, for the oracle.</param>
/// <param name="Delivery">How the bytes go out.</param>
/// <param name="Description">What was generated, for failure reports.</param>
/// <param name="Complete">True when the framing delivers the whole body (and nothing else) to a client that waits for it.</param>
/// <param name="KeepsConnection">True when the connection may carry a next request afterwards.</param>
public sealed record FuzzedResponse(int Status, byte[] Bytes, byte[] Body, FuzzDelivery Delivery, string Description, bool Complete, bool KeepsConnection);

/// <summary>How a generated answer is written to the socket.</summary>
public enum FuzzDelivery
{
    /// <summary>All at once, then the connection is closed.</summary>
    Whole,

    /// <summary>A few bytes at a time with pauses, slower than the timeout or not.</summary>
    Trickle,

    /// <summary>Part of it, then a reset.</summary>
    ResetMidway,

    /// <summary>The headers, then nothing until the client gives up.</summary>
    Stall,
}

/// <summary>
/// Generates hostile gateway answers from a seed: any status from 100 to 599; content types and charsets,
/// known and not; bodies of the right and wrong shapes, wrong types, other letter cases, duplicated and
/// missing fields, trailing content, comments, invalid UTF-8, byte order marks, deep nesting, 1 MB bodies,
/// truncated JSON and random bytes; and broken framing. The same seed gives the same answers.
/// </summary>
public sealed class ResponseFuzzer
{
    private static readonly string[] ContentTypes =
    [
        "application/json", "application/json; charset=utf-8", "application/json; charset=utf8mb4", "application/json; charset=binary",
        "text/plain", "text/html; charset=windows-1252", "application/octet-stream", ";;", "application/json; charset=\"\"",
    ];

    private readonly TestProvider _provider;
    private readonly int _salt;
    private readonly string[] _failureBodies;
    private readonly int _seed;

    public ResponseFuzzer(TestProvider provider, int seed)
    {
        _provider = provider;
        (_salt, _failureBodies) = Profile(provider);
        _seed = seed;
    }

    /// <summary>The answer to attempt <paramref name="attempt"/> (from 1) of case <paramref name="index"/>.</summary>
    public FuzzedResponse Answer(int index, int attempt)
    {
        var random = new Random(StableSeed(_seed, index, attempt, _salt));
        var status = Status(random);
        var (body, shape) = Body(random, status);
        var contentType = random.Next(10) < 7 ? ContentTypes[0] : random.Next(4) == 0 ? null : ContentTypes[random.Next(ContentTypes.Length)];
        var headers = new List<(string, string)>();
        if (random.Next(5) == 0)
        {
            headers.Add(("Retry-After", random.Next(3) switch { 0 => "0", 1 => random.Next(100_000).ToString(CultureInfo.InvariantCulture), _ => "soon" }));
        }

        var connectionClose = random.Next(2) == 0;
        if (connectionClose)
        {
            headers.Add(("Connection", "close"));
        }

        var framing = random.Next(20);
        var head = new StringBuilder(FormattableString.Invariant($"HTTP/1.1 {status} Fuzz\r\n"));
        if (contentType is not null)
        {
            head.Append("Content-Type: ").Append(contentType).Append("\r\n");
        }

        foreach (var (name, value) in headers)
        {
            head.Append(name).Append(": ").Append(value).Append("\r\n");
        }

        byte[] payload;
        string framingName;
        var complete = true;
        switch (framing)
        {
            case 0:
                framingName = "chunked";
                head.Append("Transfer-Encoding: chunked\r\n\r\n");
                payload = [.. Encoding.ASCII.GetBytes(body.Length.ToString("x", CultureInfo.InvariantCulture) + "\r\n"), .. body, .. "\r\n0\r\n\r\n"u8.ToArray()];
                break;
            case 1:
                framingName = "no length, closed";
                connectionClose = true;
                head.Append("\r\n");
                payload = body;
                break;
            case 2:
                framingName = "length longer than the body";
                complete = false;
                connectionClose = true;
                head.Append(FormattableString.Invariant($"Content-Length: {body.Length + 1 + random.Next(100)}\r\n\r\n"));
                payload = body;
                break;
            default:
                framingName = "content-length";
                head.Append(FormattableString.Invariant($"Content-Length: {body.Length}\r\n\r\n"));
                payload = body;
                break;
        }

        var delivery = random.Next(40) switch
        {
            0 => FuzzDelivery.Trickle,
            1 => FuzzDelivery.ResetMidway,
            2 => FuzzDelivery.Stall,
            _ => FuzzDelivery.Whole,
        };
        var bytes = Encoding.Latin1.GetBytes(head.ToString()).Concat(payload).ToArray();
        return new FuzzedResponse(
            status,
            bytes,
            body,
            delivery,
            $"{status} {contentType ?? "(no type)"} {framingName} {delivery} {shape} ({body.Length} bytes)",
            complete && delivery == FuzzDelivery.Whole && status is >= 200 and not (204 or 304),
            !connectionClose && delivery == FuzzDelivery.Whole && status >= 200);
    }

    private static int Status(Random random) => random.Next(20) switch
    {
        < 8 => 200,
        8 => new[] { 201, 202, 203, 204, 206 }[random.Next(5)],
        9 => new[] { 100, 101, 102, 103 }[random.Next(4)],
        10 => new[] { 301, 302, 303, 304, 307, 308 }[random.Next(6)],
        11 or 12 => new[] { 400, 401, 403, 404, 408, 429, 466, 499 }[random.Next(8)],
        13 or 14 => new[] { 500, 502, 503, 504 }[random.Next(4)],
        _ => random.Next(100, 600),
    };

    private (byte[] Body, string Shape) Body(Random random, int status)
    {
        var shape = random.Next(24);
        var success = SuccessBody(random);
        return shape switch
        {
            < 6 => (Utf8(success), "success"),
            6 => (Utf8(WithExtraFields(random, success)), "success with extra fields"),
            7 => (Utf8(WrongType(random, success)), "a known field of a wrong type"),
            8 => (Utf8(CaseVariant(random, success)), "a name in another case"),
            9 => (Utf8(Duplicate(success)), "a field twice"),
            10 => (Utf8(success + Pick(random, " x", "{}", ",", "\u0000", "//c", "]", " \"tail\"")), "trailing content"),
            11 => ([0xEF, 0xBB, 0xBF, .. Utf8(success)], "byte order mark"),
            12 => (InvalidUtf8(random, Utf8(success)), "invalid UTF-8"),
            13 => (Utf8(Nested(random, success)), "deep nesting"),
            14 => (Utf8(Huge(random, success)), "about 1 MB"),
            15 => (Utf8(success)[..random.Next(Math.Max(1, Utf8(success).Length))], "truncated JSON"),
            16 => (RandomBytes(random), "random bytes"),
            17 => (Array.Empty<byte>(), "empty"),
            18 => (Utf8(Pick(random, "<html><body>502 Bad Gateway</body></html>", "OK", "instance in starting process try later", "request entity too large")), "text"),
            19 => (Utf8(Pick(random, "null", "true", "123", "\"3EB0C767\"", "[]", "[" + success + "]")), "another JSON value"),
            20 => (Utf8(Lenient(random, success)), "not strict JSON"),
            21 => (Utf8(FailureBody(random)), "a failure body"),
            22 => (Utf8(Removed(random, success)), "a field missing"),
            _ => (Utf8(WithEscapes(success)), "success with escapes"),
        };
    }

    /// <summary>
    /// What the fuzzer generates differently per provider: a salt that gives each provider its own random
    /// sequence (the values the providers had as an enum) and failure bodies in the provider's own shapes.
    /// A provider without an entry here fails the test until it gets one.
    /// </summary>
    private static (int Salt, string[] FailureBodies) Profile(TestProvider provider) => provider.Name switch
    {
        "green-api" => (2,
        [
            """{"statusCode":400,"timestamp":"2024-05-14T09:21:33.512Z","path":"/waInstance1/sendMessage/x","message":"Validation failed"}""",
            """{"code":401,"description":"Unauthorized"}""",
            """{"code":"401","description":"Unauthorized"}""",
            """{"invokeStatus":{"method":"sendmessage","used":100,"total":100,"status":"QUOTE_EXCEEDED"}}""",
            """{"idMessage":"","code":401}""",
        ]),
        "maytapi" => (1,
        [
            """{"success":false,"message":"Lib not loaded","code":"W05"}""",
            """{"success":false,"message":"Message is duplicated"}""",
            """{"success":"false","code":"W05"}""",
            """{"code":401,"description":"Unauthorized"}""",
            """{"success":false,"code":5}""",
        ]),
        _ => throw new ArgumentOutOfRangeException(nameof(provider), provider.Name, "The fuzzer has no failure bodies for this provider."),
    };

    private string SuccessBody(Random random) =>
        _provider.SuccessBody(Pick(random, "3EB0C767D097B7C7C030", "BAE5F4886F6F2D05", "a6f1e2d0-1c2b-11ef-9d3e-6b1f0c2a7e55", "x", "\u00e9\u00e8", "\ud83d\ude00"));

    private string FailureBody(Random random) => Pick(random, _failureBodies);

    private static string WithExtraFields(Random random, string json) =>
        json.Insert(1, Pick(random, "\"extra\":1,", "\"nested\":{\"a\":[1,{\"b\":null}]},", "\"IdMessage\":\"other\",", "\"Success\":false,", "\"n\":-1.5e10,"));

    private static string WrongType(Random random, string json)
    {
        var replacement = Pick(random, "true", "false", "null", "123", "1.5", "[\"a\"]", "{\"a\":1}", "\"\"");
        var field = Pick(random, "\"idMessage\":", "\"success\":", "\"msgId\":", "\"chatId\":", "\"data\":");
        var at = json.IndexOf(field, StringComparison.Ordinal);
        if (at < 0)
        {
            return json;
        }

        var start = at + field.Length;
        var end = ValueEnd(json, start);
        return json[..start] + replacement + json[end..];
    }

    private static string CaseVariant(Random random, string json) =>
        Pick(random, "idMessage", "success", "msgId", "data") is var name && json.Contains($"\"{name}\"", StringComparison.Ordinal)
            ? json.Replace($"\"{name}\"", $"\"{Pick(random, name.ToUpperInvariant(), char.ToUpperInvariant(name[0]) + name[1..], name.ToLowerInvariant() + " ")}\"", StringComparison.Ordinal)
            : json;

    private static string Duplicate(string json)
    {
        var colon = json.IndexOf(':', StringComparison.Ordinal);
        var end = ValueEnd(json, colon + 1);
        var member = json[1..end];
        return "{" + member + "," + json[1..];
    }

    private static string Removed(Random random, string json)
    {
        var field = Pick(random, "\"idMessage\":", "\"success\":", "\"msgId\":", "\"data\":");
        var at = json.IndexOf(field, StringComparison.Ordinal);
        if (at < 0)
        {
            return json;
        }

        var end = ValueEnd(json, at + field.Length);
        var removed = json[..at] + json[end..];
        return removed.Replace("{,", "{", StringComparison.Ordinal).Replace(",}", "}", StringComparison.Ordinal);
    }

    private static string Nested(Random random, string json)
    {
        var depth = random.Next(10, 300);
        return json.Insert(1, "\"deep\":" + new string('[', depth) + new string(']', depth) + ",");
    }

    private static string Huge(Random random, string json) =>
        random.Next(2) == 0
            ? json.Insert(1, "\"padding\":\"" + new string('a', 1_000_000) + "\",")
            : json.Insert(1, "\"list\":[" + string.Join(",", Enumerable.Repeat("1", 300_000)) + "],");

    private static string Lenient(Random random, string json) => random.Next(5) switch
    {
        0 => json.Replace('"', '\''),
        1 => "/*c*/" + json,
        2 => json.Replace("}", ",}", StringComparison.Ordinal),
        3 => json.Replace("\"idMessage\"", "idMessage", StringComparison.Ordinal).Replace("\"success\"", "success", StringComparison.Ordinal),
        _ => json.Insert(1, "\"n\":NaN,"),
    };

    private static string WithEscapes(string json) =>
        json.Replace("3EB0", "\\u0033EB0", StringComparison.Ordinal).Replace("@", "\\u0040", StringComparison.Ordinal).Replace("/", "\\/", StringComparison.Ordinal);

    private static byte[] InvalidUtf8(Random random, byte[] json)
    {
        var bad = new[] { new byte[] { 0xFF }, [0xC0, 0xAF], [0xED, 0xA0, 0x80], [0xF8, 0x88, 0x80, 0x80, 0x80], [0xE2, 0x82] }[random.Next(5)];
        var at = random.Next(1, json.Length);
        return [.. json[..at], .. bad, .. json[at..]];
    }

    private static byte[] RandomBytes(Random random)
    {
        var bytes = new byte[random.Next(1, 200)];
        random.NextBytes(bytes);
        return bytes;
    }

    /// <summary>Where the JSON value that starts at <paramref name="start"/> ends (simple values and balanced containers).</summary>
    private static int ValueEnd(string json, int start)
    {
        var depth = 0;
        var inString = false;
        for (var i = start; i < json.Length; i++)
        {
            var c = json[i];
            if (inString)
            {
                if (c == '\\')
                {
                    i++;
                }
                else if (c == '"')
                {
                    inString = false;
                    if (depth == 0)
                    {
                        return i + 1;
                    }
                }

                continue;
            }

            switch (c)
            {
                case '"':
                    inString = true;
                    break;
                case '{' or '[':
                    depth++;
                    break;
                case '}' or ']':
                    if (depth == 0)
                    {
                        return i;
                    }

                    depth--;
                    if (depth == 0)
                    {
                        return i + 1;
                    }

                    break;
                case ',' when depth == 0:
                    return i;
            }
        }

        return json.Length;
    }

    private static T Pick<T>(Random random, params T[] values) => values[random.Next(values.Length)];

    private static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);

    /// <summary>
    /// Mixes the parts into one seed the same way in every process (HashCode.Combine is randomised per
    /// process, which would make WHATSAPP_FUZZ_SEED unable to replay a failure).
    /// </summary>
    private static int StableSeed(params int[] parts)
    {
        ulong x = 0x9E3779B97F4A7C15;
        foreach (var part in parts)
        {
            x ^= (uint)part;
            x += 0x9E3779B97F4A7C15;
            x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9;
            x = (x ^ (x >> 27)) * 0x94D049BB133111EB;
            x ^= x >> 31;
        }

        return (int)(x & 0x7FFFFFFF);
    }
}

/// <summary>
/// What a body justifies, decided independently of the library: parsed with System.Text.Json (strict by
/// default: no comments, no trailing commas, UTF-8 validated, one value), then checked field by field against
/// what the spec says a success is.
/// </summary>
public static class SuccessOracle
{
    /// <summary>The message id a 2xx with this body justifies, or null when it justifies no success.</summary>
    public static string? JustifiedId(TestProvider provider, int status, byte[] body)
    {
        try
        {
            return Justify(provider, status, body);
        }
        catch (InvalidOperationException)
        {
            // System.Text.Json finds bytes that are not UTF-8 only when a string is read.
            return null;
        }
    }

    private static string? Justify(TestProvider provider, int status, byte[] body)
    {
        if (status is < 200 or > 299)
        {
            return null;
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body, new JsonDocumentOptions { MaxDepth = 64 });
        }
        catch (JsonException)
        {
            return null;
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return null;
            }

            return provider.Name switch
            {
                "green-api" => GreenApiId(root),
                "maytapi" => MaytapiId(root),
                _ => throw new ArgumentOutOfRangeException(nameof(provider), provider.Name, "The oracle does not know this provider's success."),
            };
        }
    }

    /// <summary>True when the provider says, in a body that is exactly its spec's, that nothing was sent and a retry is safe.</summary>
    public static bool SafeToRetry(TestProvider provider, int status, byte[] body) => provider.Name switch
    {
        "green-api" => status == 429,
        "maytapi" => MaytapiSaysW05(body),
        _ => throw new ArgumentOutOfRangeException(nameof(provider), provider.Name, "The oracle does not know when this provider's failures are safe to retry."),
    };

    /// <summary>GREEN-API: <c>idMessage</c> a non-empty string, <c>code</c> and <c>description</c> of their types when present.</summary>
    private static string? GreenApiId(JsonElement root) =>
        Single(root, "idMessage") is { ValueKind: JsonValueKind.String } id && id.GetString() is { Length: > 0 } value
            && Optional(root, "code", JsonValueKind.Number) && Optional(root, "description", JsonValueKind.String)
            ? value
            : null;

    /// <summary>Maytapi: <c>success</c> the literal true, <c>data.msgId</c> a non-empty string, the known fields of their types.</summary>
    private static string? MaytapiId(JsonElement root)
    {
        if (Single(root, "success") is not { ValueKind: JsonValueKind.True }
            || !Optional(root, "message", JsonValueKind.String) || !Optional(root, "code", JsonValueKind.String)
            || Single(root, "data") is not { ValueKind: JsonValueKind.Object } data
            || !Optional(data, "chatId", JsonValueKind.String))
        {
            return null;
        }

        return Single(data, "msgId") is { ValueKind: JsonValueKind.String } msgId && msgId.GetString() is { Length: > 0 } message ? message : null;
    }

    /// <summary>Maytapi: code <c>W05</c> (the phone's library is not loaded) with a boolean <c>success</c>.</summary>
    private static bool MaytapiSaysW05(byte[] body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            var root = document.RootElement;
            return root.ValueKind == JsonValueKind.Object
                && Single(root, "code") is { ValueKind: JsonValueKind.String } code && code.GetString() == "W05"
                && Single(root, "success") is { ValueKind: JsonValueKind.True or JsonValueKind.False };
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            return false;
        }
    }

    private static JsonElement? Single(JsonElement obj, string name)
    {
        JsonElement? found = null;
        foreach (var property in obj.EnumerateObject())
        {
            if (property.Name == name)
            {
                if (found is not null)
                {
                    return null;
                }

                found = property.Value;
            }
        }

        return found;
    }

    private static bool Optional(JsonElement obj, string name, JsonValueKind kind)
    {
        var count = obj.EnumerateObject().Count(p => p.Name == name);
        return count == 0 || (count == 1 && Single(obj, name)!.Value.ValueKind == kind
            && (kind != JsonValueKind.Number || Single(obj, name)!.Value.TryGetInt32(out _)));
    }
}
