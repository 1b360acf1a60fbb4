using Messaging.WhatsApp;
using Messaging.WhatsApp.Ledger;

namespace Microsoft.EntityFrameworkCore;

/// <summary>Adds the message ledger's tables to a model: to the ledger's own context, or to an app's.</summary>
public static class WhatsAppLedgerModelBuilderExtensions
{
    /// <summary>
    /// Adds the ledger's tables (<c>whatsapp_messages</c>, <c>whatsapp_status_events</c>) to the model of an app's own
    /// <see cref="DbContext"/>, so that the app's data and its messages are saved in one transaction. Call it from
    /// <c>OnModelCreating</c>, register the ledger with <c>AddWhatsAppLedger&lt;TContext&gt;()</c>, and add a migration
    /// of the app's context as for any model change.
    /// </summary>
    /// <param name="modelBuilder">The model.</param>
    /// <returns>The model, for chaining.</returns>
    public static ModelBuilder AddWhatsAppLedger(this ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<LedgerMessage>(message =>
        {
            message.ToTable("whatsapp_messages");
            message.HasKey(m => m.Id);
            message.Property(m => m.Provider).HasMaxLength(50).IsRequired();
            message.Property(m => m.RegistrationName).HasMaxLength(100).IsRequired();
            message.Property(m => m.Instance).HasMaxLength(200).IsRequired();
            message.Property(m => m.IdempotencyKey).HasMaxLength(SendOptions.MaxIdempotencyKeyLength).IsRequired();
            message.Property(m => m.ChatId).HasMaxLength(200).IsRequired();
            message.Property(m => m.ContentHash).HasMaxLength(64).IsRequired();
            message.Property(m => m.MessageId).HasMaxLength(200);
            message.Property(m => m.ErrorType).HasMaxLength(200);
            message.Property(m => m.ProviderCode).HasMaxLength(100);
            message.Property(m => m.ReplyTo).HasMaxLength(200);
            message.Property(m => m.LeaseOwner).HasMaxLength(100);

            // One record per key and sender: the constraint that makes a second send with the key find the first.
            message.HasIndex(m => new { m.Provider, m.RegistrationName, m.IdempotencyKey }).IsUnique();
            message.HasIndex(m => new { m.Provider, m.MessageId });
            message.HasIndex(m => new { m.ChatId, m.CreatedAt });
            message.HasIndex(m => m.CreatedAt);
            message.HasIndex(m => new { m.Status, m.CreatedAt });

            // The dispatcher's and the reconciler's work: what is due, per chat in order, and leases that ran out.
            message.HasIndex(m => new { m.Outcome, m.NextAttemptAt });
            message.HasIndex(m => new { m.Outcome, m.LeaseUntil });
            message.HasIndex(m => new { m.Provider, m.RegistrationName, m.ChatId, m.Id });

            // The outbox's queue alone, however long the history (partial indexes; 0 is Sending, 4 is Queued): a chat's
            // first message still queued or in flight, and what is queued in its order. Without them a claim reads every
            // settled message of a chat before its first queued one, or sorts the whole queue for each batch it takes.
            message.HasIndex(m => new { m.Provider, m.RegistrationName, m.ChatId, m.Id }, "IX_whatsapp_messages_outbox_chat").HasFilter("\"Outcome\" IN (0, 4)");
            message.HasIndex(m => m.Id, "IX_whatsapp_messages_outbox_queue").HasFilter("\"Outcome\" = 4");
        });

        modelBuilder.Entity<LedgerStatusEvent>(status =>
        {
            status.ToTable("whatsapp_status_events");
            status.HasKey(e => e.Id);
            status.Property(e => e.DeduplicationHash).HasMaxLength(64).IsRequired();
            status.Property(e => e.DeduplicationKey).IsRequired();
            status.Property(e => e.Provider).HasMaxLength(50).IsRequired();
            status.Property(e => e.RegistrationName).HasMaxLength(100).IsRequired();
            status.Property(e => e.Instance).HasMaxLength(200);
            status.Property(e => e.MessageId).HasMaxLength(200).IsRequired();
            status.Property(e => e.ChatId).HasMaxLength(200);
            status.Property(e => e.ProviderStatus).HasMaxLength(200).IsRequired();

            // Each report once: a redelivered or duplicated notification finds its first copy here.
            status.HasIndex(e => e.DeduplicationHash).IsUnique();
            status.HasIndex(e => new { e.Provider, e.MessageId });
        });

        return modelBuilder;
    }
}
