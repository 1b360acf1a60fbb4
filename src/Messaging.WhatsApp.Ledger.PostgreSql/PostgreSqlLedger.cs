using Npgsql.EntityFrameworkCore.PostgreSQL.Infrastructure;

namespace Messaging.WhatsApp.Ledger.PostgreSql;

/// <summary>How the ledger's own context uses Npgsql: its migrations are this assembly's.</summary>
internal static class PostgreSqlLedger
{
    public static void Configure(NpgsqlDbContextOptionsBuilder npgsql) =>
        npgsql.MigrationsAssembly(typeof(PostgreSqlLedger).Assembly.GetName().Name);
}
