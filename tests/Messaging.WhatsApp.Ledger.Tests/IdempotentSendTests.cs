using System;
using System.Linq;
using System.Threading.Tasks;
using Messaging.WhatsApp.GreenApi;
using Microsoft.Extensions.Logging;
using NUnit.Framework;

namespace Messaging.WhatsApp.Ledger.Tests;

/// <summary>
/// Sends through a ledger on a real SQLite file: each one recorded before its request and settled after it; a key sent
/// again answered from its record, never sent again; another content under a key refused; a send in flight waited for.
/// </summary>
public sealed class IdempotentSendTests
{
    private static readonly ChatAddress Chat = ChatAddress.Parse("79001234567");

    private static SendOptions Key(string key) => new() { IdempotencyKey = key };

    [Test]
    public async Task Send_WithAKey_RecordedAcceptedWithTheMessageId_TextDroppedHashKept()
    {
        await using var host = await LedgerHost.StartAsync();

        var result = await host.Sender.SendTextAsync(Chat, "Your order 42 has shipped", null, Key("order-42"));

        var record = await host.Ledger.FindByKeyAsync("order-42");
        Assert.Multiple(() =>
        {
            Assert.That(result.MessageId, Is.EqualTo("ID-1"));
            Assert.That(result.IsRepeat, Is.False);
            Assert.That(record, Is.Not.Null);
            Assert.That(record!.Outcome, Is.EqualTo(LedgerOutcome.Accepted));
            Assert.That(record.MessageId, Is.EqualTo("ID-1"));
            Assert.That(record.Status, Is.EqualTo(WhatsAppMessageStatus.Queued));
            Assert.That(record.Provider, Is.EqualTo("green-api"));
            Assert.That(record.Instance, Is.EqualTo("1101000001"));
            Assert.That(record.ChatId, Is.EqualTo("79001234567@c.us"));
            Assert.That(record.KeyGenerated, Is.False);
            Assert.That(record.Text, Is.Null, "settled: the text is gone");
            Assert.That(record.ContentHash, Has.Length.EqualTo(64), "the hash stays");
            Assert.That(record.SettledAt, Is.Not.Null);
            Assert.That(host.Gateway.Count, Is.EqualTo(1));
        });
    }

    [Test]
    public async Task Send_SameKeyAndContentAgain_NothingSent_TheRecordedResultReturnedAsARepeat()
    {
        await using var host = await LedgerHost.StartAsync();
        var first = await host.Sender.SendTextAsync(Chat, "Hello", null, Key("k-1"));

        var second = await host.Sender.SendTextAsync(Chat, "Hello", null, Key("k-1"));

        Assert.Multiple(() =>
        {
            Assert.That(host.Gateway.Count, Is.EqualTo(1), "one request for the key");
            Assert.That(second.MessageId, Is.EqualTo(first.MessageId));
            Assert.That(second.ChatId, Is.EqualTo(first.ChatId));
            Assert.That(second.IsRepeat, Is.True);
        });
    }

    [Test]
    public async Task Send_SameKeyOtherContent_TypedConflictNamingTheKey_NothingSent()
    {
        await using var host = await LedgerHost.StartAsync();
        await host.Sender.SendTextAsync(Chat, "Hello", null, Key("k-2"));

        var conflict = Assert.ThrowsAsync<WhatsAppIdempotencyConflictException>(() => host.Sender.SendTextAsync(Chat, "Hello again", null, Key("k-2")))!;
        var otherChat = Assert.ThrowsAsync<WhatsAppIdempotencyConflictException>(() => host.Sender.SendTextAsync(ChatAddress.Parse("79001234568"), "Hello", null, Key("k-2")))!;

        Assert.Multiple(() =>
        {
            Assert.That(conflict.IdempotencyKey, Is.EqualTo("k-2"));
            Assert.That(conflict.Message, Does.Contain("'k-2'").And.Contain("nothing was sent"));
            Assert.That(conflict.IsSafeToRetry, Is.False);
            Assert.That(otherChat.IdempotencyKey, Is.EqualTo("k-2"));
            Assert.That(host.Gateway.Count, Is.EqualTo(1));
        });
    }

    [Test]
    public async Task Send_SameKeyFromFiftyThreadsAtOnce_OneRequest_EveryCallerGetsItsResult()
    {
        await using var host = await LedgerHost.StartAsync(o => o.InFlightWait = TimeSpan.FromMinutes(2));
        var release = host.Gateway.Hold();

        var sends = Enumerable.Range(0, 50).Select(_ => Task.Run(() => host.Sender.SendTextAsync(Chat, "Once", null, Key("k-threads")))).ToList();
        await host.Gateway.Arrived.Task.WaitAsync(TimeSpan.FromMinutes(1));
        release.SetResult();
        var results = await Task.WhenAll(sends).WaitAsync(TimeSpan.FromMinutes(2));

        Assert.Multiple(() =>
        {
            Assert.That(host.Gateway.Count, Is.EqualTo(1), "exactly one request");
            Assert.That(results.Select(r => r.MessageId).Distinct(), Is.EqualTo(new[] { "ID-1" }));
            Assert.That(results.Count(r => !r.IsRepeat), Is.EqualTo(1), "one send; the others answered from its record");
        });
    }

