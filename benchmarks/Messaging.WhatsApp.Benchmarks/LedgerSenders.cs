using System;
using System.IO;
using System.Net;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Messaging.WhatsApp.GreenApi;
using Messaging.WhatsApp.Ledger;
using Microsoft.Extensions.DependencyInjection;

namespace Messaging.WhatsApp.Benchmarks;

/// <summary>How a benchmarked GREEN-API sender keeps its sends: not at all, or in the message ledger on SQLite.</summary>
public enum LedgerMode
{
    /// <summary>No ledger: the facade send of <see cref="SendBenchmarks"/>.</summary>
    None,

    /// <summary>The ledger on a SQLite file, WAL, <c>synchronous=NORMAL</c> (the default).</summary>
    Normal,

    /// <summary>The ledger on a SQLite file, WAL, <c>synchronous=FULL</c>: a flush of the log per write.</summary>
    Full,
}

/// <summary>
/// A GREEN-API facade sender (<c>AddGreenApi</c>, as in <see cref="Clients"/>) with or without the message ledger
/// (<c>AddWhatsAppLedger</c>) on a SQLite file in a folder of its own, migrated before use.
/// </summary>
public sealed class LedgerSenders : IAsyncDisposable
{
    private static readonly ChatAddress Chat = ChatAddress.Parse(Wire.ToNumber);

    private readonly ServiceProvider _services;
    private readonly string? _folder;
    private long _keys;

    private LedgerSenders(ServiceProvider services, string? folder)
    {
        _services = services;
        _folder = folder;
        Sender = services.GetRequiredKeyedService<IGreenApiSender>("bench");
    }

    public IGreenApiSender Sender { get; }

    public IServiceProvider Services => _services;

    /// <summary>The ledger's SQLite file, or null without a ledger.</summary>
    public string? Database => _folder is null ? null : Path.Combine(_folder, "ledger.db");

    /// <summary>
    /// The sender over <paramref name="handler"/> (an in-memory gateway), or to the server at <paramref name="root"/>,
    /// with the ledger in a new folder under the temp folder when <paramref name="mode"/> asks for it.
    /// </summary>
    public static async Task<LedgerSenders> CreateAsync(LedgerMode mode, Uri? root, Func<HttpMessageHandler>? handler)
    {
        var services = new ServiceCollection().AddLogging();
        var greenApi = services.AddGreenApi("bench", o =>
        {
            o.ApiUrl = root ?? new Uri("http://in-memory.invalid/");
            o.IdInstance = Wire.IdInstance;
            o.ApiTokenInstance = Wire.Token;
            o.MaxSendsPerSecond = 10_000_000;
        });
        if (handler is not null)
        {
            greenApi.ConfigurePrimaryHttpMessageHandler(handler);
        }

        string? folder = null;
        if (mode != LedgerMode.None)
        {
            folder = Path.Combine(Path.GetTempPath(), "whatsapp-ledger-bench", Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(folder);
            services.AddWhatsAppLedger(
                "Data Source=" + Path.Combine(folder, "ledger.db"),
                o => o.SqliteSynchronous = mode == LedgerMode.Full ? LedgerSqliteSynchronous.Full : LedgerSqliteSynchronous.Normal);
        }

        var provider = services.BuildServiceProvider();
        if (folder is not null)
        {
            await provider.MigrateWhatsAppLedgerAsync();
        }

        return new LedgerSenders(provider, folder);
    }

    /// <summary>One text; with a ledger, under a key of its own (an idempotent send, as <c>whatsapp-send --key</c> makes).</summary>
    public async Task<string> SendAsync()
    {
        var options = _folder is null ? null : new SendOptions { IdempotencyKey = "bench-" + Interlocked.Increment(ref _keys).ToString(System.Globalization.CultureInfo.InvariantCulture) };
        return (await Sender.SendTextAsync(Chat, Wire.Text, null, options)).MessageId;
    }

    public async ValueTask DisposeAsync()
    {
        await _services.DisposeAsync();

        // SQLite keeps pooled connections open until they are cleared; the folder can go only after.
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        if (_folder is not null)
        {
            Directory.Delete(_folder, recursive: true);
        }
    }
}

/// <summary>
/// An in-memory GREEN-API that names each message anew, as the gateway does: statuses can then be applied to one
/// record each. Otherwise as <see cref="CannedHandler"/> (the request body drained, the answer canned).
/// </summary>
public sealed class UniqueIdHandler : HttpMessageHandler
{
    private long _next;

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (request.Content is not null)
        {
            await request.Content.CopyToAsync(Stream.Null, cancellationToken);
        }

        var id = Interlocked.Increment(ref _next).ToString("X16", System.Globalization.CultureInfo.InvariantCulture);
        var content = new ByteArrayContent(Encoding.UTF8.GetBytes("{\"idMessage\":\"" + id + "\"}"));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        return new HttpResponseMessage(HttpStatusCode.OK) { Content = content, RequestMessage = request };
    }
}
