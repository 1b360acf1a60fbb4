using System;
using System.Threading;
using System.Threading.Tasks;

namespace Messaging.WhatsApp;

/// <summary>
/// Feeds every received notification that reports a monitored instance's state (GREEN-API <c>stateInstanceChanged</c>,
/// Maytapi <c>status</c>) into that instance's monitor; each sender takes only its own instance's, matched by the
/// gateway's instance id, and other instances' are ignored. Registered once by the instance monitoring.
/// </summary>
internal sealed class InstanceStateNotifications : IWhatsAppNotificationHandler<object>
{
    private readonly MonitoredSenders _senders;
    private readonly TimeProvider _time;

    public InstanceStateNotifications(MonitoredSenders senders, TimeProvider time)
    {
        _senders = senders;
        _time = time;
    }

    public async Task HandleAsync(object notification, WhatsAppNotificationContext context, CancellationToken cancellationToken)
    {
        foreach (var sender in _senders.Senders)
        {
            if (sender.Provider.Equals(context.Provider) && sender.Source.StateReportedBy(notification, _time.GetUtcNow()) is { } reported)
            {
                await sender.Source.InstanceState.RecordAsync(reported, cancellationToken).ConfigureAwait(false);
            }
        }
    }
}