    [Test]
    public async Task Send_WhileTheFirstWithTheKeyIsInFlight_WaitsItsBoundThenFailsTyped_NothingSent()
    {
        await using var host = await LedgerHost.StartAsync(o => o.InFlightWait = TimeSpan.FromMilliseconds(200));
        var release = host.Gateway.Hold();
        var first = host.Sender.SendTextAsync(Chat, "Slow", null, Key("k-flight"));
        await host.Gateway.Arrived.Task.WaitAsync(TimeSpan.FromMinutes(1));

        var waiting = Assert.ThrowsAsync<WhatsAppSendInProgressException>(() => host.Sender.SendTextAsync(Chat, "Slow", null, Key("k-flight")))!;
        release.SetResult();
        await first;

        Assert.Multiple(() =>
        {
            Assert.That(waiting.IdempotencyKey, Is.EqualTo("k-flight"));
            Assert.That(waiting.IsSafeToRetry, Is.True, "nothing was sent by it; asking again is safe");
            Assert.That(host.Gateway.Count, Is.EqualTo(1));
        });
    }

    [Test]
    public async Task Send_Refused_RecordedWithTheTypedError_ThenTheSameKeyIsAttemptedAgain()
    {
        await using var host = await LedgerHost.StartAsync();
        host.Gateway.Answer = n => Task.FromResult(n == 1
            ? ScriptedGateway.Json(400, """{"statusCode":400,"timestamp":"2024-05-14T09:21:33.512Z","path":"/waInstance1101000001/sendMessage/REDACTED","message":"Validation failed. Details: 'message' is too long"}""")
            : ScriptedGateway.Success("ID-" + n));

        Assert.ThrowsAsync<WhatsAppRequestRejectedException>(() => host.Sender.SendTextAsync(Chat, "Hi", null, Key("k-refused")));
        var refused = await host.Ledger.FindByKeyAsync("k-refused");
        var again = await host.Sender.SendTextAsync(Chat, "Hi", null, Key("k-refused"));
        var accepted = await host.Ledger.FindByKeyAsync("k-refused");

        Assert.Multiple(() =>
        {
            Assert.That(refused!.Outcome, Is.EqualTo(LedgerOutcome.Refused));
            Assert.That(refused.ErrorType, Is.EqualTo(nameof(WhatsAppRequestRejectedException)));
            Assert.That(refused.HttpStatus, Is.EqualTo(400));
            Assert.That(refused.ErrorMessage, Does.Contain("nothing was sent"));
            Assert.That(refused.Text, Is.Null, "settled: refused");
            Assert.That(again.IsRepeat, Is.False, "nothing of the refused send went out, so it is sent now");
            Assert.That(accepted!.Outcome, Is.EqualTo(LedgerOutcome.Accepted));
            Assert.That(accepted.Attempts, Is.EqualTo(2));
            Assert.That(accepted.Id, Is.EqualTo(refused.Id), "the same record");
            Assert.That(host.Gateway.Count, Is.EqualTo(2));
        });
    }

    [Test]
    public async Task Send_OutcomeUnknown_RecordedUnknownWithTheText_TheSameKeyAgainIsTheRecordedUnknownNotASend()
    {
        await using var host = await LedgerHost.StartAsync();
        host.Gateway.Answer = _ => Task.FromResult(ScriptedGateway.Json(502, "Bad Gateway"));

        Assert.ThrowsAsync<WhatsAppOutcomeUnknownException>(() => host.Sender.SendTextAsync(Chat, "Maybe", null, Key("k-unknown")));
        var again = Assert.ThrowsAsync<WhatsAppOutcomeUnknownException>(() => host.Sender.SendTextAsync(Chat, "Maybe", null, Key("k-unknown")))!;
        var record = await host.Ledger.FindByKeyAsync("k-unknown");

        Assert.Multiple(() =>
        {
            Assert.That(host.Gateway.Count, Is.EqualTo(1), "never a second attempt of an unknown outcome");
            Assert.That(again.Message, Does.Contain("'k-unknown'").And.Contain("Nothing was sent now"));
            Assert.That(record!.Outcome, Is.EqualTo(LedgerOutcome.Unknown));
            Assert.That(record.Text, Is.EqualTo("Maybe"), "kept: what a journal lookup needs");
            Assert.That(record.HttpStatus, Is.EqualTo(502));
        });
    }

