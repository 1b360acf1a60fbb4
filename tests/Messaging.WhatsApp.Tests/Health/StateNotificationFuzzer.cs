using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using Messaging.WhatsApp.Tests.Infrastructure;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace Messaging.WhatsApp.Tests.Health;

/// <summary>One state notification: whose, its bytes, and when it arrives.</summary>
/// <param name="Index">Its place in the run.</param>
/// <param name="Maytapi">A Maytapi <c>status</c> webhook, else a GREEN-API <c>stateInstanceChanged</c>.</param>
/// <param name="Arrival">When it arrives (the clock the test sets).</param>
/// <param name="Body">The bytes posted or queued.</param>
/// <param name="Damaged">True when the bytes were damaged after the JSON was written (BOM, truncation, …).</param>
/// <param name="Description">What was done to it.</param>
public sealed record StateNotificationCase(int Index, bool Maytapi, DateTimeOffset Arrival, byte[] Body, bool Damaged, string Description)
{
    public string Provider => Maytapi ? "maytapi" : "green-api";

    public override string ToString()
    {
        var text = Encoding.UTF8.GetString(Body, 0, Math.Min(Body.Length, 500));
        var shown = string.Concat(text.Select(c => c < ' ' || c is '\u200b' or '\ufeff' or '\ufffd' ? $"\\u{(int)c:x4}" : c.ToString()));
        return $"case {Index} {Provider} arriving {Arrival:O} [{Description}] body {shown}";
    }
}

/// <summary>
/// A seeded run of state notifications for both providers (<see cref="StateNotificationFuzzTests"/>): mostly this
/// instance's, with its words and their case, space, NUL and look-alike variants and the secrets themselves; others'
/// (another idInstance, phone or product, ids of the wrong JSON type, ids that disagree), other types, GREEN-API times
/// from a day before to year 9999 and beyond, negative, in milliseconds, as strings; duplicates, late redeliveries of
/// earlier ones, repeated names, and bytes damaged after the JSON was written. The clock moves between arrivals by up to
/// six minutes, past the default trust window. A seed always gives the same run.
/// </summary>
public sealed class StateNotificationFuzzer
{
    public static readonly DateTimeOffset Start = new(2026, 3, 25, 9, 0, 0, TimeSpan.Zero);

    private static readonly TimeSpan[] Steps =
        [TimeSpan.Zero, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(10), TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(4), TimeSpan.FromMinutes(6)];

    /// <summary>GREEN-API times relative to the arrival, in seconds, that are plausible: the past, now, and within the clocks' minute.</summary>
    private static readonly long[] NearOffsets = [-86_400, -600, -360, -60, -1, 0, 0, 0, 1, 30, 59, 60];

    private static readonly string[] OtherGreenTypes =
        ["StateInstanceChanged", "stateinstancechanged", "stateInstanceChanged ", "statusInstanceChanged", "incomingMessageReceived", "quotaExceeded"];

    private static readonly string[] OtherMaytapiTypes = ["Status", " status", "ack", "error", "message"];

    private static readonly string[] Garbage = ["x", "}", ",", " {}", "\0", "]", "\n{\"stateInstance\":\"blocked\"}"];

    private static readonly string[] RepeatedMaytapiNames = ["\"status\":\"active\",", "\"phone_id\":47310,", "\"product_id\":\"aaaaaaaa-2222-3333-4444-555555555555\","];

    private static readonly string[] RepeatedGreenNames = ["\"stateInstance\":\"authorized\",", "\"timestamp\":0,", "\"typeWebhook\":\"stateInstanceChanged\","];

    private readonly int _seed;
    private readonly List<StateNotificationCase> _sent = new();
    private DateTimeOffset _now = Start;

    public StateNotificationFuzzer(int seed) => _seed = seed;

