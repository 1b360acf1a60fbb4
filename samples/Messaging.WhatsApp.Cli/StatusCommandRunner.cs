using System;
using System.Collections.Generic;
using System.Data.Common;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Messaging.WhatsApp.Ledger;
using Microsoft.Extensions.DependencyInjection;

namespace Messaging.WhatsApp.Cli;

/// <summary>
/// <c>whatsapp-send status &lt;key&gt;</c>: prints the ledger's record of each send made with the key (one per provider
/// and registration: the real sends' and the sandbox's), each followed by its timeline. It reads the ledger only:
/// a missing file is not created.
/// </summary>
/// <remarks>
/// A record's line: <c>&lt;key&gt;: &lt;provider&gt;[ (sandbox)] to &lt;chat&gt;: &lt;outcome&gt; (recorded &lt;time&gt;, &lt;n&gt;
/// attempt(s))</c>, where the outcome is <c>accepted as message &lt;id&gt;, now &lt;status&gt;</c>, <c>refused</c>,
/// <c>outcome unknown (it may have been sent)</c> or <c>in flight (no outcome recorded yet)</c>. Then one line per step
/// of its timeline, indented, its fields apart by two spaces: the time (ISO 8601 UTC), the kind (<c>recorded</c>,
/// <c>accepted</c>, <c>refused</c>, <c>unknown</c>, <c>not sent</c>, <c>unresolved</c>, <c>status</c>), the status (<c>-</c> for a step that states none),
/// the gateway's word (or the error's type), and the error (<c>-</c> when none), last because it may hold spaces.
/// </remarks>
internal static class StatusCommandRunner
{
    /// <summary>Runs <c>status</c>.</summary>
    /// <param name="command">The command.</param>
    /// <param name="stdout">Receives the records and their timelines.</param>
    /// <param name="stderr">Receives the failure line.</param>
    /// <param name="cancellationToken">Cancels the queries.</param>
    /// <returns>0 when a record was found, 11 when none, 5 when the ledger cannot be read.</returns>
    public static async Task<int> RunAsync(StatusCommand command, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        var ledger = CliLedger.At(command.Ledger);
        if (!File.Exists(ledger.Path))
        {
            return await CliApp.ReportAsync(
                stderr,
                new Failure(ExitCodes.NoRecord, $"failed: no record of the key '{command.Key}': there is no ledger at {ledger.Path} (a send with --key makes it)")).ConfigureAwait(false);
        }

        string[] registrations = command.Registration is { } registration ? [registration] : [string.Empty, CliLedger.SandboxRegistration];
        var found = new List<(LedgerRecord Record, IReadOnlyList<LedgerTimelineEntry> Timeline)>();
        var services = ledger.ReadingServices();
        await using (services.ConfigureAwait(false))
        {
            var queries = services.GetRequiredService<IWhatsAppLedger>();
            try
            {
                foreach (var name in registrations)
                {
                    foreach (var profile in ProviderProfile.All)
                    {
                        if (await queries.FindByKeyAsync(command.Key, name, profile.Provider.Name, cancellationToken).ConfigureAwait(false) is { } record)
                        {
                            found.Add((record, await queries.GetTimelineAsync(record, cancellationToken).ConfigureAwait(false)));
                        }
                    }
                }
            }
            catch (Exception e) when (e is DbException or InvalidOperationException)
            {
                return await CliApp.ReportAsync(stderr, ledger.Unavailable("could not be read", e, "no record shown")).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return await CliApp.ReportAsync(stderr, new Failure(ExitCodes.Failed, "failed: cancelled")).ConfigureAwait(false);
            }
        }

        if (found.Count == 0)
        {
            return await CliApp.ReportAsync(
                stderr,
                new Failure(ExitCodes.NoRecord, $"failed: no record of the key '{command.Key}' in the ledger {ledger.Path}")).ConfigureAwait(false);
        }

        foreach (var (record, timeline) in found)
        {
            await stdout.WriteLineAsync(RecordLine(record)).ConfigureAwait(false);
            foreach (var entry in timeline)
            {
                await stdout.WriteLineAsync(EntryLine(entry)).ConfigureAwait(false);
            }
        }

        return ExitCodes.Success;
    }

    /// <summary>The record's line, e.g. <c>order-42: GREEN-API (sandbox) to 905301111111@c.us: accepted as message 3EB0…, now delivered (recorded 2026-12-07T05:50:00Z, 1 attempt)</c>.</summary>
    /// <param name="record">The record.</param>
    /// <returns>The line.</returns>
    public static string RecordLine(LedgerRecord record)
    {
        var provider = ProviderProfile.All.FirstOrDefault(p => p.Provider.Name == record.Provider)?.DisplayName ?? record.Provider;
        var registration = record.RegistrationName switch
        {
            "" => string.Empty,
            CliLedger.SandboxRegistration => " (sandbox)",
            var name => $" (registration {name})",
        };
        var outcome = record.Outcome switch
        {
            LedgerOutcome.Accepted => $"accepted as message {record.MessageId}, now {UpdateLine.StatusName(record.Status)}",
            LedgerOutcome.Refused => "refused",
            LedgerOutcome.Unknown => "outcome unknown (it may have been sent)",
            // A send whose process stopped before recording how it ended: a send again with the key treats it so too.
            LedgerOutcome.Sending when record.LeaseUntil < DateTimeOffset.UtcNow => "outcome unknown (its send stopped before its outcome was recorded; it may have been sent)",
            LedgerOutcome.Sending => "in flight (no outcome recorded yet)",
            LedgerOutcome.Queued => "in the outbox (not sent yet)",
            LedgerOutcome.NotSent => "not sent (the gateway's journal shows it was not sent)",
            LedgerOutcome.Unresolved => "outcome unresolved (no evidence of what became of it: it may have been sent)",
            var other => other.ToString(),
        };
        var attempts = record.Attempts == 1 ? "1 attempt" : $"{record.Attempts} attempts";
        return $"{record.IdempotencyKey}: {provider}{registration} to {record.ChatId}: {outcome} (recorded {CliLedger.Time(record.CreatedAt)}, {attempts})";
    }

    /// <summary>A timeline entry's line, e.g. <c>  2026-12-07T05:50:01Z  status    delivered  delivered  -</c>.</summary>
    /// <param name="entry">The entry.</param>
    /// <returns>The line.</returns>
    public static string EntryLine(LedgerTimelineEntry entry)
    {
        // Only an acceptance and a report state a status; the other steps are about the send.
        var status = entry.Kind is "accepted" or "status" ? UpdateLine.StatusName(entry.Status) : "-";
        return $"  {CliLedger.Time(entry.At)}  {entry.Kind,-10}  {status,-9}  {Field(entry.ProviderStatus)}  {Field(entry.Error)}";
    }

    private static string Field(string? text) =>
        string.IsNullOrWhiteSpace(text) ? "-" : string.Join(' ', text.Split(['\r', '\n', '\t'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
}
