using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using System.Text.Json;

namespace Messaging.WhatsApp.Tests.Receiving;

/// <summary>
/// Seeded mutations of recorded notification bodies: the type swapped (for every known type of both providers,
/// unknown names, other letter case), fields removed, duplicated, renamed, added or retyped (null, booleans,
/// integers at every range boundary, floats, exponents, huge numbers, strings with escapes and lone surrogates,
/// objects, arrays), values varied within their type (status words, ack codes, timestamps at the range limits),
/// arrays emptied, grown and given nulls, values nested past the depth limit, whole bodies of the other
/// provider, and byte-level damage (flips, insertions, deletions, truncation, a byte order mark, trailing
/// bytes). Case <c>i</c> of a seed is always the same body.
/// </summary>
public sealed class NotificationFuzzer
{
    private static readonly string[] TypeNames =
    [
        "outgoingMessageStatus", "outgoingAPIMessageReceived", "stateInstanceChanged", "quotaExceeded",
        "ack", "error", "status", "message", "incomingMessageReceived", "live_event", "", "OutgoingMessageStatus", "ACK", "ack ",
    ];

    private static readonly string[] Words =
    [
        "sent", "delivered", "read", "failed", "noAccount", "notInGroup", "yellowCard", "pending", "played", "reached", "seen",
        "deleted", "Sent", "", " ", "SWE004: 1000", "F04", "active", "qr-code", "79001234567@c.us", "BAE5F4886F6F2D05",
        "a3ff8460-c710-11ee-a8e7-5fbaaf152c1d", "é😀", "\\u00e9", "\\ud83d\\ude00", "\\u0000", "\\\"", "\\/", "a\\nb",
    ];

    private static readonly string[] Numbers =
    [
        "0", "-0", "1", "2", "3", "4", "5", "6", "-1", "255", "2147483647", "2147483648", "-2147483648", "-2147483649",
        "9223372036854775807", "9223372036854775808", "-9223372036854775808", "-9223372036854775809", "99999999999999999999",
        "1705901090", "253402300799", "253402300800", "1.0", "1.5", "-0.0", "1e3", "1E-2", "1e400", "47309",
    ];

    private static readonly string[] Hostile =
    [
        "null", "true", "false", "\"\"", "\"x\"", "\"\\ud800\"", "\"\\udc00x\"", "\"\\u0000\"", "[]", "{}", "[null]", "[1,\"a\",{}]",
        "{\"a\":1}", "{\"a\":{\"b\":[{}]}}", "0", "-1", "1.5", "1e3", "99999999999999999999", "\"1705901090\"", "\"true\"",
    ];

    private static readonly string[] KnownNames =
    [
        "typeWebhook", "type", "instanceData", "idInstance", "wid", "typeInstance", "timestamp", "chatId", "idMessage", "status",
        "description", "sendByApi", "senderData", "messageData", "textMessageData", "textMessage", "extendedTextMessageData",
        "stateInstance", "quotaData", "used", "total", "method", "product_id", "phone_id", "phoneId", "data", "msgId", "ackType",
        "ackCode", "time", "rxid", "options", "votes", "reaction", "code", "message", "id", "to_number", "pid",
    ];

    private static readonly string[] Trailers = [" x", "{}", "\0", "\n", " \t\r\n"];

    private readonly int _seed;
    private readonly IReadOnlyList<byte[]> _own;
    private readonly IReadOnlyList<byte[]> _other;

    /// <param name="seed">The run's seed.</param>
    /// <param name="own">Recorded bodies of the provider under test.</param>
    /// <param name="other">Recorded bodies of the other provider.</param>
    public NotificationFuzzer(int seed, IReadOnlyList<byte[]> own, IReadOnlyList<byte[]> other)
    {
        _seed = seed;
        _own = own;
        _other = other;
    }

    /// <summary>The body of case <paramref name="index"/>, with a short description of what was done to it.</summary>
    public (byte[] Body, string Mutations) Case(int index)
    {
        var random = new Random(unchecked((_seed * 1_000_003) + index));
        var done = new List<string>();
        var fromOther = random.Next(20) == 0;
        var source = fromOther ? _other[random.Next(_other.Count)] : _own[random.Next(_own.Count)];
        if (fromOther)
        {
            done.Add("other provider's body");
        }

        var tree = Node.Parse(source);
        var count = random.Next(4);
        for (var i = 0; i < count; i++)
        {
            done.Add(Mutate(tree, random));
        }

        var bytes = Encoding.UTF8.GetBytes(tree.Write());
        if (random.Next(8) == 0)
        {
            (bytes, var what) = Damage(bytes, random);
            done.Add(what);
        }

        return (bytes, done.Count == 0 ? "as recorded" : string.Join("; ", done));
    }

