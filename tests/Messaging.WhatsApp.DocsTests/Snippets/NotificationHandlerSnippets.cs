// snippet: notification-handlers-usings
using Messaging.WhatsApp.GreenApi;
using Messaging.WhatsApp.Maytapi;
// end-snippet

namespace MyApp;

/// <summary>The typed notification handlers' registration of docs/receiving.md.</summary>
public static class NotificationHandlerSnippets
{
    public static void Register(WebApplicationBuilder builder)
    {
        // snippet: notification-handlers
        builder.Services.AddWhatsAppNotificationHandler<GreenApiStateInstanceChangedNotification, InstanceStateAlerts>();
        builder.Services.AddWhatsAppNotificationHandler<MaytapiNotification, AuditLog>();     // every Maytapi notification
        // end-snippet
    }
}
