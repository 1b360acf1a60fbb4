using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using Messaging.WhatsApp.GreenApi;
using Messaging.WhatsApp.Maytapi;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Newtonsoft.Json.Linq;

namespace Messaging.WhatsApp.Ledger.Tests;

/// <summary>
/// The fuzzers' app: a GREEN-API sender (no rate limit, no retries) sending to a <see cref="ScriptedGateway"/> whose
/// answers the test holds per request, the ledger in a SQLite file of its own on the test's clock, its dispatcher and
/// reconciler run by the test, every log line kept whole (message and exception text), and SQL on the file for the test.
/// </summary>
internal sealed class FuzzHost : IAsyncDisposable
{
    private readonly ServiceProvider _services;
    private readonly string _folder;
    private readonly ConcurrentDictionary<int, TaskCompletionSource> _held = new();
    private readonly ConcurrentDictionary<int, TaskCompletionSource> _arrived = new();

    private FuzzHost(ServiceProvider services, ScriptedGateway gateway, ManualClock clock, CapturedLogs logs, string folder, string connectionString)
    {
        _services = services;
        Gateway = gateway;
        Clock = clock;
        Logs = logs;
        _folder = folder;
        ConnectionString = connectionString;
    }

    public ScriptedGateway Gateway { get; }

    public ManualClock Clock { get; }

    public CapturedLogs Logs { get; }

    public string ConnectionString { get; }

    public IServiceProvider Services => _services;

    public IWhatsAppSender Sender => _services.GetRequiredService<IWhatsAppSender>();

    public IWhatsAppLedger Ledger => _services.GetRequiredService<IWhatsAppLedger>();

    internal LedgerReconciler Reconciler => _services.GetRequiredService<LedgerReconciler>();

    internal LedgerDispatcher Dispatcher => _services.GetRequiredService<LedgerDispatcher>();

    /// <summary>How sendMessage request <c>n</c> is answered when it is not held: success (<c>ID-n</c>) by default.</summary>
    public Func<int, HttpResponseMessage> Answer { get; set; } = n => ScriptedGateway.Success("ID-" + n);

    /// <summary>Starts the app: a GREEN-API sender, or a Maytapi one when <paramref name="maytapi"/> (the same scripted answers, in Maytapi's form).</summary>
    public static async Task<FuzzHost> StartAsync(Action<WhatsAppLedgerOptions>? options = null, bool maytapi = false)
    {
        var folder = Directory.CreateTempSubdirectory("whatsapp-ledger-fuzz-").FullName;
        var connectionString = new SqliteConnectionStringBuilder { DataSource = Path.Combine(folder, "ledger.db"), DefaultTimeout = 60, Pooling = false }.ToString();
        var gateway = new ScriptedGateway();
        var clock = new ManualClock();
        gateway.Now = clock.GetUtcNow;
        var logs = new CapturedLogs();
        var services = new ServiceCollection();
        services.AddLogging(b => b.SetMinimumLevel(LogLevel.Debug).AddProvider(logs));
        services.AddSingleton<TimeProvider>(clock);
        if (maytapi)
        {
            services.AddMaytapi(o =>
            {
                o.ApiUrl = new Uri("http://gateway.invalid/api/");
                o.ProductId = "11111111-2222-3333-4444-555555555555";
                o.PhoneId = "12";
                o.ApiKey = "maytapi-ledger-fuzz-key";
                o.Retry.Enabled = false;
            }).ConfigurePrimaryHttpMessageHandler(() => new MaytapiAnswers(gateway));
        }
        else
        {
            services.AddGreenApi(o =>
            {
                o.ApiUrl = new Uri("http://gateway.invalid/");
                o.IdInstance = LedgerHost.IdInstance;
                o.ApiTokenInstance = LedgerHost.Token;
                o.Retry.Enabled = false;
                o.MaxSendsPerSecond = 0;
            }).ConfigurePrimaryHttpMessageHandler(() => gateway);
        }

        services.AddWhatsAppLedger(connectionString, o =>
        {
            o.Reconcile = false;
            o.DispatchOutbox = false;
            o.InFlightWait = TimeSpan.Zero;
            options?.Invoke(o);
        });
        var provider = services.BuildServiceProvider();
        await provider.MigrateWhatsAppLedgerAsync();
        var host = new FuzzHost(provider, gateway, clock, logs, folder, connectionString);
        gateway.Answer = host.AnswerAsync;
        return host;
    }

