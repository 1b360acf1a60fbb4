using System.Threading;
using System.Threading.Tasks;

namespace Messaging.WhatsApp;

/// <summary>
/// Receives every <see cref="WhatsAppUpdate"/> (what became of a sent message), from every gateway and
/// instance the app receives from. Register with <c>services.AddWhatsAppUpdateHandler&lt;T&gt;()</c>; a new
/// scope is created for each notification.
/// </summary>
/// <remarks>
/// Delivery is at least once: a notification is acknowledged to the gateway only after every handler
/// returned, and the gateways redeliver and sometimes duplicate, so the same update can arrive more than
/// once. Use <see cref="WhatsAppUpdate.DeduplicationKey"/> to act once. Throwing makes the notification count
/// as not received: the webhook answers 500 and GREEN-API redelivers it (polling leaves it in the queue).
/// </remarks>
public interface IWhatsAppUpdateHandler
{
    /// <summary>Handles one update.</summary>
    /// <param name="update">The update.</param>
    /// <param name="cancellationToken">Cancelled when the request is aborted or the app stops.</param>
    /// <returns>A task that completes when the update is handled (for example, stored).</returns>
    Task HandleAsync(WhatsAppUpdate update, CancellationToken cancellationToken);
}

/// <summary>
/// Receives a gateway's notifications as its package's typed models, including those that carry no message
/// status (an instance's state, a quota) and, as the provider's base notification type, the types the
/// library does not read. A handler of a base type also receives its derived types: one of
/// <c>IWhatsAppNotificationHandler&lt;object&gt;</c> receives everything. Register with
/// <c>services.AddWhatsAppNotificationHandler&lt;TNotification, THandler&gt;()</c>.
/// </summary>
/// <typeparam name="TNotification">A notification model of a provider package, or one of its bases.</typeparam>
public interface IWhatsAppNotificationHandler<in TNotification>
{
    /// <summary>Handles one notification; called before the update handlers of the same notification.</summary>
    /// <param name="notification">The notification.</param>
    /// <param name="context">Where it came from, and the updates read from it.</param>
    /// <param name="cancellationToken">Cancelled when the request is aborted or the app stops.</param>
    /// <returns>A task that completes when the notification is handled.</returns>
    Task HandleAsync(TNotification notification, WhatsAppNotificationContext context, CancellationToken cancellationToken);
}
