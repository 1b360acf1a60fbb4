// snippet: instance-state-alerts
using Messaging.WhatsApp;
using Messaging.WhatsApp.GreenApi;

namespace MyApp;

public sealed class InstanceStateAlerts(ILogger<InstanceStateAlerts> logger) : IWhatsAppNotificationHandler<GreenApiStateInstanceChangedNotification>
{
    public Task HandleAsync(GreenApiStateInstanceChangedNotification notification, WhatsAppNotificationContext context, CancellationToken cancellationToken)
    {
        logger.LogWarning("GREEN-API instance {Registration} is now {State}", context.RegistrationName, notification.StateInstance);
        return Task.CompletedTask;
    }
}
// end-snippet