    private static string Mutate(Node root, Random random)
    {
        var objects = root.Objects().ToList();
        var target = objects[random.Next(objects.Count)];
        switch (random.Next(11))
        {
            case 0:
            {
                var name = root.Members.Any(m => m.Name == "typeWebhook") ? "typeWebhook" : "type";
                var type = TypeNames[random.Next(TypeNames.Length)];
                root.Set(name, Node.Literal(JsonSerializer.Serialize(type)));
                return $"type set to '{type}'";
            }

            case 1 when target.Members.Count > 0:
            {
                var member = target.Members[random.Next(target.Members.Count)];
                target.Members.Remove(member);
                return $"'{member.Name}' removed";
            }

            case 2 when target.Members.Count > 0:
            {
                var member = target.Members[random.Next(target.Members.Count)];
                var value = random.Next(2) == 0 ? member.Value.Clone() : Node.Literal(Hostile[random.Next(Hostile.Length)]);
                target.Members.Insert(random.Next(target.Members.Count + 1), (member.Name, value));
                return $"'{member.Name}' duplicated";
            }

            case 3 or 4:
            {
                var (owner, slot, name) = AnyValue(root, random);
                if (owner is null)
                {
                    return "nothing to retype";
                }

                var value = Node.Literal(Hostile[random.Next(Hostile.Length)]);
                owner.Replace(slot, value);
                return $"'{name}' retyped to {value.Raw}";
            }

            case 5 or 6:
            {
                var (owner, slot, name) = AnyValue(root, random);
                if (owner is null)
                {
                    return "nothing to vary";
                }

                var current = owner.ValueAt(slot);
                var value = current.Raw is { } raw && raw.StartsWith('"')
                    ? Node.Literal("\"" + Words[random.Next(Words.Length)] + "\"")
                    : Node.Literal(Numbers[random.Next(Numbers.Length)]);
                owner.Replace(slot, value);
                return $"'{name}' varied to {value.Raw}";
            }

            case 7:
            {
                var name = random.Next(2) == 0 ? KnownNames[random.Next(KnownNames.Length)] : "x" + random.Next(1000).ToString(CultureInfo.InvariantCulture);
                var value = random.Next(2) == 0 ? Node.Literal(Hostile[random.Next(Hostile.Length)]) : Node.Literal("\"" + Words[random.Next(Words.Length)] + "\"");
                target.Members.Insert(random.Next(target.Members.Count + 1), (name, value));
                return $"'{name}' added as {value.Raw}";
            }

            case 8 when target.Members.Count > 0:
            {
                var index = random.Next(target.Members.Count);
                var (oldName, value) = target.Members[index];
                var name = random.Next(3) == 0 ? oldName.ToUpperInvariant() : KnownNames[random.Next(KnownNames.Length)];
                target.Members[index] = (name, value);
                return $"'{oldName}' renamed '{name}'";
            }

            case 9:
            {
                var arrays = root.Arrays().ToList();
                if (arrays.Count == 0)
                {
                    return "no array";
                }

                var array = arrays[random.Next(arrays.Count)];
                switch (random.Next(4))
                {
                    case 0:
                        array.Items.Clear();
                        return "array emptied";
                    case 1 when array.Items.Count > 0:
                        array.Items.Add(array.Items[random.Next(array.Items.Count)].Clone());
                        return "array item repeated";
                    case 2:
                        array.Items.Insert(random.Next(array.Items.Count + 1), Node.Literal("null"));
                        return "null array item";
                    default:
                        array.Items.Insert(random.Next(array.Items.Count + 1), Node.Literal(Hostile[random.Next(Hostile.Length)]));
                        return "odd array item";
                }
            }

            default:
            {
                var depth = random.Next(50, 70);
                var deep = Node.Literal(new string('[', depth) + new string(']', depth));
                target.Members.Add(("deep", deep));
                return $"nested {depth} arrays";
            }
        }
    }

    /// <summary>A value somewhere in the tree: its owner, its slot there, and its name.</summary>
    private static (Node? Owner, int Slot, string Name) AnyValue(Node root, Random random)
    {
        var slots = root.Containers().SelectMany(c => Enumerable.Range(0, c.Count).Select(i => (Owner: c, Slot: i))).ToList();
        if (slots.Count == 0)
        {
            return (null, 0, string.Empty);
        }

        var (owner, slot) = slots[random.Next(slots.Count)];
        return (owner, slot, owner.IsObject ? owner.Members[slot].Name : $"[{slot}]");
    }