    /// <summary>The next notification of the run; <paramref name="maytapiShare"/> of them (in percent) Maytapi's, <paramref name="damage"/> whether bytes may be damaged.</summary>
    public StateNotificationCase Next(int maytapiShare = 50, bool damage = true)
    {
        var index = _sent.Count;
        var random = new Random(unchecked((_seed * 1_000_003) + index));
        _now += Pick(random, Steps);
        var maytapi = random.Next(100) < maytapiShare;
        var what = new List<string>();
        StateNotificationCase next;
        var earlier = _sent.Where(s => s.Maytapi == maytapi && (damage || !s.Damaged)).ToList();
        if (earlier.Count > 0 && random.Next(100) < 12)
        {
            var again = Pick(random, earlier);
            next = again with { Index = index, Arrival = _now, Description = $"case {again.Index} again ({again.Description})" };
        }
        else
        {
            var json = maytapi ? MaytapiBody(random, what) : GreenBody(random, _now, what);
            var text = json.ToString(Formatting.None);
            if (random.Next(30) == 0)
            {
                text = RepeatAName(random, text, maytapi, what);
            }

            var body = Encoding.UTF8.GetBytes(text);
            var damaged = damage && random.Next(100) < 10;
            if (damaged)
            {
                body = Damage(random, body, what);
            }

            next = new StateNotificationCase(index, maytapi, _now, body, damaged, string.Join("; ", what));
        }

        _sent.Add(next);
        return next;
    }

    private static JObject GreenBody(Random random, DateTimeOffset now, List<string> what)
    {
        var body = new JObject();
        var roll = random.Next(100);
        if (roll < 88)
        {
            body["typeWebhook"] = "stateInstanceChanged";
        }
        else if (roll < 97)
        {
            body["typeWebhook"] = Pick(random, OtherGreenTypes);
            what.Add("typeWebhook " + body["typeWebhook"]);
        }
        else if (roll < 99)
        {
            body["typeWebhook"] = 5;
            what.Add("typeWebhook 5");
        }
        else
        {
            what.Add("no typeWebhook");
        }

        var instance = new JObject { ["idInstance"] = TestServices.GreenInstance, ["wid"] = "79001234567@c.us", ["typeInstance"] = "whatsapp" };
        JToken? instanceData = instance;
        switch (random.Next(100))
        {
            case < 80:
                break;
            case < 86:
                instance["idInstance"] = 1101000002;
                what.Add("another instance");
                break;
            case < 89:
                instance["idInstance"] = TestServices.GreenInstance.ToString(CultureInfo.InvariantCulture);
                what.Add("idInstance as a string");
                break;
            case < 91:
                instance["idInstance"] = (double)TestServices.GreenInstance + 0.5;
                what.Add("idInstance a fraction");
                break;
            case < 93:
                instance["idInstance"] = -TestServices.GreenInstance;
                what.Add("idInstance negative");
                break;
            case < 95:
                instance["idInstance"] = JValue.CreateNull();
                what.Add("idInstance null");
                break;
            case < 97:
                instance.Remove("idInstance");
                what.Add("no idInstance");
                break;
            default:
                instanceData = random.Next(3) switch { 0 => null, 1 => JValue.CreateNull(), _ => new JArray(TestServices.GreenInstance) };
                what.Add("instanceData " + (instanceData?.ToString(Formatting.None) ?? "absent"));
                break;
        }

        if (instanceData is not null)
        {
            body["instanceData"] = instanceData;
        }

        var seconds = now.ToUnixTimeSeconds();
        JToken? timestamp = random.Next(100) switch
        {
            < 70 => seconds + Pick(random, NearOffsets),
            < 73 => null,
            < 75 => JValue.CreateNull(),
            < 77 => seconds + 61,
            < 79 => seconds + 600,
            < 81 => seconds + 86_400,
            < 83 => seconds + (365 * 86_400),
            < 85 => 253_402_300_799,
            < 87 => 253_402_300_800,
            < 89 => -1,
            < 90 => -seconds,
            < 91 => 0,
            < 92 => long.MaxValue,
            < 94 => seconds * 1000,
            < 96 => seconds.ToString(CultureInfo.InvariantCulture),
            < 98 => seconds + 0.5,
            _ => seconds - (30L * 86_400),
        };
        if (timestamp is not null)
        {
            body["timestamp"] = timestamp;
            var offset = timestamp.Type == JTokenType.Integer && (long)timestamp is var at && Math.Abs(at - seconds) < 400L * 86_400 ? $"{at - seconds:+0;-0;0} s" : timestamp.ToString(Formatting.None);
            what.Add("timestamp " + offset);
        }
        else
        {
            what.Add("no timestamp");
        }

        var word = random.Next(3) switch
        {
            0 => Pick(random, StateAnswerFuzzer.GreenWords[..2]),
            1 => Pick(random, StateAnswerFuzzer.GreenWords[..8]),
            _ => Pick(random, StateAnswerFuzzer.GreenWords),
        };
        switch (random.Next(100))
        {
            case < 94:
                body["stateInstance"] = word;
                what.Add("stateInstance " + JsonConvert.ToString(word));
                break;
            case < 96:
                what.Add("no stateInstance");
                break;
            case < 98:
                body["stateInstance"] = JValue.CreateNull();
                what.Add("stateInstance null");
                break;
            default:
                body["stateInstance"] = random.Next(2) == 0 ? new JValue(5) : new JArray("authorized");
                what.Add("stateInstance " + body["stateInstance"]!.ToString(Formatting.None));
                break;
        }

        if (random.Next(8) == 0)
        {
            body["extra"] = new JObject { ["stateInstance"] = "blocked", ["n"] = new JArray(1, 2) };
            what.Add("an unknown field");
        }

        return Shuffled(random, body);
    }

