using System;
using Messaging.WhatsApp;
using Messaging.WhatsApp.Maytapi;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers Maytapi senders on IHttpClientFactory.</summary>
public static class MaytapiServiceCollectionExtensions
{
    /// <summary>
    /// Registers the Maytapi phone configured in <paramref name="configuration"/> (usually the
    /// <c>Maytapi</c> section) as <see cref="IMaytapiSender"/> and <see cref="IWhatsAppSender"/>. The options
    /// are validated at startup: a missing credential fails there, not at the first send.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="configuration">The section holding <see cref="MaytapiOptions"/>.</param>
    /// <returns>The HTTP client's builder, to add handlers.</returns>
    public static IHttpClientBuilder AddMaytapi(this IServiceCollection services, IConfiguration configuration) =>
        Add(services, Options.Options.DefaultName, o => o.Bind(configuration));

    /// <summary>Registers the Maytapi phone configured by <paramref name="configure"/>; see <see cref="AddMaytapi(IServiceCollection, IConfiguration)"/>.</summary>
    /// <param name="services">The services.</param>
    /// <param name="configure">Sets the options.</param>
    /// <returns>The HTTP client's builder, to add handlers.</returns>
    public static IHttpClientBuilder AddMaytapi(this IServiceCollection services, Action<MaytapiOptions> configure) =>
        Add(services, Options.Options.DefaultName, o => o.Configure(configure));

    /// <summary>
    /// Registers one of several Maytapi phones under <paramref name="name"/>, resolved as a keyed service:
    /// <c>[FromKeyedServices("sales")] IWhatsAppSender sender</c>.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="name">The name, which is also the service key.</param>
    /// <param name="configuration">The section holding <see cref="MaytapiOptions"/>.</param>
    /// <returns>The HTTP client's builder, to add handlers.</returns>
    public static IHttpClientBuilder AddMaytapi(this IServiceCollection services, string name, IConfiguration configuration)
    {
        Guard.NotNullOrEmpty(name);
        return Add(services, name, o => o.Bind(configuration));
    }

    /// <summary>Registers one of several Maytapi phones under <paramref name="name"/>; see <see cref="AddMaytapi(IServiceCollection, string, IConfiguration)"/>.</summary>
    /// <param name="services">The services.</param>
    /// <param name="name">The name, which is also the service key.</param>
    /// <param name="configure">Sets the options.</param>
    /// <returns>The HTTP client's builder, to add handlers.</returns>
    public static IHttpClientBuilder AddMaytapi(this IServiceCollection services, string name, Action<MaytapiOptions> configure)
    {
        Guard.NotNullOrEmpty(name);
        return Add(services, name, o => o.Configure(configure));
    }

    private static IHttpClientBuilder Add(IServiceCollection services, string name, Action<OptionsBuilder<MaytapiOptions>> configure) =>
        SenderRegistration.Add<MaytapiOptions, MaytapiClient, IMaytapiSender>(services, name, configure, MaytapiOptions.Definition, core => new MaytapiSender(core));
}