    private static (byte[] Bytes, string What) Damage(byte[] bytes, Random random)
    {
        var list = bytes.ToList();
        switch (random.Next(8))
        {
            case 0:
                var at = random.Next(list.Count);
                list[at] ^= (byte)(1 << random.Next(8));
                return (list.ToArray(), $"bit flipped at {at}");
            case 1:
                list.Insert(random.Next(list.Count + 1), (byte)random.Next(256));
                return (list.ToArray(), "random byte inserted");
            case 2:
                list.RemoveAt(random.Next(list.Count));
                return (list.ToArray(), "byte deleted");
            case 3:
                var keep = random.Next(list.Count);
                return (list.Take(keep).ToArray(), $"truncated to {keep}");
            case 4:
                return ([0xEF, 0xBB, 0xBF, .. list], "byte order mark");
            case 5:
                return ([.. list, .. Encoding.UTF8.GetBytes(Trailers[random.Next(Trailers.Length)])], "trailing bytes");
            case 6:
                var whiteAt = list.IndexOf((byte)',');
                if (whiteAt >= 0)
                {
                    list.InsertRange(whiteAt + 1, " \n\t "u8.ToArray());
                }

                return (list.ToArray(), "white space inserted");
            default:
                var high = random.Next(list.Count);
                list.Insert(high, (byte)random.Next(0x80, 0x100));
                return (list.ToArray(), "high byte inserted");
        }
    }

    /// <summary>A JSON value whose objects may hold a name twice: what a mutation needs and JsonNode cannot hold.</summary>
    private sealed class Node
    {
        private Node()
        {
        }

        public List<(string Name, Node Value)> Members { get; } = new();

        public List<Node> Items { get; } = new();

        public bool IsObject { get; private init; }

        public bool IsArray { get; private init; }

        /// <summary>The JSON text of a literal (string, number, true, false, null or any raw text).</summary>
        public string? Raw { get; private init; }

        public int Count => IsObject ? Members.Count : Items.Count;

        public static Node Literal(string raw) => new() { Raw = raw };

        public static Node Parse(byte[] json)
        {
            using var document = JsonDocument.Parse(json);
            return From(document.RootElement);
        }

        public Node Clone()
        {
            var copy = new Node { IsObject = IsObject, IsArray = IsArray, Raw = Raw };
            copy.Members.AddRange(Members.Select(m => (m.Name, m.Value.Clone())));
            copy.Items.AddRange(Items.Select(i => i.Clone()));
            return copy;
        }

        public IEnumerable<Node> Objects() => Containers().Where(c => c.IsObject);

        public IEnumerable<Node> Arrays() => Containers().Where(c => c.IsArray);

        public IEnumerable<Node> Containers()
        {
            if (!IsObject && !IsArray)
            {
                yield break;
            }

            yield return this;
            foreach (var child in IsObject ? Members.Select(m => m.Value) : Items)
            {
                foreach (var container in child.Containers())
                {
                    yield return container;
                }
            }
        }

        public Node ValueAt(int slot) => IsObject ? Members[slot].Value : Items[slot];

        public void Replace(int slot, Node value)
        {
            if (IsObject)
            {
                Members[slot] = (Members[slot].Name, value);
            }
            else
            {
                Items[slot] = value;
            }
        }

        public void Set(string name, Node value)
        {
            var index = Members.FindIndex(m => m.Name == name);
            if (index >= 0)
            {
                Members[index] = (name, value);
            }
            else
            {
                Members.Insert(0, (name, value));
            }
        }

        public string Write()
        {
            if (Raw is not null)
            {
                return Raw;
            }

            return IsObject
                ? "{" + string.Join(",", Members.Select(m => JsonSerializer.Serialize(m.Name) + ":" + m.Value.Write())) + "}"
                : "[" + string.Join(",", Items.Select(i => i.Write())) + "]";
        }

        private static Node From(JsonElement element)
        {
            switch (element.ValueKind)
            {
                case JsonValueKind.Object:
                    var node = new Node { IsObject = true };
                    node.Members.AddRange(element.EnumerateObject().Select(p => (p.Name, From(p.Value))));
                    return node;
                case JsonValueKind.Array:
                    var array = new Node { IsArray = true };
                    array.Items.AddRange(element.EnumerateArray().Select(From));
                    return array;
                default:
                    return Literal(element.GetRawText());
            }
        }
    }
}
