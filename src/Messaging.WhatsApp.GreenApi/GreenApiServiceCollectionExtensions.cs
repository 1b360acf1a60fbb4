using System;
using Messaging.WhatsApp;
using Messaging.WhatsApp.GreenApi;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers GREEN-API senders on IHttpClientFactory.</summary>
public static class GreenApiServiceCollectionExtensions
{
    /// <summary>
    /// Registers the GREEN-API instance configured in <paramref name="configuration"/> (usually the
    /// <c>GreenApi</c> section) as <see cref="IGreenApiSender"/> and <see cref="IWhatsAppSender"/>. The options
    /// are validated at startup: a missing credential fails there, not at the first send.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="configuration">The section holding <see cref="GreenApiOptions"/>.</param>
    /// <returns>The HTTP client's builder, to add handlers.</returns>
    public static IHttpClientBuilder AddGreenApi(this IServiceCollection services, IConfiguration configuration) =>
        Add(services, Options.Options.DefaultName, o => o.Bind(configuration));

    /// <summary>Registers the GREEN-API instance configured by <paramref name="configure"/>; see <see cref="AddGreenApi(IServiceCollection, IConfiguration)"/>.</summary>
    /// <param name="services">The services.</param>
    /// <param name="configure">Sets the options.</param>
    /// <returns>The HTTP client's builder, to add handlers.</returns>
    public static IHttpClientBuilder AddGreenApi(this IServiceCollection services, Action<GreenApiOptions> configure) =>
        Add(services, Options.Options.DefaultName, o => o.Configure(configure));

    /// <summary>
    /// Registers one of several GREEN-API instances under <paramref name="name"/>, resolved as a keyed service:
    /// <c>[FromKeyedServices("sales")] IWhatsAppSender sender</c>.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="name">The name, which is also the service key.</param>
    /// <param name="configuration">The section holding <see cref="GreenApiOptions"/>.</param>
    /// <returns>The HTTP client's builder, to add handlers.</returns>
    public static IHttpClientBuilder AddGreenApi(this IServiceCollection services, string name, IConfiguration configuration)
    {
        Guard.NotNullOrEmpty(name);
        return Add(services, name, o => o.Bind(configuration));
    }

    /// <summary>Registers one of several GREEN-API instances under <paramref name="name"/>; see <see cref="AddGreenApi(IServiceCollection, string, IConfiguration)"/>.</summary>
    /// <param name="services">The services.</param>
    /// <param name="name">The name, which is also the service key.</param>
    /// <param name="configure">Sets the options.</param>
    /// <returns>The HTTP client's builder, to add handlers.</returns>
    public static IHttpClientBuilder AddGreenApi(this IServiceCollection services, string name, Action<GreenApiOptions> configure)
    {
        Guard.NotNullOrEmpty(name);
        return Add(services, name, o => o.Configure(configure));
    }

    private static IHttpClientBuilder Add(IServiceCollection services, string name, Action<OptionsBuilder<GreenApiOptions>> configure) =>
        SenderRegistration.Add<GreenApiOptions, GreenApiClient, IGreenApiSender>(services, name, configure, GreenApiOptions.Definition, core => new GreenApiSender(core));
}
