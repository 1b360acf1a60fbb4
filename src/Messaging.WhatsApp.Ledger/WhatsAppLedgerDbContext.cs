using Microsoft.EntityFrameworkCore;

namespace Messaging.WhatsApp.Ledger;

/// <summary>
/// The ledger's own database, for an app that does not put the ledger's tables into its own context
/// (<c>AddWhatsAppLedger(connectionString)</c>). Its migrations ship in this package for SQLite.
/// </summary>
public sealed class WhatsAppLedgerDbContext : DbContext
{
    /// <summary>Creates the context.</summary>
    /// <param name="options">Its options: the provider and the connection.</param>
    public WhatsAppLedgerDbContext(DbContextOptions<WhatsAppLedgerDbContext> options)
        : base(options)
    {
    }

    /// <inheritdoc />
    protected override void OnModelCreating(ModelBuilder modelBuilder) => modelBuilder.AddWhatsAppLedger();
}
