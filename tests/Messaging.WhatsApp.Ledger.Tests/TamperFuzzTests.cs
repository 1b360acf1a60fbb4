using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Messaging.WhatsApp.GreenApi;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using NUnit.Framework;

namespace Messaging.WhatsApp.Ledger.Tests;

/// <summary>
/// Seeded fuzzing of what the ledger reads back from its database. Each case makes a record the ordinary way (accepted,
/// accepted with a delivered report, unknown outcome, in the outbox, in flight in another process), changes one column
/// of it by SQL on the file (as another version, a bad migration or a hand edit would leave it: enums holding undefined
/// numbers or text, NULL in the columns that allow it (a message id, a lease, a text), empty and absurdly long strings,
/// times in year 1, 9999 and beyond what a date can hold, negative counts, a message id two records hold, an accepted
/// record with no message id, an outbox record with no text, a content hash that is not one), and then runs every part of the ledger
/// that reads it, in a seeded order: the same key sent again, the dispatcher, the reconciler, status reports, and the
/// queries. Whatever the row holds, nothing is sent twice, no part fails with anything but a typed error, a status the
/// gateway did not state is never reported, and records beside the odd one are sent, settled and listed as usual. A row
/// that breaks a rule no version of the ledger writes is either refused with a typed error that names its record or key
/// and the field, or left aside with a warning that does.
/// </summary>
public sealed class TamperFuzzTests
{
    private static readonly ChatAddress Chat = ChatAddress.Parse("79001234567");
    private static readonly ChatAddress OtherChat = ChatAddress.Parse("79001234568");

    private static readonly Type[] Untyped =
    [
        typeof(NullReferenceException), typeof(InvalidCastException), typeof(OverflowException), typeof(ArgumentOutOfRangeException),
        typeof(FormatException), typeof(IndexOutOfRangeException), typeof(KeyNotFoundException),
    ];

    private enum Baseline
    {
        Accepted,
        Delivered,
        Unknown,
        Queued,
        Sending,
    }

    private enum Expect
    {
        /// <summary>The row breaks a rule no version writes: the same key and a lookup by key fail typed naming a field; a list leaves it out with a warning that names it.</summary>
        Odd,

        /// <summary>The row is one the ledger may have written: it is found and listed.</summary>
        Sound,

        /// <summary>Only the safety rules: nothing sent twice, typed errors only, statuses only as stated, the others unharmed.</summary>
        Any,

        /// <summary>A message id that another record holds too: a lookup by that id fails typed naming MessageId.</summary>
        SharedId,

        /// <summary>The provider, registration or key itself was edited: the row is no longer that key's record, so the same key is not sent again here.</summary>
        OtherKey,

        /// <summary>A status report of the record was edited: the timeline leaves it out, and it never becomes the record's status.</summary>
        OddReport,
    }

    private sealed record Tamper(string Column, string Value, Baseline[] On, Expect Expect, string[] Fields, bool LeaseRunsOut = false, string Table = "whatsapp_messages")
    {
        public override string ToString() => $"{Table}.{Column} = {(Value.Length > 60 ? Value[..60] + "…" : Value)} ({Expect}{(Fields.Length > 0 ? ": " + string.Join("/", Fields) : string.Empty)})";
    }

    private const string Year1 = "-62135596800000";
    private const string Year9999 = "253402300799999";
    private const string Year3000 = "32503680000000";
    private const string BeyondDates = "9000000000000000";
    private const string BeforeDates = "-9000000000000000";

    private static string Long(int length) => $"substr(replace(hex(zeroblob({(length + 1) / 2})), '0', 'x'), 1, {length})";

    private static readonly Baseline[] All = [Baseline.Accepted, Baseline.Delivered, Baseline.Unknown, Baseline.Queued, Baseline.Sending];
    private static readonly Baseline[] WithId = [Baseline.Accepted, Baseline.Delivered];
    private static readonly Baseline[] Settled = [Baseline.Accepted, Baseline.Delivered, Baseline.Unknown];

