using System.Data.Common;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore.Diagnostics;
using SQLitePCL;

namespace Messaging.WhatsApp.Ledger;

/// <summary>
/// The ledger's SQLite settings, on every connection it opens: write-ahead logging (readers never wait for the one
/// writer, and writers of several processes take turns), the chosen <c>synchronous</c>, and SQLite's own busy timeout.
/// Other providers' connections are left alone.
/// </summary>
internal sealed class SqliteSettings : DbConnectionInterceptor
{
    /// <summary>
    /// The connections SQLite opened that have the settings: they stay with the connection, which the pool hands out
    /// again and again, so they are set once per connection rather than before every statement the ledger runs.
    /// </summary>
    private readonly ConditionalWeakTable<sqlite3, object> _configured = new();

    private static readonly object Marker = new();

    private readonly string _pragmas;

    public SqliteSettings(LedgerSqliteSynchronous synchronous) =>
        _pragmas = "PRAGMA journal_mode=WAL; PRAGMA synchronous=" + (synchronous == LedgerSqliteSynchronous.Full ? "FULL" : "NORMAL") + ";";

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData)
    {
        if (connection is SqliteConnection sqlite && !_configured.TryGetValue(sqlite.Handle!, out _))
        {
            using var command = connection.CreateCommand();
            command.CommandText = Pragmas(sqlite);
            command.ExecuteNonQuery();
            _configured.AddOrUpdate(sqlite.Handle!, Marker);
        }
    }

    public override async Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        if (connection is SqliteConnection sqlite && !_configured.TryGetValue(sqlite.Handle!, out _))
        {
            await using var command = connection.CreateCommand();
            command.CommandText = Pragmas(sqlite);
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            _configured.AddOrUpdate(sqlite.Handle!, Marker);
        }
    }

    /// <summary>
    /// The pragmas, with SQLite's busy timeout set to the connection's (<c>Default Timeout</c>, 30 s unless the
    /// connection string says otherwise): a writer that finds another writing then waits inside SQLite, which tries
    /// again within a millisecond or a few, where Microsoft.Data.Sqlite alone sleeps 150 ms before each try, and the
    /// sends of one process that write at once would spend their time asleep.
    /// </summary>
    private string Pragmas(SqliteConnection connection) =>
        _pragmas + " PRAGMA busy_timeout=" + (connection.DefaultTimeout * 1000).ToString(CultureInfo.InvariantCulture) + ";";
}
