using System;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Messaging.WhatsApp.Ledger.PostgreSql.Tests;

/// <summary>
/// One replica of an app, as a process of its own: a generic host with a GREEN-API sender (sending to the kill tests'
/// gateway, each request marked with the replica's name) and the ledger on PostgreSQL, dispatching the outbox and
/// reconciling, with short intervals, a short lease and a short journal delay. It prints <c>ready</c> once started and
/// runs until it is killed.
/// </summary>
internal static class Replica
{
    /// <summary>The longest a send may take: one attempt (no retries, no rate limit) of at most this long.</summary>
    public static readonly TimeSpan SendTimeout = TimeSpan.FromSeconds(2);

    /// <summary>Longer than the longest send, with room for a busy machine: a send is taken for dead only this long after it began.</summary>
    public static readonly TimeSpan SendLease = TimeSpan.FromSeconds(10);

    /// <summary>The test gateway writes its journal as a request arrives; the delay only covers a busy machine.</summary>
    public static readonly TimeSpan JournalDelay = TimeSpan.FromSeconds(3);

    /// <summary>The header that tells the gateway which replica sent a request (the test's instrumentation, not the library's).</summary>
    public const string Header = "X-Replica";

    public static async Task<int> RunAsync(Uri gateway, string name, string connectionString, bool resendNotSent)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddGreenApi(o =>
        {
            o.ApiUrl = gateway;
            o.IdInstance = PgHost.IdInstance;
            o.ApiTokenInstance = PgHost.Token;
            o.Timeout = SendTimeout;
            o.Retry.Enabled = false;
            o.MaxSendsPerSecond = 0;
            o.JournalDelay = JournalDelay;
        }).AddHttpMessageHandler(() => new Marked(name));
        builder.Services.AddWhatsAppLedgerPostgreSql(connectionString, o =>
        {
            o.DispatchOutbox = true;
            o.Reconcile = true;
            o.DispatchInterval = TimeSpan.FromMilliseconds(200);
            o.ReconcileInterval = TimeSpan.FromMilliseconds(500);
            o.DispatchBatchSize = 50;
            o.DispatchConcurrency = 8;
            o.SendLease = SendLease;
            o.UnresolvedAfter = TimeSpan.FromMinutes(10);
            o.ResendNotSent = resendNotSent;
        });
        using var host = builder.Build();
        await host.StartAsync();
        Console.WriteLine("ready");
        await host.WaitForShutdownAsync();
        return 0;
    }

    private sealed class Marked(string name) : DelegatingHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            request.Headers.Add(Header, name + "/" + Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture));
            return base.SendAsync(request, cancellationToken);
        }
    }
}
