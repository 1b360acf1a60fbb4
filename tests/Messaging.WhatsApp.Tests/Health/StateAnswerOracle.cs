using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using System.Text.Json;
using Messaging.WhatsApp.Tests.Infrastructure;
using Messaging.WhatsApp.Tests.Receiving;

namespace Messaging.WhatsApp.Tests.Health;

/// <summary>
/// What an answer of a state operation states, decided from its bytes alone: the states it may become (each with the
/// gateway's word) and whether it may, or must, be an error, with the error type the status calls for.
/// </summary>
/// <param name="States">The (state, word) pairs the answer may become; empty when it must be an error.</param>
/// <param name="ErrorAllowed">True when a <see cref="WhatsAppException"/> is a right answer.</param>
/// <param name="ErrorType">The exception type an error must be (or derive from).</param>
/// <param name="Reason">Why, for the failure message.</param>
public sealed record StateExpectation(IReadOnlyList<(WhatsAppInstanceState State, string? Word)> States, bool ErrorAllowed, Type ErrorType, string Reason)
{
    public static StateExpectation Error(string reason, Type? type = null) => new([], true, type ?? typeof(WhatsAppException), reason);

    public static StateExpectation Stated(WhatsAppInstanceState state, string? word, string reason) => new([(state, word)], false, typeof(WhatsAppException), reason);

    /// <summary>This expectation, where an error is also right: the answer is not exactly the spec's, yet plainly states what it states.</summary>
    public StateExpectation OrError(string why) => this with { ErrorAllowed = true, Reason = Reason + "; or an error: " + why };
}

/// <summary>
/// Decides, independently of the library (System.Text.Json, the words of the gateways' documentation, exact and
/// case-sensitive), what an answer of getStateInstance or listPhones states:
/// <list type="bullet">
/// <item>only a 200 whose body arrived whole can state anything; any other status, a cut or reset body, over 4 MiB: an
/// error (401/403: <see cref="WhatsAppAuthenticationException"/>, 429: <see cref="WhatsAppRateLimitedException"/>);</item>
/// <item>the body must be one JSON text, in UTF-8, without a BOM, comments, trailing content, or nesting deeper than 64;</item>
/// <item>GREEN-API: JSON null states Starting (no word); an object states the word of its one string property
/// <c>stateInstance</c> (exact name); without it (an error envelope, <c>{}</c>, a name in another case), with it twice,
/// or of another JSON type: an error; <c>{"code":401,…}</c> is the refused token;</item>
/// <item>Maytapi: an array of phone objects (spec types: id an int64, status a string or absent), in which exactly one
/// entry has id 12 and names no other product (<c>product_id</c>, <c>pid</c>); none, two, or any other shape: an error;
/// a phone without a status is Unknown with no word.</item>
/// </list>
/// Words map by the documentation's tables; any other word (another letter case, a space, a NUL) is Unknown with the word
/// kept; a word that carries the secret must not be kept as it is.
/// </summary>
public static class StateAnswerOracle
{
    private const int MaxBytes = 4 * 1024 * 1024;

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private static readonly JsonDocumentOptions Strict = new() { MaxDepth = 64, AllowTrailingCommas = false, CommentHandling = JsonCommentHandling.Disallow };

    public static WhatsAppInstanceState GreenState(string word) => word switch
    {
        "authorized" => WhatsAppInstanceState.Ready,
        "starting" => WhatsAppInstanceState.Starting,
        "sleepMode" => WhatsAppInstanceState.Disconnected,
        "notAuthorized" => WhatsAppInstanceState.NeedsLogin,
        "yellowCard" or "suspended" => WhatsAppInstanceState.Restricted,
        "blocked" => WhatsAppInstanceState.Blocked,
        _ => WhatsAppInstanceState.Unknown,
    };

    public static WhatsAppInstanceState MaytapiState(string? word) => word switch
    {
        "active" => WhatsAppInstanceState.Ready,
        "loading" => WhatsAppInstanceState.Starting,
        "phone-error" => WhatsAppInstanceState.Disconnected,
        "qr-code" or "qr-screen" or "idle" => WhatsAppInstanceState.NeedsLogin,
        "disabled" => WhatsAppInstanceState.Disabled,
        _ => WhatsAppInstanceState.Unknown,
    };

