using System;
using System.Threading;
using System.Threading.Tasks;
using Messaging.WhatsApp.Ledger;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Messaging.WhatsApp.Ledger
{
    /// <summary>Applies the ledger's migrations when the host starts (<see cref="WhatsAppLedgerOptions.MigrateAtStartup"/>).</summary>
    internal sealed class LedgerMigrations : IHostedService
    {
        private readonly IServiceProvider _services;

        public LedgerMigrations(IServiceProvider services) => _services = services;

        public Task StartAsync(CancellationToken cancellationToken) => _services.MigrateWhatsAppLedgerAsync(cancellationToken);

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}

namespace Microsoft.Extensions.DependencyInjection
{
    /// <summary>Applies the message ledger's migrations.</summary>
    public static class WhatsAppLedgerServiceProviderExtensions
    {
        /// <summary>
        /// Creates or updates the ledger's own database to this package's schema (its EF Core migrations). Run it once
        /// per deployment, before the app sends; or set <see cref="WhatsAppLedgerOptions.MigrateAtStartup"/>. An app that
        /// keeps the ledger in its own context applies its own migrations instead.
        /// </summary>
        /// <param name="services">The app's services.</param>
        /// <param name="cancellationToken">Cancels the migration.</param>
        /// <exception cref="InvalidOperationException">The ledger is not registered with its own database.</exception>
        public static async Task MigrateWhatsAppLedgerAsync(this IServiceProvider services, CancellationToken cancellationToken = default)
        {
            ArgumentNullException.ThrowIfNull(services);
            var factory = services.GetService<IDbContextFactory<WhatsAppLedgerDbContext>>()
                ?? throw new InvalidOperationException("The message ledger has no database of its own here (AddWhatsAppLedger(connectionString) registers one); an app that keeps it in its own context applies that context's migrations.");
            await using var context = await factory.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
            await context.Database.MigrateAsync(cancellationToken).ConfigureAwait(false);
        }
    }
}