    private static JObject MaytapiBody(Random random, List<string> what)
    {
        var body = new JObject();
        var roll = random.Next(100);
        if (roll < 88)
        {
            body["type"] = "status";
        }
        else if (roll < 98)
        {
            body["type"] = Pick(random, OtherMaytapiTypes);
            what.Add("type " + body["type"]);
        }
        else
        {
            what.Add("no type");
        }

        Add(body, "product_id", random.Next(100) switch
        {
            < 55 => TestServices.ProductId,
            < 65 => TestServices.ProductId.ToUpperInvariant(),
            < 75 => "aaaaaaaa-2222-3333-4444-555555555555",
            < 95 => null,
            < 97 => JValue.CreateNull(),
            _ => 5,
        }, what);
        Add(body, "pid", random.Next(100) switch
        {
            < 70 => null,
            < 85 => TestServices.ProductId,
            < 95 => "aaaaaaaa-2222-3333-4444-555555555555",
            _ => JValue.CreateNull(),
        }, what);
        Add(body, "phone_id", random.Next(100) switch
        {
            < 50 => 47309,
            < 70 => "47309",
            < 75 => 47310,
            < 79 => "047309",
            < 82 => 47309.0,
            < 85 => -47309,
            < 89 => null,
            < 92 => JValue.CreateNull(),
            < 94 => true,
            < 97 => " 47309",
            _ => "47309 ",
        }, what);
        Add(body, "phoneId", random.Next(100) switch
        {
            < 60 => null,
            < 85 => 47309,
            < 95 => 47310,
            _ => "47309",
        }, what);
        var word = random.Next(3) switch
        {
            0 => Pick(random, StateAnswerFuzzer.MaytapiWords[..1]),
            1 => Pick(random, StateAnswerFuzzer.MaytapiWords[..7]),
            _ => Pick(random, StateAnswerFuzzer.MaytapiWords),
        };
        Add(body, "status", random.Next(100) switch
        {
            < 94 => word,
            < 96 => null,
            < 98 => JValue.CreateNull(),
            _ => 5,
        }, what);
        return Shuffled(random, body);
    }

    /// <summary>Sets <paramref name="name"/> to <paramref name="value"/>, or leaves it out when null; says which unless it is the usual.</summary>
    private static void Add(JObject body, string name, JToken? value, List<string> what)
    {
        if (value is not null)
        {
            body[name] = value;
        }

        what.Add($"{name} {value?.ToString(Formatting.None) ?? "absent"}");
    }

    /// <summary>The same properties in another order: a reader must not depend on it.</summary>
    private static JObject Shuffled(Random random, JObject body) =>
        new(body.Properties().OrderBy(_ => random.Next()).Select(p => new JProperty(p.Name, p.Value)));

    /// <summary>The body with a name that decides something written twice, with another value first (a strict reader refuses it).</summary>
    private static string RepeatAName(Random random, string body, bool maytapi, List<string> what)
    {
        var repeated = maytapi
            ? Pick(random, RepeatedMaytapiNames)
            : Pick(random, RepeatedGreenNames);
        what.Add("repeated " + repeated);
        return "{" + repeated + body[1..];
    }

    private static byte[] Damage(Random random, byte[] body, List<string> what)
    {
        switch (random.Next(5))
        {
            case 0:
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
            case 3:
                var nul = random.Next(body.Length);
                what.Add($"NUL byte at {nul}");
                return [.. body[..nul], 0, .. body[nul..]];
            default:
                var bad = random.Next(body.Length);
                what.Add($"byte 0xFF at {bad}");
                var copy = (byte[])body.Clone();
                copy[bad] = 0xFF;
                return copy;
        }
    }

    private static T Pick<T>(Random random, IReadOnlyList<T> items) => items[random.Next(items.Count)];
}