    private static readonly Tamper[] Tampers =
    [
        new("Outcome", "42", All, Expect.Odd, ["Outcome"]),
        new("Outcome", "-1", All, Expect.Odd, ["Outcome"]),
        new("Outcome", "'Accepted'", [Baseline.Accepted, Baseline.Delivered, Baseline.Unknown, Baseline.Queued], Expect.Odd, ["Outcome"]),
        new("Outcome", "'Accepted'", [Baseline.Sending], Expect.Any, []),
        new("Outcome", "2", WithId, Expect.Odd, ["Outcome", "MessageId"]),
        new("Outcome", "4", WithId, Expect.Odd, ["Outcome", "MessageId"]),
        new("Outcome", "0", WithId, Expect.Odd, ["Outcome", "MessageId", "LeaseUntil"]),
        new("Status", "99", All, Expect.Odd, ["Status"]),
        new("Status", "-3", All, Expect.Odd, ["Status"]),
        new("Status", "'Read'", WithId, Expect.Odd, ["Status"]),
        new("Status", "'Read'", [Baseline.Unknown, Baseline.Queued, Baseline.Sending], Expect.Any, []),
        new("StatusRank", "9", All, Expect.Odd, ["Status", "StatusRank"]),
        new("Provider", "''", All, Expect.OtherKey, []),
        new("RegistrationName", "'another'", All, Expect.OtherKey, []),
        new("IdempotencyKey", Long(100_000), All, Expect.OtherKey, []),
        new("ChatId", "''", All, Expect.Odd, ["ChatId"]),
        new("ChatId", Long(100_000), All, Expect.Odd, ["ChatId"]),
        new("ChatId", "'not a chat'", All, Expect.Any, []),
        new("ContentHash", "'zz'", All, Expect.Odd, ["ContentHash"]),
        new("ContentHash", "'" + new string('a', 64) + "'", All, Expect.Sound, []),
        new("Text", "NULL", [Baseline.Queued], Expect.Odd, ["Text"]),
        new("Text", "NULL", [Baseline.Unknown, Baseline.Sending], Expect.Any, []),
        new("Text", Long(100_000), [Baseline.Unknown, Baseline.Queued, Baseline.Sending], Expect.Any, []),
        new("MessageId", "NULL", WithId, Expect.Odd, ["MessageId"]),
        new("MessageId", "''", WithId, Expect.Odd, ["MessageId"]),
        new("MessageId", Long(10_000), WithId, Expect.Odd, ["MessageId"]),
        new("MessageId", "(SELECT m.MessageId FROM whatsapp_messages m WHERE m.IdempotencyKey = $sibling)", WithId, Expect.SharedId, ["MessageId"]),
        new("MessageId", "'ID-FROM-NOWHERE'", [Baseline.Unknown, Baseline.Queued], Expect.Odd, ["MessageId"]),
        new("CreatedAt", Year1, All, Expect.Sound, []),
        new("CreatedAt", Year9999, All, Expect.Sound, []),
        new("CreatedAt", BeyondDates, All, Expect.Odd, ["CreatedAt"]),
        new("CreatedAt", BeforeDates, All, Expect.Odd, ["CreatedAt"]),
        new("CreatedAt", "'soon'", All, Expect.Any, []),
        new("AttemptedAt", Year1, All, Expect.Any, []),
        new("AttemptedAt", Year9999, All, Expect.Any, []),
        new("AttemptedAt", Year3000, All, Expect.Any, []),
        new("AttemptedAt", BeyondDates, All, Expect.Odd, ["AttemptedAt"]),
        new("SettledAt", BeyondDates, Settled, Expect.Odd, ["SettledAt"]),
        new("SettledAt", Year1, Settled, Expect.Any, []),
        new("StatusAt", BeyondDates, WithId, Expect.Odd, ["StatusAt"]),
        new("LeaseUntil", "NULL", [Baseline.Sending], Expect.Any, [], LeaseRunsOut: true),
        new("LeaseUntil", Year1, [Baseline.Sending], Expect.Sound, [], LeaseRunsOut: true),
        new("LeaseUntil", Year9999, [Baseline.Sending], Expect.Sound, [], LeaseRunsOut: true),
        new("LeaseUntil", BeyondDates, [Baseline.Sending], Expect.Any, [], LeaseRunsOut: true),
        new("LeaseUntil", Year9999, [Baseline.Accepted, Baseline.Queued], Expect.Any, []),
        new("NextAttemptAt", BeyondDates, [Baseline.Unknown, Baseline.Queued], Expect.Odd, ["NextAttemptAt"]),
        new("NextAttemptAt", Year1, [Baseline.Unknown, Baseline.Queued], Expect.Any, []),
        new("StuckSince", BeyondDates, WithId, Expect.Odd, ["StuckSince"]),
        new("Attempts", "-1", All, Expect.Odd, ["Attempts"]),
        new("Attempts", "-2147483648", All, Expect.Odd, ["Attempts"]),
        new("ReconcileAttempts", "-5", All, Expect.Odd, ["ReconcileAttempts"]),
        new("KeyGenerated", "7", All, Expect.Any, []),
        new("Instance", Long(1_000), All, Expect.Odd, ["Instance"]),
        new("Status", "42", [Baseline.Delivered], Expect.OddReport, [], Table: "whatsapp_status_events"),
        new("StatusRank", "9", [Baseline.Delivered], Expect.OddReport, [], Table: "whatsapp_status_events"),
        new("Status", "'Read'", [Baseline.Delivered], Expect.OddReport, [], Table: "whatsapp_status_events"),
    ];

