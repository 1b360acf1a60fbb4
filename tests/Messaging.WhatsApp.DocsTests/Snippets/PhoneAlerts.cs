// snippet: health-handler
using Messaging.WhatsApp;

namespace MyApp;

public sealed class PhoneAlerts(IAlerting alerting) : IWhatsAppInstanceStateHandler
{
    public Task HandleAsync(WhatsAppInstanceStatus previous, WhatsAppInstanceStatus current, CancellationToken cancellationToken) =>
        current.CanSend
            ? alerting.ResolveAsync(current.Instance, cancellationToken)
            : alerting.RaiseAsync(current.Instance, current.ToString(), cancellationToken);    // ToString: the state, the word, when and how learned
}
// end-snippet

/// <summary>The app's own alerting, as the guide assumes it.</summary>
public interface IAlerting
{
    Task RaiseAsync(string key, string message, CancellationToken cancellationToken);

    Task ResolveAsync(string key, CancellationToken cancellationToken);
}
