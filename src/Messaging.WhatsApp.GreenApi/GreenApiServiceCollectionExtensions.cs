using System;
using Messaging.WhatsApp;
using Messaging.WhatsApp.GreenApi;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers GREEN-API senders on IHttpClientFactory, and receivers of its webhooks.</summary>
public static class GreenApiServiceCollectionExtensions
{
    /// <summary>
    /// Registers the GREEN-API instance configured in <paramref name="configuration"/> (usually the
    /// <c>GreenApi</c> section) as <see cref="IGreenApiSender"/> and <see cref="IWhatsAppSender"/>. The options
    /// are validated at startup: a missing credential fails there, not at the first send.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="configuration">The section holding <see cref="GreenApiOptions"/>.</param>
    /// <returns>The sender's builder: its HTTP client's, to add handlers, and the instance's, for extensions.</returns>
    public static GreenApiSenderBuilder AddGreenApi(this IServiceCollection services, IConfiguration configuration) =>
        Add(services, Options.Options.DefaultName, o => o.Bind(configuration));

    /// <summary>Registers the GREEN-API instance configured by <paramref name="configure"/>; see <see cref="AddGreenApi(IServiceCollection, IConfiguration)"/>.</summary>
    /// <param name="services">The services.</param>
    /// <param name="configure">Sets the options.</param>
    /// <returns>The sender's builder: its HTTP client's, to add handlers, and the instance's, for extensions.</returns>
    public static GreenApiSenderBuilder AddGreenApi(this IServiceCollection services, Action<GreenApiOptions> configure) =>
        Add(services, Options.Options.DefaultName, o => o.Configure(configure));

    /// <summary>
    /// Registers one of several GREEN-API instances under <paramref name="name"/>, resolved as a keyed service:
    /// <c>[FromKeyedServices("sales")] IWhatsAppSender sender</c>.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="name">The name, which is also the service key.</param>
    /// <param name="configuration">The section holding <see cref="GreenApiOptions"/>.</param>
    /// <returns>The sender's builder: its HTTP client's, to add handlers, and the instance's, for extensions.</returns>
    public static GreenApiSenderBuilder AddGreenApi(this IServiceCollection services, string name, IConfiguration configuration)
    {
        Guard.NotNullOrEmpty(name);
        return Add(services, name, o => o.Bind(configuration));
    }

    /// <summary>Registers one of several GREEN-API instances under <paramref name="name"/>; see <see cref="AddGreenApi(IServiceCollection, string, IConfiguration)"/>.</summary>
    /// <param name="services">The services.</param>
    /// <param name="name">The name, which is also the service key.</param>
    /// <param name="configure">Sets the options.</param>
    /// <returns>The sender's builder: its HTTP client's, to add handlers, and the instance's, for extensions.</returns>
    public static GreenApiSenderBuilder AddGreenApi(this IServiceCollection services, string name, Action<GreenApiOptions> configure)
    {
        Guard.NotNullOrEmpty(name);
        return Add(services, name, o => o.Configure(configure));
    }

    private static GreenApiSenderBuilder Add(IServiceCollection services, string name, Action<OptionsBuilder<GreenApiOptions>> configure) =>
        new(SenderRegistration.Add<GreenApiOptions, GreenApiClient, IGreenApiSender>(services, name, configure, GreenApiOptions.Definition, core => new GreenApiSender(core)), name);

    /// <summary>
    /// Receives the webhook notifications of the GREEN-API instance configured in <paramref name="configuration"/> (the same section as
    /// its sender), whose <see cref="GreenApiOptions.WebhookToken"/> (the token GREEN-API sends in the Authorization header) is required and checked at startup; nothing
    /// else is, so an app may receive without sending. Map the endpoint with <c>app.MapWhatsAppWebhooks()</c>
    /// (package Messaging.WhatsApp.AspNetCore) and register handlers with <c>AddWhatsAppUpdateHandler</c>.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="configuration">The section holding <see cref="GreenApiOptions"/>.</param>
    /// <returns>The services.</returns>
    public static IServiceCollection AddGreenApiWebhook(this IServiceCollection services, IConfiguration configuration) =>
        AddWebhook(services, Options.Options.DefaultName, o => o.Bind(configuration));

    /// <summary>Receives the webhook notifications of the instance configured by <paramref name="configure"/>; see <see cref="AddGreenApiWebhook(IServiceCollection, IConfiguration)"/>.</summary>
    /// <param name="services">The services.</param>
    /// <param name="configure">Sets the options.</param>
    /// <returns>The services.</returns>
    public static IServiceCollection AddGreenApiWebhook(this IServiceCollection services, Action<GreenApiOptions> configure) =>
        AddWebhook(services, Options.Options.DefaultName, o => o.Configure(configure));

    /// <summary>
    /// Receives the webhook notifications of one of several instances, under <paramref name="name"/> (the same name
    /// as its sender's, if it has one): its endpoint is <c>…/green-api/&lt;name&gt;</c>.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="name">The name: letters, digits, '-' or '_'.</param>
    /// <param name="configuration">The section holding <see cref="GreenApiOptions"/>.</param>
    /// <returns>The services.</returns>
    public static IServiceCollection AddGreenApiWebhook(this IServiceCollection services, string name, IConfiguration configuration) =>
        AddWebhook(services, ReceiverRegistration.CheckName(name), o => o.Bind(configuration));

    /// <summary>Receives the webhook notifications of one of several instances; see <see cref="AddGreenApiWebhook(IServiceCollection, string, IConfiguration)"/>.</summary>
    /// <param name="services">The services.</param>
    /// <param name="name">The name: letters, digits, '-' or '_'.</param>
    /// <param name="configure">Sets the options.</param>
    /// <returns>The services.</returns>
    public static IServiceCollection AddGreenApiWebhook(this IServiceCollection services, string name, Action<GreenApiOptions> configure) =>
        AddWebhook(services, ReceiverRegistration.CheckName(name), o => o.Configure(configure));

    private static IServiceCollection AddWebhook(IServiceCollection services, string name, Action<OptionsBuilder<GreenApiOptions>> configure)
    {
        ReceiverRegistration.AddWebhook(services, name, configure, GreenApiOptions.Receiver);
        return services;
    }
}
