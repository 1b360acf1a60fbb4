namespace MyApp;

/// <summary>
/// The guides' <c>Program.cs</c> lines, each in a method whose <c>builder</c> is the one
/// <c>WebApplication.CreateBuilder(args)</c> returns in an app.
/// </summary>
public static class ProgramSnippets
{
    public static void Register(WebApplicationBuilder builder)
    {
        // snippet: register
        // appsettings.json: { "GreenApi": { "ApiUrl": "https://7105.api.greenapi.com", "IdInstance": 1101000001,
        //                                   "ApiTokenInstance": "…", "Timeout": "00:00:30" } }
        builder.Services.AddGreenApi(builder.Configuration.GetSection("GreenApi"));
        // or: builder.Services.AddMaytapi(builder.Configuration.GetSection("Maytapi"));   // ProductId, PhoneId, ApiKey
        // end-snippet
    }

    public static void NamedInstances(WebApplicationBuilder builder)
    {
        // snippet: named-instances
        builder.Services.AddGreenApi("sales", builder.Configuration.GetSection("WhatsApp:Sales"));
        builder.Services.AddGreenApi("support", builder.Configuration.GetSection("WhatsApp:Support"));
        // end-snippet
    }

    public static void RedisLimiter(WebApplicationBuilder builder)
    {
        // snippet: redis-limiter
        builder.Services.AddGreenApi(builder.Configuration.GetSection("GreenApi"))
            .UseRedisRateLimiter(builder.Configuration["Redis"]!);   // e.g. "redis:6379,password=…"
        // end-snippet
    }

    public static WebApplication Webhooks(WebApplicationBuilder builder)
    {
        // snippet: webhook-program
        // appsettings.json: "GreenApi": { …, "WebhookToken": "<the instance's webhookUrlToken>" },
        //                   "Maytapi":  { …, "WebhookSecret": "<32 random letters and digits>" }
        builder.Services.AddGreenApiWebhook(builder.Configuration.GetSection("GreenApi"));
        builder.Services.AddMaytapiWebhook(builder.Configuration.GetSection("Maytapi"));
        builder.Services.AddWhatsAppUpdateHandler<DeliveryStatusHandler>();

        var app = builder.Build();
        app.MapWhatsAppWebhooks();          // POST /whatsapp/green-api and POST /whatsapp/maytapi?secret=…
        // end-snippet
        return app;
    }

    public static void Polling(WebApplicationBuilder builder)
    {
        // snippet: polling
        builder.Services.AddGreenApi(builder.Configuration.GetSection("GreenApi"))
            .AddNotificationPolling();      // optional: o => o.ReceiveTimeout = TimeSpan.FromSeconds(20)
        builder.Services.AddWhatsAppUpdateHandler<DeliveryStatusHandler>();
        // end-snippet
    }
}
