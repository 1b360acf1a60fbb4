using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace Messaging.WhatsApp.Ledger;

/// <summary>What <c>dotnet ef migrations add</c> creates the context with, to write the SQLite migrations of this package.</summary>
internal sealed class DesignTimeLedgerDbContextFactory : IDesignTimeDbContextFactory<WhatsAppLedgerDbContext>
{
    public WhatsAppLedgerDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<WhatsAppLedgerDbContext>().UseSqlite("Data Source=design-time-ledger.db").Options);
}
