using System;
using System.Threading;
using System.Threading.Tasks;

namespace Messaging.WhatsApp;

/// <summary>
/// What a provider's sender gives the instance monitoring: its monitor, the call that asks the gateway, and the test
/// that takes the gateway's state notifications of its own instance (and of no other).
/// </summary>
internal interface IInstanceStateSource
{
    /// <summary>The instance's known state (the sender core's).</summary>
    InstanceStateMonitor InstanceState { get; }

    /// <summary>Asks the gateway now (spaced as the monitor spaces every ask), records and returns the answer.</summary>
    /// <exception cref="WhatsAppException">The gateway did not answer with a state; the subclass says why.</exception>
    Task<WhatsAppInstanceStatus> GetInstanceStateAsync(CancellationToken cancellationToken);

    /// <summary>
    /// The state a received notification reports about this sender's instance, or null when it is not a state
    /// notification of this instance (another type, another instance, no state).
    /// </summary>
    /// <param name="notification">The typed notification.</param>
    /// <param name="receivedAt">When it arrived, for a notification that carries no time of its own.</param>
    WhatsAppInstanceStatus? StateReportedBy(object notification, DateTimeOffset receivedAt);
}
