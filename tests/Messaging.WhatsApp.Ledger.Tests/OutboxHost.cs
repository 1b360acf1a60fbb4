using System;
using System.IO;
using System.Threading;
using System.Threading.Tasks;
using Messaging.WhatsApp.GreenApi;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Messaging.WhatsApp.Ledger.Tests;

/// <summary>
/// An app that keeps the ledger in its own context (a shop with orders) on a SQLite file, with a GREEN-API sender
/// sending to a <see cref="ScriptedGateway"/>, the test's clock, and the dispatcher and reconciler run by the test.
/// Several hosts may share one database file, as replicas do.
/// </summary>
internal sealed class OutboxHost : IAsyncDisposable
{
    public static readonly ChatAddress ChatA = ChatAddress.Parse("79001234567");
    public static readonly ChatAddress ChatB = ChatAddress.Parse("79001234568");

    private readonly ServiceProvider _services;
    private readonly string? _ownedFolder;

    private OutboxHost(ServiceProvider services, ScriptedGateway gateway, ManualClock clock, CapturedLogs logs, RecordingHandler handler, string database, string? ownedFolder)
    {
        _services = services;
        Gateway = gateway;
        Clock = clock;
        Logs = logs;
        Handler = handler;
        Database = database;
        _ownedFolder = ownedFolder;
    }

    public ScriptedGateway Gateway { get; }

    public ManualClock Clock { get; }

    public CapturedLogs Logs { get; }

    public RecordingHandler Handler { get; }

    /// <summary>The database file, to start another replica on.</summary>
    public string Database { get; }

    public IServiceProvider Services => _services;

    public IWhatsAppLedger Ledger => _services.GetRequiredService<IWhatsAppLedger>();

    public IWhatsAppSender Sender => _services.GetRequiredService<IWhatsAppSender>();

    internal LedgerDispatcher Dispatcher => _services.GetRequiredService<LedgerDispatcher>();

    internal LedgerReconciler Reconciler => _services.GetRequiredService<LedgerReconciler>();

    /// <summary>A host on a new database (created from the model), or a replica on <paramref name="database"/> with its own gateway view.</summary>
    public static async Task<OutboxHost> StartAsync(Action<WhatsAppLedgerOptions>? options = null, string? database = null, ScriptedGateway? gateway = null, ManualClock? clock = null, Microsoft.EntityFrameworkCore.Diagnostics.IInterceptor? interceptor = null)
    {
        string? owned = null;
        if (database is null)
        {
            owned = Directory.CreateTempSubdirectory("whatsapp-outbox-").FullName;
            database = Path.Combine(owned, "shop.db");
        }

        gateway ??= new ScriptedGateway();
        clock ??= new ManualClock();
        gateway.Now = clock.GetUtcNow;
        var logs = new CapturedLogs();
        var handler = new RecordingHandler();
        var connectionString = new SqliteConnectionStringBuilder { DataSource = database, DefaultTimeout = 30, Pooling = false }.ToString();
        var services = new ServiceCollection();
        services.AddLogging(b => b.SetMinimumLevel(LogLevel.Debug).AddProvider(logs));
        services.AddSingleton<TimeProvider>(clock);
        services.AddDbContext<ShopContext>(o =>
        {
            o.UseSqlite(connectionString);
            if (interceptor is not null)
            {
                o.AddInterceptors(interceptor);
            }
        });
        services.AddGreenApi(o =>
        {
            o.ApiUrl = new Uri("http://gateway.invalid/");
            o.IdInstance = LedgerHost.IdInstance;
            o.ApiTokenInstance = LedgerHost.Token;
            o.Retry.Enabled = false;
            o.JournalDelay = TimeSpan.FromMinutes(2);
        }).ConfigurePrimaryHttpMessageHandler(() => gateway);
        services.AddWhatsAppLedger<ShopContext>(o =>
        {
            o.Reconcile = false;
            o.DispatchOutbox = false;
            o.SendLease = TimeSpan.FromMinutes(1);
            o.InFlightWait = TimeSpan.FromSeconds(30);
            options?.Invoke(o);
        });
        services.AddSingleton(handler);
        services.AddWhatsAppLedgerHandler<RecordingHandler.Scoped>();
        var provider = services.BuildServiceProvider();
        if (owned is not null)
        {
            using var scope = provider.CreateScope();
            await scope.ServiceProvider.GetRequiredService<ShopContext>().Database.EnsureCreatedAsync();
        }

        return new OutboxHost(provider, gateway, clock, logs, handler, database, owned);
    }

    /// <summary>Saves an order and its confirmation message in one transaction, committed or rolled back.</summary>
    public async Task OrderAsync(int orderId, ChatAddress chat, string text, bool commit = true)
    {
        using var scope = _services.CreateScope();
        var shop = scope.ServiceProvider.GetRequiredService<ShopContext>();
        await using var transaction = await shop.Database.BeginTransactionAsync();
        shop.Orders.Add(new Order { Id = orderId });
        shop.EnqueueWhatsAppText(GreenApiOptions.Provider, "order-" + orderId, chat, text, time: Clock);
        await shop.SaveChangesAsync();
        if (commit)
        {
            await transaction.CommitAsync();
        }
        else
        {
            await transaction.RollbackAsync();
        }
    }

    /// <summary>Saves an order and a message under <paramref name="key"/>, in one transaction.</summary>
    public async Task OrderAsync2(int orderId, string key, ChatAddress chat, string text)
    {
        using var scope = _services.CreateScope();
        var shop = scope.ServiceProvider.GetRequiredService<ShopContext>();
        shop.Orders.Add(new Order { Id = orderId });
        shop.EnqueueWhatsAppText(GreenApiOptions.Provider, key, chat, text, time: Clock);
        await shop.SaveChangesAsync();
    }

    /// <summary>Runs the dispatcher until the outbox has nothing due.</summary>
    public async Task DrainAsync()
    {
        while (await Dispatcher.DispatchOnceAsync(CancellationToken.None) > 0)
        {
        }
    }

    public async Task<int> OrdersAsync()
    {
        using var scope = _services.CreateScope();
        return await scope.ServiceProvider.GetRequiredService<ShopContext>().Orders.CountAsync();
    }

    public async Task<LedgerRecord> RecordAsync(string key) => (await Ledger.FindByKeyAsync(key))!;

    public async Task<LedgerRecord> RecordAsync2(string key, string registrationName) => (await Ledger.FindByKeyAsync(key, registrationName))!;

    public async Task ReceiveAsync(WhatsAppUpdate update)
    {
        using var scope = _services.CreateScope();
        foreach (var handler in scope.ServiceProvider.GetServices<IWhatsAppUpdateHandler>())
        {
            await handler.HandleAsync(update, CancellationToken.None);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _services.DisposeAsync();
        SqliteConnection.ClearAllPools();
        if (_ownedFolder is not null)
        {
            Directory.Delete(_ownedFolder, recursive: true);
        }
    }

    internal sealed class Order
    {
        public int Id { get; set; }
    }

    internal sealed class ShopContext(DbContextOptions<ShopContext> options) : DbContext(options)
    {
        public DbSet<Order> Orders => Set<Order>();

        protected override void OnModelCreating(ModelBuilder modelBuilder) => modelBuilder.AddWhatsAppLedger();
    }
}
