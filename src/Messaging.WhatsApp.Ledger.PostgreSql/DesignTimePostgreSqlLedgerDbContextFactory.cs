using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace Messaging.WhatsApp.Ledger.PostgreSql;

/// <summary>
/// What <c>dotnet ef migrations add --project src/Messaging.WhatsApp.Ledger.PostgreSql</c> creates the context with, to
/// write this package's PostgreSQL migrations. Writing a migration connects to no database.
/// </summary>
internal sealed class DesignTimePostgreSqlLedgerDbContextFactory : IDesignTimeDbContextFactory<WhatsAppLedgerDbContext>
{
    public WhatsAppLedgerDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<WhatsAppLedgerDbContext>()
            .UseNpgsql("Host=localhost;Database=design_time_ledger", PostgreSqlLedger.Configure)
            .Options);
}
