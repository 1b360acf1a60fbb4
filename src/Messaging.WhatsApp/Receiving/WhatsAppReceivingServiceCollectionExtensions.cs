using Messaging.WhatsApp;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the app's handlers of received notifications.</summary>
public static class WhatsAppReceivingServiceCollectionExtensions
{
    /// <summary>
    /// Registers <typeparamref name="THandler"/> (scoped: one instance per notification) to receive every
    /// <see cref="WhatsAppUpdate"/>, from every receiving registration (webhooks and polling).
    /// </summary>
    /// <typeparam name="THandler">The handler.</typeparam>
    /// <param name="services">The services.</param>
    /// <returns>The services.</returns>
    public static IServiceCollection AddWhatsAppUpdateHandler<THandler>(this IServiceCollection services)
        where THandler : class, IWhatsAppUpdateHandler
    {
        Guard.NotNull(services);
        services.AddScoped<IWhatsAppUpdateHandler, THandler>();
        return services;
    }

    /// <summary>
    /// Registers <typeparamref name="THandler"/> (scoped) to receive the provider notifications of type
    /// <typeparamref name="TNotification"/> and of every type derived from it.
    /// </summary>
    /// <typeparam name="TNotification">A provider package's notification model, or one of its bases.</typeparam>
    /// <typeparam name="THandler">The handler.</typeparam>
    /// <param name="services">The services.</param>
    /// <returns>The services.</returns>
    public static IServiceCollection AddWhatsAppNotificationHandler<TNotification, THandler>(this IServiceCollection services)
        where THandler : class, IWhatsAppNotificationHandler<TNotification>
    {
        Guard.NotNull(services);
        services.AddScoped<IWhatsAppNotificationHandler<TNotification>, THandler>();
        return services;
    }
}