    /// <summary>Holds the answer to sendMessage request <paramref name="n"/> until <see cref="Release"/>.</summary>
    public void Hold(int n) => _held[n] = Signal();

    public void Release(int n) => _held[n].TrySetResult();

    /// <summary>Completes when sendMessage request <paramref name="n"/> has arrived (before it is answered).</summary>
    public Task ArrivedAsync(int n) => _arrived.GetOrAdd(n, _ => Signal()).Task.WaitAsync(TimeSpan.FromMinutes(1));

    /// <summary>Hands <paramref name="update"/> to the registered update handlers, as the webhook and the poller do.</summary>
    public async Task ReceiveAsync(WhatsAppUpdate update)
    {
        using var scope = _services.CreateScope();
        foreach (var handler in scope.ServiceProvider.GetServices<IWhatsAppUpdateHandler>())
        {
            await handler.HandleAsync(update, CancellationToken.None);
        }
    }

    public static WhatsAppUpdate GreenApi(string messageId, WhatsAppMessageStatus status, string word, DateTimeOffset? time, string? chat = "79001234567@c.us", string? error = null, string instance = "1101000001") =>
        new(GreenApiOptions.Provider, string.Empty, instance, messageId, chat, status, word, error, time, new object());

    public static WhatsAppUpdate Maytapi(string messageId, WhatsAppMessageStatus status, string word, DateTimeOffset? time, string? chat = "79001234567@c.us") =>
        new(MaytapiOptions.Provider, string.Empty, "12", messageId, chat, status, word, null, time, new object());

    /// <summary>Runs <paramref name="sql"/> on the database file, as a hand edit or another program would.</summary>
    public async Task<int> ExecuteAsync(string sql, params (string Name, object? Value)[] parameters)
    {
        await using var connection = new SqliteConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        }

        return await command.ExecuteNonQueryAsync();
    }

    public async Task<object?> ScalarAsync(string sql, params (string Name, object? Value)[] parameters)
    {
        await using var connection = new SqliteConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        }

        return await command.ExecuteScalarAsync();
    }

    /// <summary>Empties both tables, for the next case.</summary>
    public Task ClearAsync() => ExecuteAsync("DELETE FROM whatsapp_status_events; DELETE FROM whatsapp_messages;");

    public async ValueTask DisposeAsync()
    {
        foreach (var held in _held.Values)
        {
            held.TrySetResult();
        }

        await _services.DisposeAsync();
        SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }

    private async Task<HttpResponseMessage> AnswerAsync(int n)
    {
        _arrived.GetOrAdd(n, _ => Signal()).TrySetResult();
        if (_held.TryGetValue(n, out var held))
        {
            await held.Task;
        }

        return Answer(n);
    }

    private static TaskCompletionSource Signal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}

/// <summary>
/// Maytapi's form of the <see cref="ScriptedGateway"/>'s answers: the request counted and answered there, a success
/// (<c>{"idMessage":"ID-n"}</c>) given as Maytapi gives it (<c>{"success":true,"data":{"msgId":"ID-n"}}</c>).
/// </summary>
internal sealed class MaytapiAnswers(ScriptedGateway gateway) : DelegatingHandler(gateway)
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var response = await base.SendAsync(request, cancellationToken);
        if (response.IsSuccessStatusCode)
        {
            var id = (string?)JObject.Parse(await response.Content.ReadAsStringAsync(cancellationToken))["idMessage"];
            response.Content = new StringContent(new JObject { ["success"] = true, ["data"] = new JObject { ["chatId"] = "79001234567@c.us", ["msgId"] = id } }.ToString(Newtonsoft.Json.Formatting.None), System.Text.Encoding.UTF8, "application/json");
        }

        return response;
    }
}
