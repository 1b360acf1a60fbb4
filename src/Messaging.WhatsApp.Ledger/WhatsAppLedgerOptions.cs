using System;
using System.Collections.Generic;

namespace Messaging.WhatsApp.Ledger;

/// <summary>How the message ledger behaves (<c>AddWhatsAppLedger</c>). Checked when the ledger is registered.</summary>
public sealed class WhatsAppLedgerOptions
{
    /// <summary>
    /// Keeps each message's text for good. By default the text is personal data the ledger keeps only while it may
    /// still need it: until the send's outcome is settled (accepted or refused); a send whose outcome is unknown keeps
    /// it, to find the message in a gateway's journal. The content's hash always stays. Default false.
    /// </summary>
    public bool KeepText { get; set; }

    /// <summary>
    /// How long a send waits for another send with the same idempotency key that is still in flight (in this process
    /// or another) before it fails with <see cref="WhatsAppSendInProgressException"/>, nothing sent. Default 30 s; at
    /// most 10 minutes.
    /// </summary>
    public TimeSpan InFlightWait { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Applies the ledger's migrations to its own database when the host starts (before other hosted services). Off by
    /// default: applying them is a deployment step (<c>MigrateWhatsAppLedgerAsync</c>). Has no effect for an app's own
    /// context, whose migrations are the app's.
    /// </summary>
    public bool MigrateAtStartup { get; set; }

    /// <summary>
    /// How durably SQLite writes each record (its <c>synchronous</c> setting; the ledger always uses write-ahead logging,
    /// WAL). <see cref="LedgerSqliteSynchronous.Normal"/>, the default: a record survives the app's crash; a power
    /// loss or an operating system crash may lose the last records written. <see cref="LedgerSqliteSynchronous.Full"/>:
    /// every record survives a power loss too, at the cost of a disk flush per write (see docs/benchmarks.md). Other
    /// databases than SQLite ignore it.
    /// </summary>
    public LedgerSqliteSynchronous SqliteSynchronous { get; set; } = LedgerSqliteSynchronous.Normal;

    /// <summary>
    /// How long a send may be in flight before the ledger takes the process sending it to have stopped: the record then
    /// becomes an unknown outcome for the reconciler, and is never sent again blindly. It must be longer than the
    /// longest send (the sender's Timeout times its attempts, plus any rate-limit wait): a send still under way when its
    /// lease runs out is taken for dead, and if the gateway's journal does not show it yet once the journal's delay has
    /// passed, it is settled as not sent (and, with <see cref="ResendNotSent"/>, sent again) while it may still go out.
    /// The dispatcher renews a message's lease as its send begins, so the lease covers one send, not the time the
    /// message waited in its batch. Default 10 minutes; at least 1 second (short leases are for tests), at most 1 day.
    /// </summary>
    public TimeSpan SendLease { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// Runs the outbox dispatcher in this process (a hosted service): it sends the messages apps add with
    /// <c>EnqueueWhatsAppText</c> once their transaction has committed. Every replica may run it; they share the work
    /// without sending anything twice. Default false.
    /// </summary>
    public bool DispatchOutbox { get; set; }

    /// <summary>How long the dispatcher waits when the outbox had nothing due. Default 1 s.</summary>
    public TimeSpan DispatchInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How many messages the dispatcher claims at a time. Default 100.</summary>
    public int DispatchBatchSize { get; set; } = 100;

    /// <summary>How many of them it sends at once (one chat's messages always one after another). Default 8.</summary>
    public int DispatchConcurrency { get; set; } = 8;

    /// <summary>
    /// How many times the dispatcher attempts a message whose sends failed with an error that is safe to retry (rate
    /// limited, instance not ready, no connection), waiting twice as long each time from 5 s up to 10 minutes, before it
    /// records it refused. Errors that are not safe to retry are recorded at once. Default 10.
    /// </summary>
    public int DispatchMaxAttempts { get; set; } = 10;

    /// <summary>
    /// Runs the reconciler in this process (a hosted service): it settles unknown outcomes, flags stuck messages and
    /// deletes old records. Default true; an app whose replicas share one database may run it in each (it never
    /// settles a record twice).
    /// </summary>
    public bool Reconcile { get; set; } = true;

    /// <summary>How often the reconciler runs. Default 10 s.</summary>
    public TimeSpan ReconcileInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// The deadline of an unknown outcome: one no evidence settled this long after its send is
    /// <see cref="LedgerOutcome.Unresolved"/> and reported (a warning, the metric <c>whatsapp.ledger.unresolved</c>,
    /// <see cref="IWhatsAppLedgerHandler.OnUnresolvedAsync"/>). Default 30 minutes.
    /// </summary>
    public TimeSpan UnresolvedAfter { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>
    /// Sends a message again that the reconciler settled as <see cref="LedgerOutcome.NotSent"/> (the gateway's journal
    /// shows it did not go out), through the outbox. Off by default: it is reported instead.
    /// </summary>
    public bool ResendNotSent { get; set; }

    /// <summary>
    /// How long an accepted message may go without a sent status before it is flagged stuck (a warning, the metric
    /// <c>whatsapp.ledger.stuck</c>, <see cref="IWhatsAppLedgerHandler.OnStuckAsync"/>, a query): a gateway keeps
    /// messages queued while its phone is offline. It stays flagged until a status arrives. Default 15 minutes.
    /// </summary>
    public TimeSpan StuckAfter { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>How long records and their statuses are kept; older ones are deleted in the background, a batch at a time. Default 90 days.</summary>
    public TimeSpan RetainFor { get; set; } = TimeSpan.FromDays(90);

    /// <summary>How many records one retention step deletes. Default 500.</summary>
    public int RetentionBatchSize { get; set; } = 500;

    internal List<string> Problems()
    {
        var problems = new List<string>();
        if (SendLease < TimeSpan.FromSeconds(1) || SendLease > TimeSpan.FromDays(1))
        {
            problems.Add("WhatsAppLedger:SendLease must be between 1 second and 1 day.");
        }

        if (DispatchInterval <= TimeSpan.Zero || ReconcileInterval <= TimeSpan.Zero)
        {
            problems.Add("WhatsAppLedger:DispatchInterval and ReconcileInterval must be positive.");
        }

        if (DispatchBatchSize is < 1 or > 10_000 || DispatchConcurrency is < 1 or > 256 || DispatchMaxAttempts is < 1 or > 100)
        {
            problems.Add("WhatsAppLedger:DispatchBatchSize must be 1 to 10,000, DispatchConcurrency 1 to 256, DispatchMaxAttempts 1 to 100.");
        }

        if (UnresolvedAfter <= TimeSpan.Zero || StuckAfter <= TimeSpan.Zero || RetainFor < TimeSpan.FromHours(1))
        {
            problems.Add("WhatsAppLedger:UnresolvedAfter and StuckAfter must be positive, RetainFor at least 1 hour.");
        }

        if (RetentionBatchSize is < 1 or > 100_000)
        {
            problems.Add("WhatsAppLedger:RetentionBatchSize must be 1 to 100,000.");
        }
        if (InFlightWait < TimeSpan.Zero || InFlightWait > TimeSpan.FromMinutes(10))
        {
            problems.Add("WhatsAppLedger:InFlightWait must be between 0 and 10 minutes.");
        }

        if (!Enum.IsDefined(SqliteSynchronous))
        {
            problems.Add("WhatsAppLedger:SqliteSynchronous must be Normal or Full.");
        }

        return problems;
    }
}

/// <summary>SQLite's <c>synchronous</c> setting for the ledger's writes, in WAL mode.</summary>
public enum LedgerSqliteSynchronous
{
    /// <summary>Survives the app's crash; a power loss may lose the last records written. No flush per write.</summary>
    Normal = 0,

    /// <summary>Survives a power loss too: a flush of the write-ahead log per write.</summary>
    Full = 1,
}
