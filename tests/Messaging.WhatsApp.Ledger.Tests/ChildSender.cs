using System;
using System.Threading.Tasks;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace Messaging.WhatsApp.Ledger.Tests;

/// <summary>What a child process does: registers a sender and the ledger as an app would, sends once with a key.</summary>
internal static class ChildSender
{
    public static async Task<SendResult> SendAsync(Uri gateway, string database, string key, string text)
    {
        var services = new ServiceCollection();
        services.AddGreenApi(o =>
        {
            o.ApiUrl = gateway;
            o.IdInstance = LedgerHost.IdInstance;
            o.ApiTokenInstance = LedgerHost.Token;
            o.Retry.Enabled = false;
        });
        services.AddWhatsAppLedger(new SqliteConnectionStringBuilder { DataSource = database, DefaultTimeout = 30 }.ToString(), o => o.InFlightWait = TimeSpan.FromSeconds(60));
        await using var provider = services.BuildServiceProvider();
        return await provider.GetRequiredService<IWhatsAppSender>()
            .SendTextAsync(ChatAddress.Parse("79001234567"), text, null, new SendOptions { IdempotencyKey = key });
    }
}
