using System;
using System.Text;

namespace Messaging.WhatsApp.Benchmarks;

/// <summary>The exchange every benchmark makes: one text to one person, and the provider's success answer.</summary>
public static class Wire
{
    public const string ProductId = "11111111-2222-3333-4444-555555555555";
    public const string PhoneId = "12";
    public const string MaytapiKey = "benchmark-maytapi-key";
    public const long IdInstance = 1101000001;
    public const string Token = "d75b3a66374942c5b3c019c698abc2067e151558acbd412345";
    public const string ToNumber = "905301111111";
    public const string ChatId = "905301111111@c.us";
    public const string Text = "Your verification code is 481516. It expires in 10 minutes.";

    public static readonly byte[] MaytapiSuccess =
        Encoding.UTF8.GetBytes("""{"success":true,"data":{"chatId":"905301111111@c.us","msgId":"a6f1e2d0-1c2b-11ef-9d3e-6b1f0c2a7e55"}}""");

    public static readonly byte[] GreenApiSuccess = Encoding.UTF8.GetBytes("""{"idMessage":"BAE5F4886F6F2D05"}""");

    public static string MaytapiPath => $"/api/{ProductId}/{PhoneId}/sendMessage";

    public static string GreenApiPath => $"/waInstance{IdInstance}/sendMessage/{Token}";

    public static Uri MaytapiBase(Uri root) => new(root, $"api/{ProductId}/");
}
