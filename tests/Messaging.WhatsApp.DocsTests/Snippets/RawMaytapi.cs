// snippet: generated-client
using Messaging.WhatsApp.Maytapi;

namespace MyApp;

public static class RawMaytapi
{
    public static async Task<MaytapiSendMessageResponse> SendAsync(string productId, string phoneId, string maytapiKey, CancellationToken cancellationToken)
    {
        using var http = new HttpClient { BaseAddress = new Uri($"https://api.maytapi.com/api/{productId}/") };
        IMaytapiClient maytapi = new MaytapiClient(http, maytapiKey);    // sends x-maytapi-key
        MaytapiSendMessageResponse sent = await maytapi.SendMessageAsync(phoneId, new TextMessage { ToNumber = "905301234567", Message = "Hi" }, cancellationToken);
        // Maytapi answers most failures with HTTP 200: check sent.Success before trusting sent.Data.MsgId.
        return sent;
    }
}
// end-snippet
