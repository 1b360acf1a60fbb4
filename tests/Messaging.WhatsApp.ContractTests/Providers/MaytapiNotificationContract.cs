using Messaging.WhatsApp.ContractTests.Harness;

namespace Messaging.WhatsApp.ContractTests.Providers;

/// <summary>Maytapi's notifications: specs/maytapi-notifications.yaml, Recordings/maytapi-notifications.</summary>
public sealed class MaytapiNotificationContract : NotificationContract
{
    public override string Name => "maytapi-notifications";

    public override string Provider => "maytapi";
}