    /// <summary>Every column edit on every kind of record it applies to, once per seed, in the seed's order, each case's readers in the seed's order.</summary>
    [TestCase(5)]
    [TestCase(17)]
    public async Task Tampered_EveryColumnAndEveryReader_NothingSentTwice_TypedOrIgnoredWithAWarning(int seed)
    {
        var pairs = Tampers.SelectMany(t => t.On.Select(b => (Tamper: t, Baseline: b))).ToList();
        var failures = new List<string>();
        var cases = 0;
        // Retention far off: a record created in year 1 is past any shorter one, deleted, and its key free again.
        await using var host = await FuzzHost.StartAsync(o => o.RetainFor = TimeSpan.FromDays(4_000_000));
        var random = new Random(seed);
        foreach (var (tamper, baseline) in pairs.OrderBy(_ => random.Next()).ToList())
        {
            var surfaces = new[] { "same key", "dispatch", "reconcile", "statuses", "queries" }.OrderBy(_ => random.Next()).ToArray();
            var name = $"seed {seed}, case {cases}: {baseline} record, {tamper}, readers in the order {string.Join(", ", surfaces)}";
            try
            {
                failures.AddRange((await RunCaseAsync(host, $"{seed}-{cases}", tamper, baseline, surfaces)).Select(f => name + ": " + f));
            }
            catch (Exception e)
            {
                failures.Add($"{name}: the case threw {e}");
            }

            cases++;
            await host.ClearAsync();
            host.Logs.Clear();
        }

        TestContext.Out.WriteLine($"tamper fuzz, seed {seed}: {cases} cases (every column edit on every kind of record it applies to), {failures.Count} failures");
        foreach (var failure in failures)
        {
            TestContext.Out.WriteLine(failure.Split('\n')[0]);
        }

        Assert.Multiple(() =>
        {
            Assert.That(cases, Is.EqualTo(pairs.Count));
            Assert.That(cases, Is.GreaterThanOrEqualTo(190), "the catalogue of edits is whole");
            Assert.That(failures, Is.Empty, $"{failures.Count} failures; the first:\n" + string.Join("\n\n", failures.Take(8)));
        });
    }

