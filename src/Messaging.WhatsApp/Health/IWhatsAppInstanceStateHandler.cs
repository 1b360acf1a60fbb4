using System.Threading;
using System.Threading.Tasks;

namespace Messaging.WhatsApp;

/// <summary>
/// Told each time a monitored instance's state changes (its neutral state or the gateway's word), whether a poll or a
/// notification learned it. Register with <c>services.AddWhatsAppInstanceStateHandler&lt;T&gt;()</c>; a new scope is
/// created for each change. A handler that throws is logged and does not stop the monitoring, nor the other handlers.
/// </summary>
public interface IWhatsAppInstanceStateHandler
{
    /// <summary>Handles one change.</summary>
    /// <param name="previous">What was known before (its <see cref="WhatsAppInstanceStatus.Source"/> is
    /// <see cref="WhatsAppInstanceStateSource.None"/> for the first state learned).</param>
    /// <param name="current">What is known now.</param>
    /// <param name="cancellationToken">Cancelled when the app stops, or the request that brought the change is aborted.</param>
    /// <returns>A task that completes when the change is handled.</returns>
    Task HandleAsync(WhatsAppInstanceStatus previous, WhatsAppInstanceStatus current, CancellationToken cancellationToken);
}
