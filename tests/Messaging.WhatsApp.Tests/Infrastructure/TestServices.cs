using System;
using System.Linq;
using Messaging.WhatsApp.GreenApi;
using Messaging.WhatsApp.Maytapi;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace Messaging.WhatsApp.Tests.Infrastructure;

/// <summary>A DI container wired the way an application would, pointed at the run's WireMock server.</summary>
public sealed class TestServices : IDisposable
{
    public const string GreenToken = "d75b3a66374942c5b3c019c698abc2067e151558acbd412345";
    public const long GreenInstance = 1101000001;
    public const string MaytapiKey = "maytapi-secret-key-5f1c2e9a";
    public const string ProductId = "11111111-2222-3333-4444-555555555555";
    public const string PhoneId = "12";

    private TestServices(Action<IServiceCollection> register)
    {
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(Time);
        services.AddLogging(b => b.SetMinimumLevel(LogLevel.Trace).AddProvider(Logs));
        register(services);
        Provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
    }

    public static WireMockServer Server => WireMockFixture.Server;

    public static string GreenPath => $"/waInstance{GreenInstance}/sendMessage/{GreenToken}";

    public static string MaytapiPath => $"/api/{ProductId}/{PhoneId}/sendMessage";

    public CapturingLoggerProvider Logs { get; } = new();

    public RecordingTimeProvider Time { get; } = new();

    public ServiceProvider Provider { get; }

    public IWhatsAppSender Sender => Provider.GetRequiredService<IWhatsAppSender>();

    public IGreenApiSender GreenApiSender => Provider.GetRequiredService<IGreenApiSender>();

    public IMaytapiSender MaytapiSender => Provider.GetRequiredService<IMaytapiSender>();

    public static void ConfigureGreenApi(GreenApiOptions o)
    {
        o.ApiUrl = new Uri(Server.Url!);
        o.IdInstance = GreenInstance;
        o.ApiTokenInstance = GreenToken;
        o.Timeout = TimeSpan.FromSeconds(10);
    }

    public static void ConfigureMaytapi(MaytapiOptions o)
    {
        o.ApiUrl = new Uri(Server.Url! + "/api/");
        o.ProductId = ProductId;
        o.PhoneId = PhoneId;
        o.ApiKey = MaytapiKey;
        o.Timeout = TimeSpan.FromSeconds(10);
    }

    public static TestServices GreenApi(Action<GreenApiOptions>? configure = null, Action<IHttpClientBuilder>? http = null) =>
        new(services =>
        {
            var builder = services.AddGreenApi(o =>
            {
                ConfigureGreenApi(o);
                configure?.Invoke(o);
            });
            http?.Invoke(builder);
        });

    public static TestServices Maytapi(Action<MaytapiOptions>? configure = null, Action<IHttpClientBuilder>? http = null) =>
        new(services =>
        {
            var builder = services.AddMaytapi(o =>
            {
                ConfigureMaytapi(o);
                configure?.Invoke(o);
            });
            http?.Invoke(builder);
        });

    public static TestServices With(Action<IServiceCollection> register) => new(register);

    /// <summary>
    /// A sender of <paramref name="provider"/> (a <see cref="TestProvider"/> name) whose API root is
    /// <paramref name="root"/> (WireMock when null), registered after <paramref name="host"/> ran (host-wide
    /// set-up such as ConfigureHttpClientDefaults).
    /// </summary>
    public static TestServices For(
        string provider,
        Uri? root = null,
        TimeSpan? timeout = null,
        bool retries = true,
        Action<IServiceCollection>? host = null,
        Action<IHttpClientBuilder>? http = null,
        Action<RetryOptions>? retry = null) =>
        new(services =>
        {
            host?.Invoke(services);
            var builder = TestProvider.Named(provider).Register(services, root, o =>
            {
                o.Timeout = timeout ?? o.Timeout;
                o.Retry.Enabled = retries;
                retry?.Invoke(o.Retry);
            });
            http?.Invoke(builder);
        });

    /// <summary>Answers every request on <paramref name="provider"/>'s send path with <paramref name="response"/>.</summary>
    public static void Answer(TestProvider provider, IResponseBuilder response) => Answer(provider.Path, response);

    /// <summary>Resets WireMock and answers every request on <paramref name="path"/> with the given response.</summary>
    public static void Answer(string path, IResponseBuilder response)
    {
        Server.Reset();
        Server.Given(Request.Create().WithPath(path).UsingPost()).RespondWith(response);
    }

    public static IResponseBuilder Json(int status, string body) =>
        Response.Create().WithStatusCode(status).WithHeader("Content-Type", "application/json").WithBody(body);

    public static IResponseBuilder Text(int status, string contentType, string body) =>
        Response.Create().WithStatusCode(status).WithHeader("Content-Type", contentType).WithBody(body);

    public static int RequestsReceived => Server.LogEntries.Count;

    /// <summary>The requests received once <paramref name="settle"/> has passed, for answers WireMock delays.</summary>
    public static async System.Threading.Tasks.Task<int> RequestsReceivedAfter(TimeSpan settle)
    {
        await System.Threading.Tasks.Task.Delay(settle).ConfigureAwait(false);
        return RequestsReceived;
    }

    public void Dispose() => Provider.Dispose();
}
