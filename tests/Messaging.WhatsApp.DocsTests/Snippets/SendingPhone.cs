// snippet: health-read
using Messaging.WhatsApp;
using Messaging.WhatsApp.GreenApi;

namespace MyApp;

public sealed class SendingPhone(IGreenApiSender greenApi)
{
    public async Task<string> DescribeAsync(CancellationToken cancellationToken)
    {
        WhatsAppInstanceStatus known = greenApi.InstanceStatus;                                  // what is known now; asks nothing
        WhatsAppInstanceStatus asked = await greenApi.GetInstanceStateAsync(cancellationToken); // asks the gateway now, and records it
        // State, ProviderState (the gateway's word), LearnedAt and Source say what, and how it was learned.
        return asked.CanSend ? "ready" : $"cannot send: {asked.State} ({asked.ProviderState}); known before: {known.State}";
    }
}
// end-snippet
