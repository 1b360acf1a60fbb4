using System;
using System.Globalization;
using System.IO;
using System.Threading;
using System.Threading.Tasks;
using Messaging.WhatsApp.Ledger;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace Messaging.WhatsApp.Cli;

/// <summary>
/// The CLI's message ledger (package Messaging.WhatsApp.Ledger): one SQLite file, by default
/// <see cref="DefaultPath"/>, that records each send made with <c>--key</c> and the statuses received for it.
/// </summary>
internal sealed class CliLedger
{
    /// <summary>
    /// The registration name the sandbox's senders record under, so that a sandbox send and a real send with the same
    /// key are two records: a key tried in the sandbox never stops the real message.
    /// </summary>
    public const string SandboxRegistration = "sandbox";

    private CliLedger(string path) => Path = path;

    /// <summary>
    /// <c>&lt;local application data&gt;/whatsapp-send/ledger.db</c>: on Linux <c>$XDG_DATA_HOME/whatsapp-send/ledger.db</c>,
    /// by default <c>~/.local/share/whatsapp-send/ledger.db</c>; on Windows <c>%LOCALAPPDATA%\whatsapp-send\ledger.db</c>; on
    /// macOS <c>~/Library/Application Support/whatsapp-send/ledger.db</c>.
    /// </summary>
    public static string DefaultPath =>
        System.IO.Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.DoNotVerify), "whatsapp-send", "ledger.db");

    /// <summary>The file's full path.</summary>
    public string Path { get; }

    /// <summary>The ledger at <paramref name="path"/> (<c>--ledger</c>, relative to the current folder), or at <see cref="DefaultPath"/>.</summary>
    /// <param name="path">The path given, or null.</param>
    /// <returns>The ledger.</returns>
    public static CliLedger At(string? path) => new(System.IO.Path.GetFullPath(path ?? DefaultPath));

    /// <summary>
    /// A time as the CLI prints it: ISO 8601 UTC to the second, as in the update lines.
    /// </summary>
    /// <param name="time">The time.</param>
    /// <returns>E.g. <c>2026-12-07T05:50:00Z</c>.</returns>
    public static string Time(DateTimeOffset time) =>
        time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    /// <summary>
    /// Registers the ledger in <paramref name="services"/>: every sender there records its sends, and the statuses its
    /// receivers dispatch are applied to the records. Register it before the CLI's own update handler, so that a status
    /// is in the ledger before the wait it ends is over.
    /// </summary>
    /// <remarks>
    /// The ledger's background work stays off: the CLI lives for one send, so its reconciler (which settles unknown
    /// outcomes from the gateway's journal) would start and stop with it, and it has no outbox to dispatch.
    /// </remarks>
    /// <param name="services">The services.</param>
    public void AddTo(IServiceCollection services) =>
        services.AddWhatsAppLedger(ConnectionString(SqliteOpenMode.ReadWriteCreate), o => o.Reconcile = false);

    /// <summary>
    /// Creates the file's folder and brings the database to the ledger's schema, before anything is sent.
    /// </summary>
    /// <param name="services">Services with the ledger registered (<see cref="AddTo"/>).</param>
    /// <param name="cancellationToken">Cancels the migration.</param>
    /// <returns>Null, or why the ledger cannot be used (exit 5: nothing was sent).</returns>
    public async Task<Failure?> PrepareAsync(IServiceProvider services, CancellationToken cancellationToken)
    {
        if (Directory.Exists(Path))
        {
            return new Failure(ExitCodes.TryLater, $"failed: the message ledger {Path} is a folder, not a file; nothing was sent. Choose a file with --ledger.");
        }

        try
        {
            Directory.CreateDirectory(System.IO.Path.GetDirectoryName(Path)!);
            await services.MigrateWhatsAppLedgerAsync(cancellationToken).ConfigureAwait(false);
            return null;
        }
        catch (Exception e) when (e is SqliteException or IOException or UnauthorizedAccessException or InvalidOperationException)
        {
            return Unavailable("could not be opened for writing", e, "nothing was sent");
        }
    }

    /// <summary>The services that read the ledger for <c>status</c>: the file must exist; nothing is created or migrated.</summary>
    /// <returns>The services; dispose them.</returns>
    public ServiceProvider ReadingServices() =>
        new ServiceCollection()
            .AddLogging()
            .AddWhatsAppLedger(ConnectionString(SqliteOpenMode.ReadWrite), o => o.Reconcile = false)
            .BuildServiceProvider();

    /// <summary>Why the ledger cannot be used: exit 5, with the database's own words.</summary>
    /// <param name="what">What failed, e.g. <c>could not be read</c>.</param>
    /// <param name="exception">What was thrown.</param>
    /// <param name="consequence">What that means for the command, e.g. <c>nothing was sent</c>.</param>
    /// <returns>The failure.</returns>
    public Failure Unavailable(string what, Exception exception, string consequence) =>
        new(ExitCodes.TryLater, $"failed: the message ledger {Path} {what} ({exception.GetBaseException().Message.TrimEnd('.')}); {consequence}. Fix it or choose another --ledger, then try again.");

    /// <summary>
    /// The file, without connection pooling: each run of the CLI opens it a few times, and closing it at once leaves no
    /// handle open on it after the command (and checkpoints the write-ahead log).
    /// </summary>
    private string ConnectionString(SqliteOpenMode mode) =>
        new SqliteConnectionStringBuilder { DataSource = Path, Mode = mode, Pooling = false }.ToString();
}
