using Messaging.WhatsApp;
using Messaging.WhatsApp.Maytapi;

namespace MyApp;

// What the guides' snippets name as the app's own code, outside any snippet: the guides say what each stands for.

/// <summary>The app's storage of message statuses, which the delivery-status handler of the guides writes to.</summary>
public interface IMessageStore
{
    /// <summary>Records a report's deduplication key; false when it was recorded before.</summary>
    Task<bool> TryRecordAsync(string deduplicationKey, CancellationToken cancellationToken);

    /// <summary>The status last stored for a message.</summary>
    Task<WhatsAppMessageStatus> StatusOfAsync(string messageId, CancellationToken cancellationToken);

    /// <summary>Stores a message's new status.</summary>
    Task SetStatusAsync(string messageId, WhatsAppMessageStatus status, string? reason, CancellationToken cancellationToken);
}

/// <summary>A handler of every Maytapi notification, as the typed-notification registration names it.</summary>
public sealed class AuditLog : IWhatsAppNotificationHandler<MaytapiNotification>
{
    /// <inheritdoc />
    public Task HandleAsync(MaytapiNotification notification, WhatsAppNotificationContext context, CancellationToken cancellationToken) =>
        Task.CompletedTask;
}