    private static async Task<List<string>> RunCaseAsync(FuzzHost host, string name, Tamper tamper, Baseline baseline, string[] surfaces)
    {
        var failures = new List<string>();
        var key = "t-" + name;
        var text = "Tampered " + name;
        string? messageId = null;
        var unknownRequests = new HashSet<int>();
        host.Answer = n => unknownRequests.Contains(n) ? ScriptedGateway.Json(502, "Bad Gateway") : ScriptedGateway.Success("ID-" + n.ToString(CultureInfo.InvariantCulture));

        // Beside the odd record: an accepted one, an unknown one the journal settles, one in the outbox; all sound.
        var siblingAccepted = await host.Sender.SendTextAsync(OtherChat, "Sibling accepted " + name, null, new SendOptions { IdempotencyKey = "sa-" + name });
        unknownRequests.Add(host.Gateway.Count + 1);
        await ExpectUnknownAsync(host, OtherChat, "Sibling unknown " + name, "su-" + name);
        await EnqueueAsync(host, "sq-" + name, ChatAddress.Parse("79001234569"), "Sibling queued " + name);

        switch (baseline)
        {
            case Baseline.Accepted or Baseline.Delivered or Baseline.Sending:
                messageId = (await host.Sender.SendTextAsync(Chat, text, null, new SendOptions { IdempotencyKey = key })).MessageId;
                if (baseline == Baseline.Delivered)
                {
                    await host.ReceiveAsync(FuzzHost.GreenApi(messageId, WhatsAppMessageStatus.Delivered, "delivered", DateTimeOffset.UtcNow));
                }
                else if (baseline == Baseline.Sending)
                {
                    // Another process is sending it: in flight under its lease, no outcome recorded yet.
                    await host.ExecuteAsync(
                        "UPDATE whatsapp_messages SET Outcome = 0, LeaseOwner = 'elsewhere/1/abc', LeaseUntil = $lease, MessageId = NULL, SettledAt = NULL, Status = 0, StatusRank = 0, StatusAt = NULL, Text = $text WHERE IdempotencyKey = $key",
                        ("$lease", host.Clock.GetUtcNow().AddSeconds(30).ToUnixTimeMilliseconds()), ("$text", text), ("$key", key));
                    messageId = null;
                }

                break;
            case Baseline.Unknown:
                unknownRequests.Add(host.Gateway.Count + 1);
                await ExpectUnknownAsync(host, Chat, text, key);
                break;
            default:
                await EnqueueAsync(host, key, Chat, text);
                break;
        }

        var id = Convert.ToInt64(await host.ScalarAsync("SELECT Id FROM whatsapp_messages WHERE IdempotencyKey = $key", ("$key", key)), CultureInfo.InvariantCulture);
        var sentBefore = Sent(host, text);
        var edited = tamper.Table == "whatsapp_messages"
            ? await host.ExecuteAsync($"UPDATE whatsapp_messages SET \"{tamper.Column}\" = {tamper.Value} WHERE Id = $id", ("$id", id), ("$sibling", "sa-" + name))
            : await host.ExecuteAsync($"UPDATE whatsapp_status_events SET \"{tamper.Column}\" = {tamper.Value} WHERE MessageId = $messageId", ("$messageId", messageId));
        if (edited != 1)
        {
            return [$"the edit changed {edited} rows"];
        }

        // An odd row stays odd until a reader that may act on it did: the dispatcher and the reconciler set it aside (as
        // unresolved, its error naming the field), and a newer report of the gateway replaces an edited status (and clears
        // an edited StuckSince, as a sent status does).
        var named = new[] { $"'{key}'", $"record {id}" };
        var odd = tamper.Expect == Expect.Odd;
        var warned = false;
        foreach (var surface in surfaces)
        {
            var expect = odd ? Expect.Odd : tamper.Expect == Expect.Odd ? Expect.Any : tamper.Expect;
            warned |= odd && surface == "queries";
            if (odd && (surface == "dispatch" && baseline == Baseline.Queued || surface == "reconcile" && baseline == Baseline.Unknown
                || surface == "statuses" && messageId is not null && tamper.Column is "Status" or "StatusRank" or "StatusAt" or "StuckSince"))
            {
                odd = false;
            }

            try
            {
                switch (surface)
                {
                    case "same key" when tamper.Expect != Expect.OtherKey:
                        await SameKeyAsync(host, key, text, expect, tamper.Fields, named, failures);
                        break;
                    case "dispatch":
                        for (var i = 0; i < 5 && await host.Dispatcher.DispatchOnceAsync(CancellationToken.None) > 0; i++)
                        {
                        }

                        break;
                    case "reconcile":
                        await host.Reconciler.RunOnceAsync(CancellationToken.None);
                        if (tamper.LeaseRunsOut && Convert.ToInt32(await host.ScalarAsync("SELECT typeof(Outcome) = 'integer' AND Outcome = 0 FROM whatsapp_messages WHERE Id = $id", ("$id", id)), CultureInfo.InvariantCulture) == 1)
                        {
                            failures.Add("the reconciler left the record in flight under a lease no process can hold: it would block its key and chat forever");
                        }

                        break;
                    case "statuses":
                        if (messageId is not null)
                        {
                            await host.ReceiveAsync(FuzzHost.GreenApi(messageId, WhatsAppMessageStatus.Read, "read", DateTimeOffset.UtcNow));
                        }

                        await host.ReceiveAsync(FuzzHost.GreenApi(siblingAccepted.MessageId, WhatsAppMessageStatus.Read, "read", DateTimeOffset.UtcNow));
                        break;
                    case "queries":
                        await QueriesAsync(host, key, tamper.Expect == Expect.SharedId ? siblingAccepted.MessageId : messageId, expect, tamper.Fields, named, failures);
                        break;
                }
            }
            catch (Exception e)
            {
                failures.Add($"{surface} threw {e.GetType().Name}: {e.Message}");
            }
        }

        // Nothing twice: the record's text went out at most once, whatever its row held.
        if (Sent(host, text) > 1 || (Sent(host, text) > sentBefore && baseline != Baseline.Queued))
        {
            failures.Add($"sent again: the gateway had the record's text {Sent(host, text)} times (before the edit: {sentBefore})");
        }

        if (tamper.Expect == Expect.Odd && baseline == Baseline.Queued && Sent(host, text) > 0)
        {
            failures.Add("the dispatcher sent an outbox record the ledger cannot trust");
        }

        // The records beside it: sent, settled, given their status, listed.
        var queued = await host.Ledger.FindByKeyAsync("sq-" + name);
        var unknown = await host.Ledger.FindByKeyAsync("su-" + name);
        var accepted = await host.Ledger.FindByKeyAsync("sa-" + name);
        if (queued?.Outcome != LedgerOutcome.Accepted || Sent(host, "Sibling queued " + name) != 1)
        {
            failures.Add($"the outbox message beside it was not sent once: {queued}, {Sent(host, "Sibling queued " + name)} requests");
        }

        if (unknown?.Outcome != LedgerOutcome.Accepted)
        {
            failures.Add($"the unknown send beside it was not settled from the journal: {unknown}");
        }

        if (accepted?.Status != WhatsAppMessageStatus.Read)
        {
            failures.Add($"the accepted message beside it did not take its read report: {accepted}");
        }

        var listed = await host.Ledger.ListAsync(new LedgerQuery { Limit = LedgerQuery.MaxLimit });
        if (!new[] { "sq-", "su-", "sa-" }.All(p => listed.Any(r => r.IdempotencyKey == p + name)))
        {
            failures.Add($"the list lost a record beside it: {string.Join(", ", listed.Select(r => r.IdempotencyKey))}");
        }

        var setAside = (string?)await host.ScalarAsync("SELECT ErrorType || ': ' || ErrorMessage FROM whatsapp_messages WHERE Id = $id AND ErrorType = 'InvalidRecord'", ("$id", id));
        if (tamper.Expect == Expect.Odd && setAside is not null && !tamper.Fields.Any(f => setAside.Contains(f, StringComparison.Ordinal)))
        {
            failures.Add($"set aside with an error that does not name the field ({string.Join(" or ", tamper.Fields)}): {setAside}");
        }

        if (tamper.Expect == Expect.OddReport)
        {
            var record = await host.Ledger.FindByKeyAsync(key);
            var timeline = record is null ? [] : await host.Ledger.GetTimelineAsync(record);
            if (record?.Status != WhatsAppMessageStatus.Read || timeline.Any(s => !Enum.IsDefined(s.Status) || (s.Kind == "status" && s.ProviderStatus is null)))
            {
                failures.Add($"an edited report counted: the record is {record}, its timeline {string.Join(", ", timeline.Select(s => $"{s.Kind}:{(int)s.Status}/{s.ProviderStatus}"))}; the gateway stated delivered, then read");
            }
        }

        if (tamper.Expect == Expect.Odd && (warned || setAside is not null) && !host.Logs.AtLeast(LogLevel.Warning).Any(l => tamper.Fields.Any(f => l.Contains(f, StringComparison.Ordinal)) && named.Any(n => l.Contains(n, StringComparison.Ordinal))))
        {
            failures.Add($"no warning names the record ({string.Join(" or ", named)}) and the field ({string.Join(" or ", tamper.Fields)})");
        }

        return failures;
    }

