using System.Data.Common;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Messaging.WhatsApp.Ledger;

/// <summary>
/// The ledger's SQLite settings, on every connection it opens: write-ahead logging (readers never wait for the one
/// writer, and writers of several processes take turns), and the chosen <c>synchronous</c>. Other providers' connections
/// are left alone.
/// </summary>
internal sealed class SqliteSettings : DbConnectionInterceptor
{
    private readonly string _pragmas;

    public SqliteSettings(LedgerSqliteSynchronous synchronous) =>
        _pragmas = "PRAGMA journal_mode=WAL; PRAGMA synchronous=" + (synchronous == LedgerSqliteSynchronous.Full ? "FULL" : "NORMAL") + ";";

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData)
    {
        if (connection is SqliteConnection)
        {
            using var command = connection.CreateCommand();
            command.CommandText = _pragmas;
            command.ExecuteNonQuery();
        }
    }

    public override async Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        if (connection is SqliteConnection)
        {
            await using var command = connection.CreateCommand();
            command.CommandText = _pragmas;
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
    }
}