    // An app without the reconciler (the CLI, say) is not told that the reconciler settles it.
    [TestCase(true, "the ledger's reconciler settles it.")]
    [TestCase(false, "nothing settles it while the ledger's reconciler is off.")]
    public async Task Send_OutcomeUnknownThenTheSameKeyAgain_SaysWhetherTheReconcilerSettlesIt(bool reconcile, string ending)
    {
        await using var host = await LedgerHost.StartAsync(o => o.Reconcile = reconcile);
        host.Gateway.Answer = _ => Task.FromResult(ScriptedGateway.Json(502, "Bad Gateway"));

        Assert.ThrowsAsync<WhatsAppOutcomeUnknownException>(() => host.Sender.SendTextAsync(Chat, "Maybe", null, Key("k-unknown")));
        var again = Assert.ThrowsAsync<WhatsAppOutcomeUnknownException>(() => host.Sender.SendTextAsync(Chat, "Maybe", null, Key("k-unknown")))!;

        Assert.That(again.Message, Does.Contain("Nothing was sent now; ").And.EndWith(ending));
        Assert.That(host.Gateway.Count, Is.EqualTo(1));
    }

    [Test]
    public async Task Send_Cancelled_RecordedUnknown()
    {
        await using var host = await LedgerHost.StartAsync();
        host.Gateway.Hold();
        using var cancel = new System.Threading.CancellationTokenSource();
        var sending = host.Sender.SendTextAsync(Chat, "Cancel me", null, Key("k-cancel"), cancel.Token);
        await host.Gateway.Arrived.Task.WaitAsync(TimeSpan.FromMinutes(1));

        await cancel.CancelAsync();
        Assert.CatchAsync<OperationCanceledException>(() => sending);

        Assert.That((await host.Ledger.FindByKeyAsync("k-cancel"))!.Outcome, Is.EqualTo(LedgerOutcome.Unknown), "the request was written: it may go out");
    }

    [Test]
    public async Task Send_WithoutAKey_RecordedUnderAGeneratedKey()
    {
        await using var host = await LedgerHost.StartAsync();

        var sent = await host.Sender.SendTextAsync(Chat, "No key");
        var again = await host.Sender.SendTextAsync(Chat, "No key");

        var records = await host.Ledger.ListAsync(new LedgerQuery());
        Assert.Multiple(() =>
        {
            Assert.That(records, Has.Count.EqualTo(2), "every send has a record");
            Assert.That(records.All(r => r.KeyGenerated && r.IdempotencyKey.StartsWith("auto:", StringComparison.Ordinal)), Is.True);
            Assert.That(records.Select(r => r.MessageId), Is.EquivalentTo(new[] { sent.MessageId, again.MessageId }));
            Assert.That(host.Gateway.Count, Is.EqualTo(2), "without a key, a send is a send");
        });
    }

    [Test]
    public async Task SendAsync_ProviderRequestWithAKey_RecordedAndIdempotentToo()
    {
        await using var host = await LedgerHost.StartAsync();
        var request = new GreenApiSendMessageRequest { ChatId = Chat.Id, Message = "Preview https://example.com", LinkPreview = true };

        await host.GreenApi.SendAsync(request, Key("k-request"));
        var again = await host.GreenApi.SendAsync(request, Key("k-request"));

        Assert.Multiple(() =>
        {
            Assert.That(again.IsRepeat, Is.True);
            Assert.That(host.Gateway.Count, Is.EqualTo(1));
        });
    }

    [Test]
    public async Task Send_KeyBreakingItsRules_RefusedBeforeAnything_NothingRecorded()
    {
        await using var host = await LedgerHost.StartAsync();

        var blank = Assert.ThrowsAsync<WhatsAppArgumentException>(() => host.Sender.SendTextAsync(Chat, "x", null, Key(" ")))!;
        var control = Assert.ThrowsAsync<WhatsAppArgumentException>(() => host.Sender.SendTextAsync(Chat, "x", null, Key("a\nb")))!;
        var longKey = Assert.ThrowsAsync<WhatsAppArgumentException>(() => host.Sender.SendTextAsync(Chat, "x", null, Key(new string('k', 201))))!;

        Assert.Multiple(async () =>
        {
            Assert.That(new[] { blank.ParamName, control.ParamName, longKey.ParamName }, Has.All.EqualTo("idempotencyKey"));
            Assert.That(host.Gateway.Count, Is.Zero);
            Assert.That(await host.Ledger.ListAsync(new LedgerQuery()), Is.Empty);
        });
    }

