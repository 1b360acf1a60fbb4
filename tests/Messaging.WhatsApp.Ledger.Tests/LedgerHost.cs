using System;
using System.IO;
using System.Threading;
using System.Threading.Tasks;
using Messaging.WhatsApp.GreenApi;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Messaging.WhatsApp.Ledger.Tests;

/// <summary>
/// An app with a GREEN-API sender (sending to a <see cref="ScriptedGateway"/>) and the message ledger in a SQLite file
/// of its own, in a temporary folder, migrated as a deployment would; its logs captured.
/// </summary>
internal sealed class LedgerHost : IAsyncDisposable
{
    public const long IdInstance = 1101000001;
    public const string Token = "d75b3a66374942c5b3c019c698abc2067e151558acbd412345";

    private readonly ServiceProvider _services;

    private readonly bool _ownsFolder;

    private LedgerHost(ServiceProvider services, ScriptedGateway gateway, string folder, bool ownsFolder, string connectionString, CapturedLogs logs)
    {
        _services = services;
        _ownsFolder = ownsFolder;
        Gateway = gateway;
        Folder = folder;
        ConnectionString = connectionString;
        Logs = logs;
    }

    public ScriptedGateway Gateway { get; }

    /// <summary>The folder holding the database: a temporary one of the host's own, deleted with it, unless the test gave the database's path.</summary>
    public string Folder { get; }

    public string ConnectionString { get; }

    public CapturedLogs Logs { get; }

    public IServiceProvider Services => _services;

    public IWhatsAppSender Sender => _services.GetRequiredService<IWhatsAppSender>();

    public IGreenApiSender GreenApi => _services.GetRequiredService<IGreenApiSender>();

    public IWhatsAppLedger Ledger => _services.GetRequiredService<IWhatsAppLedger>();

    internal LedgerReconciler Reconciler => _services.GetRequiredService<LedgerReconciler>();

    /// <summary>A host over a new database file (or the one at <paramref name="databasePath"/>), migrated; <paramref name="interceptor"/> sees the ledger's database work.</summary>
    public static async Task<LedgerHost> StartAsync(Action<WhatsAppLedgerOptions>? options = null, string? databasePath = null, string connectionSuffix = "", bool migrate = true, bool retries = false, TimeProvider? clock = null, IInterceptor? interceptor = null)
    {
        var folder = databasePath is null ? Directory.CreateTempSubdirectory("whatsapp-ledger-").FullName : Path.GetDirectoryName(databasePath)!;
        var path = databasePath ?? Path.Combine(folder, "ledger.db");
        var connectionString = new SqliteConnectionStringBuilder { DataSource = path, DefaultTimeout = 2, Pooling = false }.ToString() + connectionSuffix;
        var gateway = new ScriptedGateway();
        var logs = new CapturedLogs();
        var services = new ServiceCollection();
        services.AddLogging(b => b.SetMinimumLevel(LogLevel.Debug).AddProvider(logs));
        if (clock is not null)
        {
            services.AddSingleton(clock);
        }

        services.AddGreenApi(o =>
        {
            o.ApiUrl = new Uri("http://gateway.invalid/");
            o.IdInstance = IdInstance;
            o.ApiTokenInstance = Token;
            o.Retry.Enabled = retries;
        }).ConfigurePrimaryHttpMessageHandler(() => gateway);
        services.AddWhatsAppLedger(
            database =>
            {
                database.UseSqlite(connectionString);
                if (interceptor is not null)
                {
                    database.AddInterceptors(interceptor);
                }
            },
            options);
        var provider = services.BuildServiceProvider();
        if (migrate)
        {
            await provider.MigrateWhatsAppLedgerAsync();
        }

        return new LedgerHost(provider, gateway, folder, databasePath is null, connectionString, logs);
    }

    /// <summary>Hands <paramref name="update"/> to the registered update handlers, as the webhook and the poller do.</summary>
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
        SqliteConnection.ClearAllPools();
        if (_ownsFolder)
        {
            Directory.Delete(Folder, recursive: true);
        }
    }
}
