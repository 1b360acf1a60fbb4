// snippet: maytapi-messages
using Messaging.WhatsApp;
using Messaging.WhatsApp.Maytapi;

namespace MyApp;

public sealed class Invoices(IMaytapiSender maytapi)
{
    public async Task SendAsync(ChatAddress chat, CancellationToken cancellationToken)
    {
        await maytapi.SendAsync(new MediaMessage { ToNumber = "905301234567", Message = "https://example.com/invoice.pdf",
                                                   Filename = "invoice.pdf", Text = "Your invoice" }, cancellationToken);
        await maytapi.SendAsync(new PollMessage { ToNumber = "120363238104@g.us", Message = "Lunch?",
                                                  Options = ["Pizza", "Sushi"], OnlyOne = true }, cancellationToken);
        await maytapi.SendLocationAsync(chat, 41.093292, 29.046783, "Office", cancellationToken);
    }
}
// end-snippet
