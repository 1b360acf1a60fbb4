using System;
using System.Collections.Generic;
using System.Linq;
using System.Net.Http;
using Messaging.WhatsApp.GreenApi;
using Messaging.WhatsApp.Maytapi;
using Microsoft.Extensions.DependencyInjection;

namespace Messaging.WhatsApp.Tests.Infrastructure;

/// <summary>
/// One provider as the facade tests drive it. Tests name providers by their stable name
/// (<c>[TestCase("green-api")]</c>) and look them up here, or take every one from <see cref="All"/>; nothing
/// in a test picks a provider with a two-way conditional, so a third provider is one more entry.
/// </summary>
public sealed class TestProvider
{
    public static readonly TestProvider GreenApi = new(
        GreenApiOptions.Provider,
        TestServices.GreenPath,
        TestServices.GreenToken,
        id => $$"""{"idMessage":"{{id}}"}""",
        root => root,
        (services, root, configure) => services.AddGreenApi(o =>
        {
            TestServices.ConfigureGreenApi(o);
            o.ApiUrl = root ?? o.ApiUrl;
            configure?.Invoke(o);
        }),
        (root, handler) =>
        {
            var options = new GreenApiOptions();
            TestServices.ConfigureGreenApi(options);
            options.ApiUrl = root;
            return new GreenApiSender(options, handler);
        });

    public static readonly TestProvider Maytapi = new(
        MaytapiOptions.Provider,
        TestServices.MaytapiPath,
        TestServices.MaytapiKey,
        id => $$$"""{"success":true,"data":{"chatId":"905301111111@c.us","msgId":"{{{id}}}"}}""",
        root => new Uri(root, "api/"),
        (services, root, configure) => services.AddMaytapi(o =>
        {
            TestServices.ConfigureMaytapi(o);
            o.ApiUrl = root is null ? o.ApiUrl : new Uri(root, "api/");
            configure?.Invoke(o);
        }),
        (root, handler) =>
        {
            var options = new MaytapiOptions();
            TestServices.ConfigureMaytapi(options);
            options.ApiUrl = new Uri(root, "api/");
            return new MaytapiSender(options, handler);
        });

    private readonly Func<IServiceCollection, Uri?, Action<WhatsAppSenderOptions>?, IHttpClientBuilder> _register;
    private readonly Func<Uri, HttpMessageHandler?, IWhatsAppSender> _construct;
    private readonly Func<string, string> _successBody;

    private TestProvider(
        WhatsAppProvider provider,
        string path,
        string secret,
        Func<string, string> successBody,
        Func<Uri, Uri> apiUrlFor,
        Func<IServiceCollection, Uri?, Action<WhatsAppSenderOptions>?, IHttpClientBuilder> register,
        Func<Uri, HttpMessageHandler?, IWhatsAppSender> construct)
    {
        Provider = provider;
        Path = path;
        Secret = secret;
        ApiUrlFor = apiUrlFor;
        _successBody = successBody;
        _register = register;
        _construct = construct;
    }

    /// <summary>Every provider, for <c>[TestCaseSource(typeof(TestProvider), nameof(TestProvider.All))]</c>.</summary>
    public static IReadOnlyList<TestProvider> All { get; } = [GreenApi, Maytapi];

    /// <summary>The stable names of every provider, for a <c>[TestCaseSource]</c> of names.</summary>
    public static IEnumerable<string> Names => All.Select(p => p.Name);

    public WhatsAppProvider Provider { get; }

    /// <summary>The stable name, e.g. <c>green-api</c>.</summary>
    public string Name => Provider.Name;

    /// <summary>The name as one word for test names, e.g. <c>GreenApi</c> for <c>green-api</c>.</summary>
    public string TestName => string.Concat(Name.Split('-', StringSplitOptions.RemoveEmptyEntries).Select(w => char.ToUpperInvariant(w[0]) + w[1..]));

    /// <summary>The path of the test sender's sendMessage request.</summary>
    public string Path { get; }

    /// <summary>The test sender's credential.</summary>
    public string Secret { get; }

    /// <summary>The API URL for a server at the given root.</summary>
    public Func<Uri, Uri> ApiUrlFor { get; }

    /// <summary>The provider named <paramref name="name"/>; an unknown name fails the test.</summary>
    public static TestProvider Named(string name) =>
        All.SingleOrDefault(p => p.Name == name) ?? throw new ArgumentException($"No test provider is named '{name}'.", nameof(name));

    /// <summary>A body the provider answers a successful send with, carrying <paramref name="id"/>.</summary>
    public string SuccessBody(string id = "BAE5F4886F6F2D05") => _successBody(id);

    /// <summary>Registers the provider's test sender (WireMock when <paramref name="root"/> is null), adjusted by <paramref name="configure"/>.</summary>
    public IHttpClientBuilder Register(IServiceCollection services, Uri? root = null, Action<WhatsAppSenderOptions>? configure = null) =>
        _register(services, root, configure);

    /// <summary>A sender from the provider's public constructor, for a server at <paramref name="root"/>.</summary>
    public IWhatsAppSender Construct(Uri root, HttpMessageHandler? handler = null) => _construct(root, handler);

    public override string ToString() => Name;
}
