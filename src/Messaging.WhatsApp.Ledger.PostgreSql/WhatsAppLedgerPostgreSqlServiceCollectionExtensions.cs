using System;
using Messaging.WhatsApp.Ledger;
using Messaging.WhatsApp.Ledger.PostgreSql;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the message ledger on PostgreSQL.</summary>
public static class WhatsAppLedgerPostgreSqlServiceCollectionExtensions
{
    /// <summary>
    /// Keeps the ledger in its own PostgreSQL database (Npgsql), e.g.
    /// <c>"Host=db;Database=app;Username=app;Password=…"</c>: every sender registered in <paramref name="services"/> records
    /// each send there, and replicas of the app on the same database share one ledger and one outbox (each runs the
    /// dispatcher with <see cref="WhatsAppLedgerOptions.DispatchOutbox"/>; none sends a message another has leased). Apply
    /// this package's migrations with <c>MigrateWhatsAppLedgerAsync</c> or <see cref="WhatsAppLedgerOptions.MigrateAtStartup"/>.
    /// An app that keeps the ledger in its own context on PostgreSQL uses <c>AddWhatsAppLedger&lt;TContext&gt;()</c> instead.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="connectionString">The PostgreSQL connection string; never logged, nor repeated in an exception.</param>
    /// <param name="configure">Sets the options, or null.</param>
    /// <returns>The services.</returns>
    /// <exception cref="ArgumentException">The connection string is empty or malformed, or an option breaks its rule.</exception>
    public static IServiceCollection AddWhatsAppLedgerPostgreSql(this IServiceCollection services, string connectionString, Action<WhatsAppLedgerOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        try
        {
            _ = new NpgsqlConnectionStringBuilder(connectionString);
        }
        catch (Exception e) when (e is ArgumentException or FormatException or InvalidCastException or OverflowException)
        {
            // Not chained: Npgsql's message may quote a value of the string, which holds a password.
            throw new ArgumentException($"The PostgreSQL connection string is malformed ({e.GetType().Name}); it is not repeated here, since it holds a password.", nameof(connectionString));
        }

        return services.AddWhatsAppLedger(database => database.UseNpgsql(connectionString, PostgreSqlLedger.Configure), configure);
    }
}
