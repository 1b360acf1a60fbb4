// snippet: ledger-outbox
using Messaging.WhatsApp;
using Messaging.WhatsApp.GreenApi;
using Microsoft.EntityFrameworkCore;

namespace MyApp;

public sealed class Order
{
    public int Id { get; set; }

    public string Phone { get; set; } = "";
}

public sealed class ShopContext(DbContextOptions<ShopContext> options) : DbContext(options)
{
    public DbSet<Order> Orders => Set<Order>();

    protected override void OnModelCreating(ModelBuilder modelBuilder) => modelBuilder.AddWhatsAppLedger();
}

public sealed class Checkout(ShopContext shop)
{
    public async Task PlaceAsync(Order order, CancellationToken cancellationToken)
    {
        shop.Orders.Add(order);
        shop.EnqueueWhatsAppText(GreenApiOptions.Provider, $"order-{order.Id}-confirmation", ChatAddress.Parse(order.Phone), $"Order {order.Id} is confirmed.");

        // The order and its message commit together, or neither does; the dispatcher sends the message after the commit.
        await shop.SaveChangesAsync(cancellationToken);
    }
}
// end-snippet
