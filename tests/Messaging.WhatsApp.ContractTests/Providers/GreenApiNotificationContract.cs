using Messaging.WhatsApp.ContractTests.Harness;

namespace Messaging.WhatsApp.ContractTests.Providers;

/// <summary>GREEN-API's notifications: specs/green-api-notifications.yaml, Recordings/green-api-notifications.</summary>
public sealed class GreenApiNotificationContract : NotificationContract
{
    public override string Name => "green-api-notifications";

    public override string Provider => "green-api";
}
