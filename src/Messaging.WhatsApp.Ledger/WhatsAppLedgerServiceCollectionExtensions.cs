using System;
using System.Linq;
using Messaging.WhatsApp;
using Messaging.WhatsApp.Ledger;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the message ledger: every send of the registered senders recorded, idempotent by key, statuses applied.</summary>
public static class WhatsAppLedgerServiceCollectionExtensions
{
    /// <summary>
    /// Keeps the ledger in its own SQLite database, e.g. <c>"Data Source=whatsapp-ledger.db"</c>: one file, nothing to
    /// install. Every sender registered in <paramref name="services"/> records each send there, and the statuses the app
    /// receives (webhooks, polling) are applied to the records. Apply its migrations with
    /// <see cref="WhatsAppLedgerServiceProviderExtensions.MigrateWhatsAppLedgerAsync"/> or
    /// <see cref="WhatsAppLedgerOptions.MigrateAtStartup"/>.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="sqliteConnectionString">The SQLite connection string; never logged.</param>
    /// <param name="configure">Sets the options, or null.</param>
    /// <returns>The services.</returns>
    public static IServiceCollection AddWhatsAppLedger(this IServiceCollection services, string sqliteConnectionString, Action<WhatsAppLedgerOptions>? configure = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(sqliteConnectionString);
        return services.AddWhatsAppLedger(database => database.UseSqlite(sqliteConnectionString), configure);
    }

    /// <summary>
    /// Keeps the ledger in its own database, configured by <paramref name="database"/> (a provider and its connection).
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="database">Configures the ledger's <see cref="WhatsAppLedgerDbContext"/>.</param>
    /// <param name="configure">Sets the options, or null.</param>
    /// <returns>The services.</returns>
    public static IServiceCollection AddWhatsAppLedger(this IServiceCollection services, Action<DbContextOptionsBuilder> database, Action<WhatsAppLedgerOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(database);
        var options = Add(services, LedgerDatabase.For<WhatsAppLedgerDbContext>, configure);
        services.AddPooledDbContextFactory<WhatsAppLedgerDbContext>(builder =>
        {
            database(builder);
            builder.AddInterceptors(new SqliteSettings(options.SqliteSynchronous));
        });
        if (options.MigrateAtStartup)
        {
            services.Insert(0, ServiceDescriptor.Singleton<IHostedService, LedgerMigrations>());
        }

        return services;
    }

    /// <summary>
    /// Keeps the ledger in the app's own <typeparamref name="TContext"/>, whose model adds the ledger's tables
    /// (<c>modelBuilder.AddWhatsAppLedger()</c>): the app's data and its messages can then be saved in one transaction.
    /// The app's migrations create the tables. The context is taken from its <see cref="IDbContextFactory{TContext}"/>
    /// when one is registered, else from a scope of its own per operation.
    /// </summary>
    /// <typeparam name="TContext">The app's context.</typeparam>
    /// <param name="services">The services.</param>
    /// <param name="configure">Sets the options, or null.</param>
    /// <returns>The services.</returns>
    public static IServiceCollection AddWhatsAppLedger<TContext>(this IServiceCollection services, Action<WhatsAppLedgerOptions>? configure = null)
        where TContext : DbContext
    {
        ArgumentNullException.ThrowIfNull(services);
        Add(services, LedgerDatabase.For<TContext>, configure);
        return services;
    }

    private static WhatsAppLedgerOptions Add(IServiceCollection services, Func<IServiceProvider, LedgerDatabase> database, Action<WhatsAppLedgerOptions>? configure)
    {
        if (services.Any(d => d.ServiceType == typeof(LedgerDatabase)))
        {
            throw new InvalidOperationException("The message ledger is registered already: call AddWhatsAppLedger once.");
        }

        var options = new WhatsAppLedgerOptions();
        configure?.Invoke(options);
        if (options.Problems() is { Count: > 0 } problems)
        {
            throw new ArgumentException(string.Join(" ", problems), nameof(configure));
        }

        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(options);
        services.AddSingleton<LedgerDatabase>(database);
        services.AddSingleton<LedgerSendRecorder>();
        services.AddSingleton<IWhatsAppSendRecorder>(sp => sp.GetRequiredService<LedgerSendRecorder>());
        services.AddSingleton<IWhatsAppLedger, WhatsAppLedger>();
        services.AddWhatsAppUpdateHandler<LedgerStatuses>();
        services.AddSingleton<LedgerReconciler>();
        services.AddSingleton<LedgerDispatcher>();
        if (options.Reconcile)
        {
            services.AddSingleton<IHostedService>(sp => sp.GetRequiredService<LedgerReconciler>());
        }

        if (options.DispatchOutbox)
        {
            services.AddSingleton<IHostedService>(sp => sp.GetRequiredService<LedgerDispatcher>());
        }

        return options;
    }

    /// <summary>
    /// Registers <typeparamref name="THandler"/> to hear what the ledger's reconciler finds: unresolved outcomes, messages
    /// not sent, stuck messages. It is resolved in a scope of its own for each.
    /// </summary>
    /// <typeparam name="THandler">The handler.</typeparam>
    /// <param name="services">The services.</param>
    /// <returns>The services.</returns>
    public static IServiceCollection AddWhatsAppLedgerHandler<THandler>(this IServiceCollection services)
        where THandler : class, IWhatsAppLedgerHandler
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddScoped<IWhatsAppLedgerHandler, THandler>();
        return services;
    }
}