    private static async Task SameKeyAsync(FuzzHost host, string key, string text, Expect expect, string[] fields, string[] named, List<string> failures)
    {
        try
        {
            var again = await host.Sender.SendTextAsync(Chat, text, null, new SendOptions { IdempotencyKey = key });
            if (expect == Expect.Odd)
            {
                failures.Add($"the same key answered {again.MessageId} from a record the ledger cannot trust");
            }
            else if (!again.IsRepeat)
            {
                failures.Add("the same key was sent again");
            }
        }
        catch (WhatsAppException e)
        {
            CheckTyped(e, "the same key", expect == Expect.Odd ? fields : [], named, failures);
        }
    }

    private static async Task QueriesAsync(FuzzHost host, string key, string? messageId, Expect expect, string[] fields, string[] named, List<string> failures)
    {
        LedgerRecord? found = null;
        try
        {
            found = await host.Ledger.FindByKeyAsync(key);
            if (expect == Expect.Odd)
            {
                failures.Add($"FindByKeyAsync answered a record the ledger cannot trust: {found}");
            }
            else if (expect is Expect.Sound or Expect.SharedId or Expect.OddReport && found is null)
            {
                failures.Add("FindByKeyAsync lost the record");
            }
        }
        catch (WhatsAppException e) when (expect is Expect.Odd or Expect.Any or Expect.OtherKey)
        {
            CheckTyped(e, "FindByKeyAsync", expect == Expect.Odd ? fields : [], named, failures);
        }

        if (messageId is not null)
        {
            try
            {
                var byId = await host.Ledger.FindByMessageIdAsync("green-api", messageId);
                if (expect == Expect.SharedId)
                {
                    failures.Add($"FindByMessageIdAsync picked one of two records holding {messageId}: {byId}");
                }
                else if (expect == Expect.Odd && byId?.IdempotencyKey == key)
                {
                    failures.Add($"FindByMessageIdAsync answered a record the ledger cannot trust: {byId}");
                }
                else
                {
                    CheckRecord(byId, "FindByMessageIdAsync", failures);
                }
            }
            catch (WhatsAppException e) when (expect is Expect.Odd or Expect.Any or Expect.OtherKey or Expect.SharedId)
            {
                CheckTyped(e, "FindByMessageIdAsync", expect is Expect.Odd or Expect.SharedId ? fields : [], expect == Expect.SharedId ? [messageId] : named, failures);
            }
        }

        var listed = await host.Ledger.ListAsync(new LedgerQuery { Limit = LedgerQuery.MaxLimit });
        foreach (var record in listed)
        {
            CheckRecord(record, "ListAsync", failures);
            foreach (var step in await host.Ledger.GetTimelineAsync(record))
            {
                if (!Enum.IsDefined(step.Status))
                {
                    failures.Add($"the timeline of {record.IdempotencyKey} has the status {(int)step.Status}, which no gateway states");
                }
            }
        }

        if (expect == Expect.Odd && listed.Any(r => r.Id == found?.Id || r.IdempotencyKey == key))
        {
            failures.Add("ListAsync listed a record the ledger cannot trust");
        }

        if (expect is Expect.Sound or Expect.SharedId or Expect.OddReport && !listed.Any(r => r.IdempotencyKey == key))
        {
            failures.Add("ListAsync lost the record");
        }

        if (found is not null)
        {
            CheckRecord(found, "FindByKeyAsync", failures);
            var timeline = await host.Ledger.GetTimelineAsync(found);
            if (timeline.FirstOrDefault(s => !Enum.IsDefined(s.Status) || (s.Kind == "status" && s.ProviderStatus is null)) is { } odd)
            {
                failures.Add($"the record's timeline has a report no gateway made: {odd}");
            }
        }

        var now = host.Clock.GetUtcNow();
        var counts = await host.Ledger.CountByStatusAsync(now.AddYears(-1), now.AddYears(1));
        foreach (var count in counts)
        {
            if (!Enum.IsDefined(count.Status) || count.Provider is null)
            {
                failures.Add($"CountByStatusAsync counted {count.Count} under {count.Provider}/{(int)count.Status}");
            }
        }

        // What the counts leave out, a warning says.
        var inRange = Convert.ToInt32(
            await host.ScalarAsync("SELECT COUNT(*) FROM whatsapp_messages WHERE CreatedAt >= $from AND CreatedAt < $to", ("$from", now.AddYears(-1).ToUnixTimeMilliseconds()), ("$to", now.AddYears(1).ToUnixTimeMilliseconds())),
            CultureInfo.InvariantCulture);
        if (counts.Sum(c => c.Count) < inRange && !host.Logs.AtLeast(LogLevel.Warning).Any(l => l.Contains("left out of the counts", StringComparison.Ordinal)))
        {
            failures.Add($"CountByStatusAsync counted {counts.Sum(c => c.Count)} of the {inRange} records in its range without a warning");
        }
    }