    [Test]
    public void Send_KeyWithoutALedger_RefusedBeforeAnything()
    {
        var gateway = new ScriptedGateway();
        using var sender = new GreenApiSender(new GreenApiOptions { ApiUrl = new Uri("http://gateway.invalid/"), IdInstance = LedgerHost.IdInstance, ApiTokenInstance = LedgerHost.Token }, gateway);

        var error = Assert.ThrowsAsync<WhatsAppArgumentException>(() => sender.SendTextAsync(Chat, "x", null, Key("k")))!;

        Assert.Multiple(() =>
        {
            Assert.That(error.ParamName, Is.EqualTo("idempotencyKey"));
            Assert.That(error.Message, Does.Contain("AddWhatsAppLedger"));
            Assert.That(gateway.Count, Is.Zero);
        });
    }

    [Test]
    public async Task Send_ReadOnlyDatabase_FailsTypedAndSafeToRetry_NothingSent()
    {
        var folder = System.IO.Directory.CreateTempSubdirectory("whatsapp-ledger-ro-");
        using var cleanup = new FolderCleanup(folder);
        var path = System.IO.Path.Combine(folder.FullName, "ledger.db");
        await using (var setup = await LedgerHost.StartAsync())
        {
            System.IO.File.Copy(System.IO.Path.Combine(setup.Folder, "ledger.db"), path);
        }

        // Opened read-only, as a file the app may not write is: every write refused by SQLite itself.
        await using var host = await LedgerHost.StartAsync(databasePath: path, connectionSuffix: ";Mode=ReadOnly", migrate: false);

        var error = Assert.ThrowsAsync<WhatsAppLedgerUnavailableException>(() => host.Sender.SendTextAsync(Chat, "Hi", null, Key("k-ro")))!;

        Assert.Multiple(() =>
        {
            Assert.That(error.IsSafeToRetry, Is.True);
            Assert.That(error.Message, Does.Contain("nothing was sent"));
            Assert.That(error.Message, Does.Not.Contain(path), "no connection string or path in the message");
            Assert.That(host.Gateway.Count, Is.Zero);
        });
    }

    [Test]
    public async Task Send_DatabaseLockedByAnotherWriter_FailsTypedAfterTheBusyTimeout_NothingSent()
    {
        await using var host = await LedgerHost.StartAsync();
        await using var blocker = new Microsoft.Data.Sqlite.SqliteConnection(host.ConnectionString);
        await blocker.OpenAsync();
        await using (var begin = blocker.CreateCommand())
        {
            begin.CommandText = "BEGIN EXCLUSIVE;";
            await begin.ExecuteNonQueryAsync();
        }

        var error = Assert.ThrowsAsync<WhatsAppLedgerUnavailableException>(() => host.Sender.SendTextAsync(Chat, "Hi", null, Key("k-locked")))!;

        Assert.Multiple(() =>
        {
            Assert.That(error.IsSafeToRetry, Is.True);
            Assert.That(host.Gateway.Count, Is.Zero);
        });
    }

    [Test]
    public async Task Send_OutcomeCannotBeRecorded_TheSendStands_ItsRecordStaysInFlight_AndTheKeyIsNeverSentAgain()
    {
        await using var host = await LedgerHost.StartAsync(o => o.InFlightWait = TimeSpan.FromMilliseconds(300));
        var blocker = new Microsoft.Data.Sqlite.SqliteConnection(host.ConnectionString);
        var answer = host.Gateway.Answer;
        host.Gateway.Answer = async n =>
        {
            // While the request is at the gateway, another writer takes the database: the outcome cannot be written.
            await blocker.OpenAsync();
            await using var begin = blocker.CreateCommand();
            begin.CommandText = "BEGIN EXCLUSIVE;";
            await begin.ExecuteNonQueryAsync();
            return await answer(n);
        };

        var sent = await host.Sender.SendTextAsync(Chat, "Sent, not recorded", null, Key("k-end"));
        await blocker.DisposeAsync();
        var again = Assert.ThrowsAsync<WhatsAppSendInProgressException>(() => host.Sender.SendTextAsync(Chat, "Sent, not recorded", null, Key("k-end")));
        var record = await host.Ledger.FindByKeyAsync("k-end");

        Assert.Multiple(() =>
        {
            Assert.That(sent.MessageId, Is.EqualTo("ID-1"), "the caller gets what happened");
            Assert.That(again, Is.Not.Null);
            Assert.That(host.Gateway.Count, Is.EqualTo(1), "a failure to record is never turned into a second send");
            Assert.That(record!.Outcome, Is.EqualTo(LedgerOutcome.Sending));
            Assert.That(host.Logs.At(LogLevel.Error).Single(l => l.Contains("could not be recorded", StringComparison.Ordinal)), Does.Contain("ID-1").And.Contain("key k-end"));
        });
    }

    /// <summary>Deletes a test's own temporary folder when disposed.</summary>
    private sealed class FolderCleanup(System.IO.DirectoryInfo folder) : IDisposable
    {
        public void Dispose()
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            folder.Delete(recursive: true);
        }
    }
}
