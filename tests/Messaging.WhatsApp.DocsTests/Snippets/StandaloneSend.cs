// snippet: standalone
using Messaging.WhatsApp;
using Messaging.WhatsApp.GreenApi;

namespace MyApp;

public static class StandaloneSend
{
    public static async Task<string> SendAsync(string token, CancellationToken cancellationToken)
    {
        using var sender = new GreenApiSender(new GreenApiOptions { IdInstance = 1101000001, ApiTokenInstance = token });
        // or new MaytapiSender(options, primaryHandler): your own network handler (a proxy, say), left yours to dispose
        SendResult sent = await sender.SendTextAsync(ChatAddress.Parse("+90 530 111 11 11"), "Hello", cancellationToken: cancellationToken);
        return sent.MessageId;
    }
}
// end-snippet