    public static StateExpectation Judge(StateAnswerCase c)
    {
        if (c.Delivery != Delivery.Whole)
        {
            return StateExpectation.Error("the body did not arrive whole");
        }

        switch (c.Status)
        {
            case 401 or 403:
                return StateExpectation.Error("credentials refused", typeof(WhatsAppAuthenticationException));
            case 429:
                return StateExpectation.Error("rate limited", typeof(WhatsAppRateLimitedException));
            case not 200:
                return StateExpectation.Error($"HTTP {c.Status}");
        }

        if (c.Body.Length > MaxBytes)
        {
            return StateExpectation.Error("over 4 MiB");
        }

        if (c.Body.AsSpan().StartsWith("\uFEFF"u8))
        {
            return StateExpectation.Error("a BOM");
        }

        try
        {
            _ = StrictUtf8.GetCharCount(c.Body);
        }
        catch (DecoderFallbackException)
        {
            return StateExpectation.Error("not UTF-8");
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(c.Body, Strict);
        }
        catch (JsonException e)
        {
            return StateExpectation.Error("not one JSON text: " + e.Message);
        }

        try
        {
            using (document)
            {
                return JudgeDocument(c, document);
            }
        }
        catch (InvalidOperationException e)
        {
            // A string that is not valid text (a lone surrogate escaped as \ud800).
            return StateExpectation.Error("a string that is not valid text: " + e.Message);
        }
    }

    private static StateExpectation JudgeDocument(StateAnswerCase c, JsonDocument document)
    {
        var judged = c.Maytapi ? JudgeMaytapi(document.RootElement) : JudgeGreen(document.RootElement);
        var duplicates = new List<(string Name, int Depth)>();
        Duplicates(document.RootElement, 0, duplicates);
        if (duplicates.Count == 0)
        {
            return judged;
        }

        // A name that says what the answer states, given twice, hides it; any other name given twice changes nothing
        // the answer states, and the library may refuse it or not.
        var names = string.Join(", ", duplicates.Select(d => d.Name));
        return duplicates.Any(d => c.Maytapi ? d.Depth == 1 && d.Name is "id" or "status" or "product_id" or "pid" : d.Depth == 0 && d.Name == "stateInstance")
            ? StateExpectation.Error($"'{names}' given twice")
            : judged.States.Count > 0 ? judged.OrError($"'{names}' given twice") : judged;
    }

    private static StateExpectation JudgeGreen(JsonElement root)
    {
        if (root.ValueKind == JsonValueKind.Null)
        {
            return StateExpectation.Stated(WhatsAppInstanceState.Starting, null, "JSON null: the instance is being created");
        }

        if (root.ValueKind != JsonValueKind.Object)
        {
            return StateExpectation.Error($"a JSON {root.ValueKind}, not an object");
        }

        var states = root.EnumerateObject().Where(p => p.Name == "stateInstance").ToList();
        if (states.Count == 0 || states[0].Value.ValueKind == JsonValueKind.Null)
        {
            var refused = root.TryGetProperty("code", out var code) && code.ValueKind == JsonValueKind.Number && code.TryGetInt32(out var number) && number == 401;
            return refused
                ? StateExpectation.Error("{\"code\":401}: the token was refused", typeof(WhatsAppAuthenticationException))
                : StateExpectation.Error("no stateInstance: the answer states no state");
        }

        if (states[0].Value.ValueKind != JsonValueKind.String)
        {
            return StateExpectation.Error($"stateInstance is a JSON {states[0].Value.ValueKind}");
        }

        var word = states[0].Value.GetString()!;
        return StateExpectation.Stated(GreenState(word), word, "stateInstance " + word);
    }

    private static StateExpectation JudgeMaytapi(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Array)
        {
            return StateExpectation.Error($"a JSON {root.ValueKind}, not the list of phones");
        }

