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

    internal List<string> Problems()
    {
        var problems = new List<string>();
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
