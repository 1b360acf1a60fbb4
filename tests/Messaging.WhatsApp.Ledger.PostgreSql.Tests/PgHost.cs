using System;
using System.Threading;
using System.Threading.Tasks;
using Messaging.WhatsApp.GreenApi;
using Messaging.WhatsApp.Ledger.Tests;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Messaging.WhatsApp.Ledger.PostgreSql.Tests;

/// <summary>
/// An app on PostgreSQL (a shop with orders) with a GREEN-API sender sending to a <see cref="ScriptedGateway"/>, the
/// test's clock, and the ledger: in its own context (<c>AddWhatsAppLedgerPostgreSql</c>, its migrations applied as a
/// deployment would), or in the app's context (<c>AddWhatsAppLedger&lt;ShopContext&gt;</c>). Either way the app adds to the
/// outbox in its own transactions. The dispatcher and the reconciler are run by the test. Several hosts may share one
/// database, as replicas do.
/// </summary>
internal sealed class PgHost : IAsyncDisposable
{
    public const long IdInstance = 1101000001;
    public const string Token = "d75b3a66374942c5b3c019c698abc2067e151558acbd412345";

    public static readonly ChatAddress ChatA = ChatAddress.Parse("79001234567");
    public static readonly ChatAddress ChatB = ChatAddress.Parse("79001234568");

    private readonly ServiceProvider _services;

    private PgHost(ServiceProvider services, ScriptedGateway gateway, ManualClock clock, CapturedLogs logs, RecordingHandler handler, string connectionString)
    {
        _services = services;
        Gateway = gateway;
        Clock = clock;
        Logs = logs;
        Handler = handler;
        ConnectionString = connectionString;
    }

    public ScriptedGateway Gateway { get; }

    public ManualClock Clock { get; }

    public CapturedLogs Logs { get; }

    public RecordingHandler Handler { get; }

    /// <summary>The database, to start another replica on.</summary>
    public string ConnectionString { get; }

    public IServiceProvider Services => _services;

    public IWhatsAppLedger Ledger => _services.GetRequiredService<IWhatsAppLedger>();

    public IWhatsAppSender Sender => _services.GetRequiredService<IWhatsAppSender>();

    internal LedgerDispatcher Dispatcher => _services.GetRequiredService<LedgerDispatcher>();

    internal LedgerReconciler Reconciler => _services.GetRequiredService<LedgerReconciler>();

    /// <summary>
    /// A host on a new database, or a replica on <paramref name="connectionString"/> with the same gateway and clock;
    /// <paramref name="shopOptions"/> adds to the app context's options (an interceptor, say).
    /// </summary>
    public static async Task<PgHost> StartAsync(Action<WhatsAppLedgerOptions>? options = null, string? connectionString = null, ScriptedGateway? gateway = null, ManualClock? clock = null, bool appContext = false, Action<DbContextOptionsBuilder>? shopOptions = null)
    {
        var created = connectionString is null;
        connectionString ??= await PostgresFixture.Server.CreateDatabaseAsync();
        gateway ??= new ScriptedGateway();
        clock ??= new ManualClock();
        gateway.Now = clock.GetUtcNow;
        var logs = new CapturedLogs();
        var handler = new RecordingHandler();
        var services = new ServiceCollection();
        services.AddLogging(b => b.SetMinimumLevel(LogLevel.Debug).AddProvider(logs));
        services.AddSingleton<TimeProvider>(clock);
        services.AddDbContext<ShopContext>(o =>
        {
            o.UseNpgsql(connectionString);
            shopOptions?.Invoke(o);
        });
        services.AddGreenApi(o =>
        {
            o.ApiUrl = new Uri("http://gateway.invalid/");
            o.IdInstance = IdInstance;
            o.ApiTokenInstance = Token;
            o.Retry.Enabled = false;
            o.JournalDelay = TimeSpan.FromMinutes(2);
        }).ConfigurePrimaryHttpMessageHandler(() => gateway);
        void Configure(WhatsAppLedgerOptions o)
        {
            o.Reconcile = false;
            o.DispatchOutbox = false;
            o.SendLease = TimeSpan.FromMinutes(1);
            o.InFlightWait = TimeSpan.FromSeconds(30);
            options?.Invoke(o);
        }

        if (appContext)
        {
            services.AddWhatsAppLedger<ShopContext>(Configure);
        }
        else
        {
            services.AddWhatsAppLedgerPostgreSql(connectionString, Configure);
        }

        services.AddSingleton(handler);
        services.AddWhatsAppLedgerHandler<RecordingHandler.Scoped>();
        var provider = services.BuildServiceProvider();
        if (created)
        {
            using var scope = provider.CreateScope();
            var shop = scope.ServiceProvider.GetRequiredService<ShopContext>();
            if (appContext)
            {
                // The app's own migrations would create the ledger's tables with its own; here its model does.
                await shop.Database.EnsureCreatedAsync();
            }
            else
            {
                await provider.MigrateWhatsAppLedgerAsync();
                await shop.Database.ExecuteSqlRawAsync("""CREATE TABLE "Orders" ("Id" integer GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY)""");
            }
        }

        return new PgHost(provider, gateway, clock, logs, handler, connectionString);
    }

    /// <summary>Saves an order and its confirmation message in one transaction, committed or rolled back.</summary>
    public async Task OrderAsync(int orderId, ChatAddress chat, string text, bool commit = true, string? key = null)
    {
        using var scope = _services.CreateScope();
        var shop = scope.ServiceProvider.GetRequiredService<ShopContext>();
        await using var transaction = await shop.Database.BeginTransactionAsync();
        shop.Orders.Add(new Order { Id = orderId });
        shop.EnqueueWhatsAppText(GreenApiOptions.Provider, key ?? "order-" + orderId, chat, text, time: Clock);
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

    public async Task ReceiveAsync(WhatsAppUpdate update)
    {
        using var scope = _services.CreateScope();
        foreach (var handler in scope.ServiceProvider.GetServices<IWhatsAppUpdateHandler>())
        {
            await handler.HandleAsync(update, CancellationToken.None);
        }
    }

    /// <summary>A GREEN-API status report of <paramref name="messageId"/>.</summary>
    public static WhatsAppUpdate Update(string messageId, WhatsAppMessageStatus status, string providerStatus, DateTimeOffset? time = null, string chat = "79001234567@c.us") =>
        new(GreenApiOptions.Provider, string.Empty, IdInstance.ToString(System.Globalization.CultureInfo.InvariantCulture), messageId, chat, status, providerStatus, null, time, new object());

    public async ValueTask DisposeAsync()
    {
        await _services.DisposeAsync();
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