        var sure = new List<string?>();
        var possible = new List<string?>();
        var doubts = new List<string>();
        foreach (var entry in root.EnumerateArray())
        {
            if (entry.ValueKind == JsonValueKind.Null)
            {
                doubts.Add("a null entry");
                continue;
            }

            if (entry.ValueKind != JsonValueKind.Object)
            {
                return StateExpectation.Error($"an entry is a JSON {entry.ValueKind}");
            }

            if (WrongType(entry, "number", JsonValueKind.String) || WrongType(entry, "name", JsonValueKind.String) || WrongType(entry, "type", JsonValueKind.String)
                || WrongType(entry, "multi_device", JsonValueKind.True, JsonValueKind.False))
            {
                return StateExpectation.Error("a field of another JSON type than the spec's");
            }

            if (WrongType(entry, "status", JsonValueKind.String))
            {
                return StateExpectation.Error("a status that is no string");
            }

            if (entry.TryGetProperty("status", out var nullStatus) && nullStatus.ValueKind == JsonValueKind.Null)
            {
                // A phone without a status (Unknown), or a body off the spec: either is right.
                doubts.Add("status null");
            }

            var status = entry.TryGetProperty("status", out var s) && s.ValueKind == JsonValueKind.String ? s.GetString() : null;
            var id = entry.TryGetProperty("id", out var i) ? i : default;
            switch (id.ValueKind)
            {
                case JsonValueKind.Undefined:
                    continue;
                case JsonValueKind.Null:
                    // A phone without an id, or a body off the spec: either is right.
                    doubts.Add("id null");
                    continue;
                case JsonValueKind.Number when id.TryGetInt64(out var number):
                    if (number == StateAnswerFuzzer.PhoneId && OfThisProduct(entry))
                    {
                        sure.Add(status);
                    }

                    continue;
                case JsonValueKind.Number when id.TryGetDecimal(out var value) && value == StateAnswerFuzzer.PhoneId:
                    // 12.0 or 1.2e1: the phone, but not written as the spec's integer.
                    possible.Add(status);
                    doubts.Add("id " + id.GetRawText());
                    continue;
                case JsonValueKind.String when id.GetString() == "12":
                    possible.Add(status);
                    doubts.Add("id as a string");
                    continue;
                default:
                    return StateExpectation.Error("an id that is no int64: " + id.GetRawText());
            }
        }

        if (sure.Count > 1)
        {
            return StateExpectation.Error("the phone listed twice");
        }

        if (possible.Count == 0)
        {
            var expected = sure.Count == 1
                ? StateExpectation.Stated(MaytapiState(sure[0]), sure[0], "the phone's entry, status " + (sure[0] ?? "absent"))
                : StateExpectation.Error("the phone is not listed");
            return doubts.Count > 0 && expected.States.Count > 0 ? expected.OrError(string.Join(", ", doubts)) : expected;
        }

        // An entry that may be the phone: either an error, or one of the entries' states.
        return new StateExpectation(sure.Concat(possible).Select(w => (MaytapiState(w), w)).ToList(), true, typeof(WhatsAppException), string.Join(", ", doubts));
    }

    private static bool OfThisProduct(JsonElement entry)
    {
        foreach (var name in new[] { "product_id", "pid" })
        {
            if (entry.TryGetProperty(name, out var product) && product.ValueKind != JsonValueKind.Null
                && !(product.ValueKind == JsonValueKind.String && string.Equals(product.GetString(), TestServices.ProductId, StringComparison.OrdinalIgnoreCase)))
            {
                return false;
            }
        }

        return true;
    }

    private static bool WrongType(JsonElement entry, string name, params JsonValueKind[] kinds) =>
        entry.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null && !kinds.Contains(value.ValueKind);

    /// <summary>Every name given twice in one object, with how deep that object is (the root is 0).</summary>
    private static void Duplicates(JsonElement element, int depth, List<(string Name, int Depth)> found)
    {
        if (element.ValueKind == JsonValueKind.Object)
        {
            var names = new HashSet<string>(StringComparer.Ordinal);
            foreach (var property in element.EnumerateObject())
            {
                if (!names.Add(property.Name))
                {
                    found.Add((property.Name, depth));
                }

                Duplicates(property.Value, depth + 1, found);
            }
        }
        else if (element.ValueKind == JsonValueKind.Array)
        {
            foreach (var item in element.EnumerateArray())
            {
                Duplicates(item, depth + 1, found);
            }
        }
    }

    /// <summary>The secrets a word must not carry as it is, in any encoding.</summary>
    public static bool CarriesASecret(string? word) =>
        word is not null && (SecretEncodings.Find(TestServices.GreenToken, [word]).Count > 0 || SecretEncodings.Find(TestServices.MaytapiKey, [word]).Count > 0);

    /// <summary>The text for a failure message, the body's beginning with control characters shown.</summary>
    public static string Show(string? word) =>
        word is null ? "null" : "\"" + string.Concat(word.Take(80).Select(c => c < ' ' ? $"\\u{(int)c:x4}" : c.ToString())) + (word.Length > 80 ? $"…({word.Length})" : string.Empty) + "\"";
}
