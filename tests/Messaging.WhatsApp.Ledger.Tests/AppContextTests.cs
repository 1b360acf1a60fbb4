using System;
using System.IO;
using System.Threading.Tasks;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using NUnit.Framework;

namespace Messaging.WhatsApp.Ledger.Tests;

/// <summary>The ledger's tables in an app's own context (<c>modelBuilder.AddWhatsAppLedger()</c>), beside the app's data.</summary>
public sealed class AppContextTests
{
    [Test]
    public async Task Send_LedgerInTheAppsOwnContext_RecordedThereBesideTheAppsTables_AndIdempotent()
    {
        var folder = Directory.CreateTempSubdirectory("whatsapp-ledger-app-");
        try
        {
            var connectionString = new SqliteConnectionStringBuilder { DataSource = Path.Combine(folder.FullName, "app.db"), Pooling = false }.ToString();
            var gateway = new ScriptedGateway();
            var services = new ServiceCollection();
            services.AddDbContext<ShopContext>(o => o.UseSqlite(connectionString));
            services.AddGreenApi(o =>
            {
                o.ApiUrl = new Uri("http://gateway.invalid/");
                o.IdInstance = LedgerHost.IdInstance;
                o.ApiTokenInstance = LedgerHost.Token;
            }).ConfigurePrimaryHttpMessageHandler(() => gateway);
            services.AddWhatsAppLedger<ShopContext>();
            await using var provider = services.BuildServiceProvider();
            using (var scope = provider.CreateScope())
            {
                var shop = scope.ServiceProvider.GetRequiredService<ShopContext>();
                await shop.Database.EnsureCreatedAsync();
                shop.Orders.Add(new Order { Id = 42 });
                await shop.SaveChangesAsync();
            }

            var sender = provider.GetRequiredService<IWhatsAppSender>();
            var first = await sender.SendTextAsync(ChatAddress.Parse("79001234567"), "Order 42 shipped", null, new SendOptions { IdempotencyKey = "order-42" });
            var second = await sender.SendTextAsync(ChatAddress.Parse("79001234567"), "Order 42 shipped", null, new SendOptions { IdempotencyKey = "order-42" });

            using var check = provider.CreateScope();
            var records = await check.ServiceProvider.GetRequiredService<ShopContext>().Set<LedgerMessage>().CountAsync();
            Assert.Multiple(() =>
            {
                Assert.That(records, Is.EqualTo(1), "the record is in the app's database");
                Assert.That(second.IsRepeat, Is.True);
                Assert.That(second.MessageId, Is.EqualTo(first.MessageId));
                Assert.That(gateway.Count, Is.EqualTo(1));
            });
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            folder.Delete(recursive: true);
        }
    }

    [Test]
    public void MigrateWhatsAppLedgerAsync_LedgerInTheAppsContext_SaysTheAppsMigrationsApply()
    {
        var services = new ServiceCollection();
        services.AddDbContext<ShopContext>(o => o.UseSqlite("Data Source=:memory:"));
        services.AddWhatsAppLedger<ShopContext>();
        using var provider = services.BuildServiceProvider();

        Assert.That(() => provider.MigrateWhatsAppLedgerAsync(), Throws.InvalidOperationException.With.Message.Contains("own context"));
    }

    [Test]
    public void AddWhatsAppLedger_Twice_Refused()
    {
        var services = new ServiceCollection();
        services.AddWhatsAppLedger("Data Source=a.db");

        Assert.That(() => services.AddWhatsAppLedger("Data Source=b.db"), Throws.InvalidOperationException.With.Message.Contains("once"));
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