    /// <summary>A record a query answered: its outcome one the ledger has, its status one a gateway stated (or unknown, or queued from the acceptance).</summary>
    private static void CheckRecord(LedgerRecord? record, string where, List<string> failures)
    {
        if (record is null)
        {
            return;
        }

        if (!Enum.IsDefined(record.Outcome) || !Enum.IsDefined(record.Status))
        {
            failures.Add($"{where} answered {record.IdempotencyKey} with outcome {(int)record.Outcome} and status {(int)record.Status}");
        }
        else if (record.Status is not (WhatsAppMessageStatus.Unknown or WhatsAppMessageStatus.Queued or WhatsAppMessageStatus.Delivered or WhatsAppMessageStatus.Read))
        {
            failures.Add($"{where} answered {record.IdempotencyKey} with the status {record.Status}, which no report stated");
        }
    }

    /// <summary>A typed error: no untyped exception inside it, and (for an odd row) its message names the record or key and a field.</summary>
    private static void CheckTyped(Exception e, string where, string[] fields, string[] named, List<string> failures)
    {
        for (var inner = (Exception?)e; inner is not null; inner = inner.InnerException)
        {
            if (Untyped.Contains(inner.GetType()))
            {
                failures.Add($"{where} failed with {e.GetType().Name} caused by {inner.GetType().Name}: {e.Message}");
                return;
            }
        }

        if (fields.Length > 0 && !(fields.Any(f => e.Message.Contains(f, StringComparison.Ordinal)) && named.Any(n => e.Message.Contains(n, StringComparison.Ordinal))))
        {
            failures.Add($"{where} failed with {e.GetType().Name} that does not name the record ({string.Join(" or ", named)}) and the field ({string.Join(" or ", fields)}): {e.Message}");
        }
    }

    private static int Sent(FuzzHost host, string text) => host.Gateway.Requests.Count(r => (string?)r["message"] == text);

    private static async Task ExpectUnknownAsync(FuzzHost host, ChatAddress chat, string text, string key)
    {
        try
        {
            await host.Sender.SendTextAsync(chat, text, null, new SendOptions { IdempotencyKey = key });
            throw new InvalidOperationException($"{key}: the gateway answered 502, yet the send succeeded");
        }
        catch (WhatsAppOutcomeUnknownException)
        {
            // As scripted.
        }
    }

    private static async Task EnqueueAsync(FuzzHost host, string key, ChatAddress chat, string text)
    {
        await using var context = await host.Services.GetRequiredService<IDbContextFactory<WhatsAppLedgerDbContext>>().CreateDbContextAsync();
        context.EnqueueWhatsAppText(GreenApiOptions.Provider, key, chat, text, time: host.Clock);
        await context.SaveChangesAsync();
    }
}
