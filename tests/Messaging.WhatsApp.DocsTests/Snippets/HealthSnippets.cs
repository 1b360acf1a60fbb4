namespace MyApp;

/// <summary>The instance health guide's <c>Program.cs</c> lines.</summary>
public static class HealthSnippets
{
    public static WebApplication Register(WebApplicationBuilder builder)
    {
        // snippet: health-register
        builder.Services.AddGreenApi(builder.Configuration.GetSection("GreenApi"));
        builder.Services.AddMaytapi("support", builder.Configuration.GetSection("Maytapi"));
        builder.Services.AddHealthChecks().AddWhatsAppInstances();      // the one line

        var app = builder.Build();
        app.MapHealthChecks("/health");                                  // 200 Healthy / 200 Degraded / 503 Unhealthy
        // end-snippet
        return app;
    }

    public static void Monitoring(WebApplicationBuilder builder)
    {
        // snippet: health-monitoring
        builder.Services.AddGreenApi(builder.Configuration.GetSection("GreenApi"))
            .AddInstanceStateMonitoring(o => o.PollInterval = TimeSpan.FromMinutes(1));   // the default
        // end-snippet
    }

    public static void Handler(WebApplicationBuilder builder)
    {
        // snippet: health-handler-register
        builder.Services.AddWhatsAppInstanceStateHandler<PhoneAlerts>();
        // end-snippet
    }

    public static void FailFast(WebApplicationBuilder builder)
    {
        // snippet: health-fail-fast
        builder.Services.AddGreenApi(o =>
        {
            builder.Configuration.GetSection("GreenApi").Bind(o);   // IdInstance, ApiTokenInstance, …
            o.FailFastWhenUnableToSend = true;
            o.StateTrustWindow = TimeSpan.FromMinutes(5);     // the default
        }).AddInstanceStateMonitoring();
        // end-snippet
    }
}
