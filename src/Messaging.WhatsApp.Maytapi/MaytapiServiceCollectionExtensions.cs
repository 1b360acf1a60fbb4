using System;
using Messaging.WhatsApp;
using Messaging.WhatsApp.Maytapi;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers Maytapi senders on IHttpClientFactory, and receivers of its webhooks.</summary>
public static class MaytapiServiceCollectionExtensions
{
    /// <summary>
    /// Registers the Maytapi phone configured in <paramref name="configuration"/> (usually the
    /// <c>Maytapi</c> section) as <see cref="IMaytapiSender"/> and <see cref="IWhatsAppSender"/>. The options
    /// are validated at startup: a missing credential fails there, not at the first send.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="configuration">The section holding <see cref="MaytapiOptions"/>.</param>
    /// <returns>The sender's builder: its HTTP client's, to add handlers, and the instance's, for extensions.</returns>
    public static WhatsAppSenderBuilder AddMaytapi(this IServiceCollection services, IConfiguration configuration) =>
        Add(services, Options.Options.DefaultName, o => o.Bind(configuration));

    /// <summary>Registers the Maytapi phone configured by <paramref name="configure"/>; see <see cref="AddMaytapi(IServiceCollection, IConfiguration)"/>.</summary>
    /// <param name="services">The services.</param>
    /// <param name="configure">Sets the options.</param>
    /// <returns>The sender's builder: its HTTP client's, to add handlers, and the instance's, for extensions.</returns>
    public static WhatsAppSenderBuilder AddMaytapi(this IServiceCollection services, Action<MaytapiOptions> configure) =>
        Add(services, Options.Options.DefaultName, o => o.Configure(configure));

    /// <summary>
    /// Registers one of several Maytapi phones under <paramref name="name"/>, resolved as a keyed service:
    /// <c>[FromKeyedServices("sales")] IWhatsAppSender sender</c>.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="name">The name, which is also the service key.</param>
    /// <param name="configuration">The section holding <see cref="MaytapiOptions"/>.</param>
    /// <returns>The sender's builder: its HTTP client's, to add handlers, and the instance's, for extensions.</returns>
    public static WhatsAppSenderBuilder AddMaytapi(this IServiceCollection services, string name, IConfiguration configuration)
    {
        Guard.NotNullOrEmpty(name);
        return Add(services, name, o => o.Bind(configuration));
    }

    /// <summary>Registers one of several Maytapi phones under <paramref name="name"/>; see <see cref="AddMaytapi(IServiceCollection, string, IConfiguration)"/>.</summary>
    /// <param name="services">The services.</param>
    /// <param name="name">The name, which is also the service key.</param>
    /// <param name="configure">Sets the options.</param>
    /// <returns>The sender's builder: its HTTP client's, to add handlers, and the instance's, for extensions.</returns>
    public static WhatsAppSenderBuilder AddMaytapi(this IServiceCollection services, string name, Action<MaytapiOptions> configure)
    {
        Guard.NotNullOrEmpty(name);
        return Add(services, name, o => o.Configure(configure));
    }

    private static WhatsAppSenderBuilder Add(IServiceCollection services, string name, Action<OptionsBuilder<MaytapiOptions>> configure) =>
        new(SenderRegistration.Add<MaytapiOptions, MaytapiClient, IMaytapiSender>(services, name, configure, MaytapiOptions.Definition, core => new MaytapiSender(core)), MaytapiOptions.Provider, name);

    /// <summary>
    /// Receives the webhook notifications of the Maytapi phone configured in <paramref name="configuration"/> (the same section as
    /// its sender), whose <see cref="MaytapiOptions.WebhookSecret"/> (the secret its URL carries) is required and checked at startup; nothing
    /// else is, so an app may receive without sending. Map the endpoint with <c>app.MapWhatsAppWebhooks()</c>
    /// (package Messaging.WhatsApp.AspNetCore) and register handlers with <c>AddWhatsAppUpdateHandler</c>.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="configuration">The section holding <see cref="MaytapiOptions"/>.</param>
    /// <returns>The services.</returns>
    public static IServiceCollection AddMaytapiWebhook(this IServiceCollection services, IConfiguration configuration) =>
        AddWebhook(services, Options.Options.DefaultName, o => o.Bind(configuration));

    /// <summary>Receives the webhook notifications of the phone configured by <paramref name="configure"/>; see <see cref="AddMaytapiWebhook(IServiceCollection, IConfiguration)"/>.</summary>
    /// <param name="services">The services.</param>
    /// <param name="configure">Sets the options.</param>
    /// <returns>The services.</returns>
    public static IServiceCollection AddMaytapiWebhook(this IServiceCollection services, Action<MaytapiOptions> configure) =>
        AddWebhook(services, Options.Options.DefaultName, o => o.Configure(configure));

    /// <summary>
    /// Receives the webhook notifications of one of several phones, under <paramref name="name"/> (the same name
    /// as its sender's, if it has one): its endpoint is <c>…/maytapi/&lt;name&gt;?secret=&lt;secret&gt;</c>.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="name">The name: letters, digits, '-' or '_'.</param>
    /// <param name="configuration">The section holding <see cref="MaytapiOptions"/>.</param>
    /// <returns>The services.</returns>
    public static IServiceCollection AddMaytapiWebhook(this IServiceCollection services, string name, IConfiguration configuration) =>
        AddWebhook(services, ReceiverRegistration.CheckName(name), o => o.Bind(configuration));

    /// <summary>Receives the webhook notifications of one of several phones; see <see cref="AddMaytapiWebhook(IServiceCollection, string, IConfiguration)"/>.</summary>
    /// <param name="services">The services.</param>
    /// <param name="name">The name: letters, digits, '-' or '_'.</param>
    /// <param name="configure">Sets the options.</param>
    /// <returns>The services.</returns>
    public static IServiceCollection AddMaytapiWebhook(this IServiceCollection services, string name, Action<MaytapiOptions> configure) =>
        AddWebhook(services, ReceiverRegistration.CheckName(name), o => o.Configure(configure));

    private static IServiceCollection AddWebhook(IServiceCollection services, string name, Action<OptionsBuilder<MaytapiOptions>> configure)
    {
        ReceiverRegistration.AddWebhook(services, name, configure, MaytapiOptions.Receiver);
        return services;
    }
}
