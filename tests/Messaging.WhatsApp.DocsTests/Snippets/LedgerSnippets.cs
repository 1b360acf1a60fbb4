// snippet: ledger-usings
using Messaging.WhatsApp.Ledger;
using Microsoft.EntityFrameworkCore;
// end-snippet

namespace MyApp;

/// <summary>The message ledger guide's <c>Program.cs</c> lines.</summary>
public static class LedgerSnippets
{
    public static async Task<WebApplication> RegisterAsync(WebApplicationBuilder builder)
    {
        // snippet: ledger-register
        builder.Services.AddGreenApi(builder.Configuration.GetSection("GreenApi"));
        builder.Services.AddWhatsAppLedger("Data Source=whatsapp-ledger.db");

        var app = builder.Build();
        await app.Services.MigrateWhatsAppLedgerAsync();    // once per deployment, before the app sends
        // end-snippet
        return app;
    }

    public static void Outbox(WebApplicationBuilder builder)
    {
        // snippet: ledger-outbox-register
        builder.Services.AddDbContext<ShopContext>(o => o.UseSqlite(builder.Configuration.GetConnectionString("Shop")));
        builder.Services.AddGreenApi(builder.Configuration.GetSection("GreenApi"));
        builder.Services.AddWhatsAppLedger<ShopContext>(o => o.DispatchOutbox = true);
        builder.Services.AddWhatsAppLedgerHandler<LedgerAlerts>();
        // end-snippet
    }

    public static async Task<WebApplication> PostgreSqlAsync(WebApplicationBuilder builder)
    {
        // snippet: ledger-postgresql-register
        builder.Services.AddGreenApi(builder.Configuration.GetSection("GreenApi"));
        builder.Services.AddWhatsAppLedgerPostgreSql(builder.Configuration.GetConnectionString("Ledger")!);

        var app = builder.Build();
        await app.Services.MigrateWhatsAppLedgerAsync();    // this package's PostgreSQL migrations, once per deployment
        // end-snippet
        return app;
    }

    public static void PostgreSqlOutbox(WebApplicationBuilder builder)
    {
        // snippet: ledger-postgresql-outbox
        builder.Services.AddDbContext<ShopContext>(o => o.UseNpgsql(builder.Configuration.GetConnectionString("Shop")));
        builder.Services.AddGreenApi(builder.Configuration.GetSection("GreenApi"));
        builder.Services.AddWhatsAppLedger<ShopContext>(o => o.DispatchOutbox = true);
        // end-snippet
    }

    public static void Options(WebApplicationBuilder builder)
    {
        // snippet: ledger-options
        builder.Services.AddWhatsAppLedger("Data Source=whatsapp-ledger.db", o =>
        {
            o.InFlightWait = TimeSpan.FromSeconds(30);              // a second send of a key in flight waits this long
            o.SqliteSynchronous = LedgerSqliteSynchronous.Full;     // survive a power loss too, at a flush per write
            o.UnresolvedAfter = TimeSpan.FromMinutes(30);           // an unknown outcome's deadline
            o.StuckAfter = TimeSpan.FromMinutes(15);                // accepted, but no "sent" for this long
            o.RetainFor = TimeSpan.FromDays(90);
        });
        // end-snippet
    }
}
