using System;

namespace Messaging.WhatsApp;

/// <summary>
/// What a rate limiter factory (<c>UseRateLimiter</c>) learns about the sender it limits: which gateway
/// instance, and the limit and queue its options set. Holds no credential.
/// </summary>
public sealed class WhatsAppRateLimitContext
{
    internal WhatsAppRateLimitContext(WhatsAppProvider provider, string instanceId, string registrationName, int permitsPerSecond, int queueLimit)
    {
        Provider = provider;
        InstanceId = instanceId;
        RegistrationName = registrationName;
        PermitsPerSecond = permitsPerSecond;
        QueueLimit = queueLimit;
    }

    /// <summary>The gateway.</summary>
    public WhatsAppProvider Provider { get; }

    /// <summary>
    /// What the gateway counts its limit against, never a credential: GREEN-API's <c>IdInstance</c>;
    /// Maytapi's <c>ProductId/PhoneId</c>. Senders with the same provider and instance id share one limit.
    /// </summary>
    public string InstanceId { get; }

    /// <summary>The name the sender was registered under: "" for the default one, otherwise its service key.</summary>
    public string RegistrationName { get; }

    /// <summary>The sends a second the options allow (<see cref="WhatsAppSenderOptions.MaxSendsPerSecond"/>); 0 means no limit.</summary>
    public int PermitsPerSecond { get; }

    /// <summary>The sends that may wait for a permit (<see cref="WhatsAppSenderOptions.RateLimitQueueLimit"/>).</summary>
    public int QueueLimit { get; }

    /// <summary>Names the instance and the limit.</summary>
    /// <returns>E.g. <c>green-api instance 1101000001, 50 sends a second</c>.</returns>
    public override string ToString() => $"{Provider.Name} instance {InstanceId}, {PermitsPerSecond} sends a second";
}
