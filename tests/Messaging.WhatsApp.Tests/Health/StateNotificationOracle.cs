using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using System.Text.Json;
using Messaging.WhatsApp.Tests.Infrastructure;

namespace Messaging.WhatsApp.Tests.Health;

/// <summary>What a state notification states about the sender's instance: a state, its word and its time; or nothing.</summary>
public sealed record StatedState(WhatsAppInstanceState State, string Word, DateTimeOffset At);

/// <summary>
/// Decides, independently of the library (System.Text.Json, the specs' field types, the documented words), whether a
/// state notification states this instance's state, and then what the sender must know:
/// <list type="bullet">
/// <item>the body must be one JSON object in UTF-8 (no BOM, nothing after it), no name given twice anywhere, each known
/// field of its spec's type;</item>
/// <item>GREEN-API: <c>typeWebhook</c> exactly <c>stateInstanceChanged</c>, <c>instanceData.idInstance</c> this instance
/// (an int64), <c>stateInstance</c> a string; its time is <c>timestamp</c> (Unix seconds, an int64) or, without one, the
/// arrival; a time before 1970, past year 9999, or more than a minute ahead of the arrival states nothing;</item>
/// <item>Maytapi: <c>type</c> exactly <c>status</c>, <c>status</c> a string, at least one phone id and every one given
/// (<c>phone_id</c>, <c>phoneId</c>; an int64 or a string) this phone, every product named (<c>product_id</c>,
/// <c>pid</c>; compared without case) this product; its time is the arrival;</item>
/// <item>the sender then knows it, unless what it knew was stated later (a late redelivery).</item>
/// </list>
/// </summary>
public static class StateNotificationOracle
{
    public const string PhoneId = StateNotificationHostileTests.MaytapiPhone;

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private static readonly JsonDocumentOptions Strict = new() { MaxDepth = 64, AllowTrailingCommas = false, CommentHandling = JsonCommentHandling.Disallow };

