// snippet: green-api-request
using Messaging.WhatsApp;
using Messaging.WhatsApp.GreenApi;

namespace MyApp;

public sealed class Catalogue(IGreenApiSender greenApi)
{
    public async Task AnnounceAsync(CancellationToken cancellationToken)
    {
        await greenApi.SendAsync(new GreenApiSendMessageRequest
        {
            ChatId = ChatAddress.Parse("+90 530 111 11 11").Id,   // 905301111111@c.us
            Message = "Our new catalogue: https://example.com/catalogue",
            TypePreview = LinkPreviewSize.Large,
            CustomPreview = new CustomPreview { Title = "Catalogue 2026", Description = "120 products" },
            TypingTime = 3000,                                    // ms of "typing…", 1000 to 20000
        }, cancellationToken);
    }
}
// end-snippet