    /// <summary>What <paramref name="c"/> states about the sender's instance, or null with why not.</summary>
    public static (StatedState? Stated, string Reason) Judge(StateNotificationCase c)
    {
        if (c.Body.AsSpan().StartsWith("\uFEFF"u8))
        {
            return (null, "a BOM");
        }

        try
        {
            _ = StrictUtf8.GetCharCount(c.Body);
            using var document = JsonDocument.Parse(c.Body, Strict);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return (null, "not an object");
            }

            if (Repeated(root) is { } name)
            {
                return (null, $"'{name}' given twice");
            }

            return c.Maytapi ? JudgeMaytapi(root, c.Arrival) : JudgeGreen(root, c.Arrival);
        }
        catch (Exception e) when (e is JsonException or DecoderFallbackException or InvalidOperationException)
        {
            return (null, "not one JSON object in UTF-8: " + e.GetType().Name);
        }
    }

    private static (StatedState?, string) JudgeGreen(JsonElement root, DateTimeOffset arrival)
    {
        if (!root.TryGetProperty("typeWebhook", out var type) || type.ValueKind != JsonValueKind.String || type.GetString() != "stateInstanceChanged")
        {
            return (null, "not a stateInstanceChanged");
        }

        if (!Is(root, "instanceData", JsonValueKind.Object) || !Is(root, "timestamp", JsonValueKind.Number) || !Is(root, "stateInstance", JsonValueKind.String))
        {
            return (null, "a field of another JSON type than the spec's");
        }

        long? id = null;
        if (root.TryGetProperty("instanceData", out var data) && data.ValueKind == JsonValueKind.Object)
        {
            if (!Is(data, "idInstance", JsonValueKind.Number) || !Is(data, "wid", JsonValueKind.String) || !Is(data, "typeInstance", JsonValueKind.String))
            {
                return (null, "an instanceData field of another JSON type than the spec's");
            }

            if (data.TryGetProperty("idInstance", out var idInstance) && idInstance.ValueKind == JsonValueKind.Number)
            {
                if (!idInstance.TryGetInt64(out var value))
                {
                    return (null, "idInstance is no int64");
                }

                id = value;
            }
        }

        var at = arrival;
        if (root.TryGetProperty("timestamp", out var timestamp) && timestamp.ValueKind == JsonValueKind.Number)
        {
            if (!timestamp.TryGetInt64(out var seconds))
            {
                return (null, "timestamp is no int64");
            }

            if (seconds is < 0 or > 253_402_300_799)
            {
                return (null, "timestamp is no time");
            }

            at = DateTimeOffset.FromUnixTimeSeconds(seconds);
            if (at > arrival.AddMinutes(1))
            {
                return (null, "timestamp more than a minute ahead of the arrival");
            }
        }

        if (!root.TryGetProperty("stateInstance", out var state) || state.ValueKind != JsonValueKind.String)
        {
            return (null, "no stateInstance");
        }

        if (id != TestServices.GreenInstance)
        {
            return (null, "not this instance");
        }

        var word = state.GetString()!;
        return (new StatedState(StateAnswerOracle.GreenState(word), word, at), "stateInstance " + word);
    }

    private static (StatedState?, string) JudgeMaytapi(JsonElement root, DateTimeOffset arrival)
    {
        if (!root.TryGetProperty("type", out var type) || type.ValueKind != JsonValueKind.String || type.GetString() != "status")
        {
            return (null, "not a status");
        }

        if (!Is(root, "product_id", JsonValueKind.String) || !Is(root, "pid", JsonValueKind.String) || !Is(root, "status", JsonValueKind.String))
        {
            return (null, "a field of another JSON type than the spec's");
        }

        if (!root.TryGetProperty("status", out var status) || status.ValueKind != JsonValueKind.String)
        {
            return (null, "no status");
        }

        var given = new List<string?>();
        foreach (var name in new[] { "phone_id", "phoneId" })
        {
            if (root.TryGetProperty(name, out var id) && id.ValueKind != JsonValueKind.Null)
            {
                given.Add(id.ValueKind switch
                {
                    JsonValueKind.String => id.GetString(),
                    JsonValueKind.Number when id.TryGetInt64(out var number) => number.ToString(CultureInfo.InvariantCulture),
                    _ => null,
                });
            }
        }

        if (given.Count == 0 || given.Any(g => g != PhoneId))
        {
            return (null, "not this phone: " + string.Join(", ", given.Select(g => g ?? "no phone id")));
        }

        foreach (var name in new[] { "product_id", "pid" })
        {
            if (root.TryGetProperty(name, out var product) && product.ValueKind == JsonValueKind.String
                && !string.Equals(product.GetString(), TestServices.ProductId, StringComparison.OrdinalIgnoreCase))
            {
                return (null, "another product");
            }
        }

        var word = status.GetString()!;
        return (new StatedState(StateAnswerOracle.MaytapiState(word), word, arrival), "status " + word);
    }

    /// <summary>True when the field is absent, null, or of <paramref name="kind"/>.</summary>
    private static bool Is(JsonElement element, string name, JsonValueKind kind) =>
        !element.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null || value.ValueKind == kind;

    private static string? Repeated(JsonElement element)
    {
        if (element.ValueKind == JsonValueKind.Object)
        {
            var names = new HashSet<string>(StringComparer.Ordinal);
            foreach (var property in element.EnumerateObject())
            {
                if (!names.Add(property.Name))
                {
                    return property.Name;
                }

                if (Repeated(property.Value) is { } inner)
                {
                    return inner;
                }
            }
        }
        else if (element.ValueKind == JsonValueKind.Array)
        {
            foreach (var item in element.EnumerateArray())
            {
                if (Repeated(item) is { } inner)
                {
                    return inner;
                }
            }
        }

        return null;
    }
}

/// <summary>What a sender must know after the notifications so far: the oracle's model of one monitor.</summary>
public sealed class KnownStateModel
{
    public StatedState? Known { get; private set; }

    /// <summary>Takes what a notification stated, unless what is known was stated later; returns whether it was taken.</summary>
    public bool Take(StatedState stated)
    {
        if (Known is { } known && stated.At < known.At)
        {
            return false;
        }

        Known = stated;
        return true;
    }

    /// <summary>Whether <paramref name="status"/> is what must be known, the word compared as the gateway gave it unless it carries a secret.</summary>
    public string? Disagreement(WhatsAppInstanceStatus status)
    {
        if (Known is not { } known)
        {
            return status.LearnedAt is null && status.Source == WhatsAppInstanceStateSource.None ? null : $"knows {status}, must know nothing yet";
        }

        var word = StateAnswerOracle.CarriesASecret(known.Word)
            ? !StateAnswerOracle.CarriesASecret(status.ProviderState) && status.ProviderState is not null
            : string.Equals(status.ProviderState, known.Word, StringComparison.Ordinal);
        return status.State == known.State && word && status.LearnedAt == known.At && status.Source == WhatsAppInstanceStateSource.Notification
            ? null
            : $"knows {status.State} ({StateAnswerOracle.Show(status.ProviderState)}) at {status.LearnedAt:O} by {status.Source}, must know {known.State} ({StateAnswerOracle.Show(known.Word)}) at {known.At:O} by Notification";
    }
}
