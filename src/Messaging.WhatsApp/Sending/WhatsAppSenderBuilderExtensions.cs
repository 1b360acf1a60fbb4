using System;
using System.Threading.RateLimiting;
using Messaging.WhatsApp;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Configures what a provider's <c>Add…</c> registered, beyond its HTTP client.</summary>
public static class WhatsAppSenderBuilderExtensions
{
    /// <summary>
    /// Replaces the sender's own in-process rate limiter with the one <paramref name="create"/> returns, for
    /// example one kept in a store every replica of the app shares. The factory runs once, when the sender is
    /// created; the sender disposes what it returns. A lease that is not acquired fails the send with
    /// <see cref="WhatsAppRateLimitedException"/> (nothing was sent; its <c>RetryAfter</c> is the lease's
    /// <see cref="MetadataName.RetryAfter"/>, and the lease's <see cref="MetadataName.ReasonPhrase"/> ends the
    /// message), and so does a limiter that throws.
    /// </summary>
    /// <typeparam name="TBuilder">The provider's builder.</typeparam>
    /// <param name="builder">What <c>AddGreenApi</c> or <c>AddMaytapi</c> returned.</param>
    /// <param name="create">Creates the limiter for the instance the context names, or returns null for none.</param>
    /// <returns>The builder.</returns>
    public static TBuilder UseRateLimiter<TBuilder>(this TBuilder builder, Func<IServiceProvider, WhatsAppRateLimitContext, RateLimiter?> create)
        where TBuilder : WhatsAppSenderBuilder
    {
        Guard.NotNull(builder);
        Guard.NotNull(create);
        builder.Services.Configure<SenderRateLimiterOptions>(builder.Name, o => o.Create = create);
        return builder;
    }
}

/// <summary>Per sender (by its client's name): the rate limiter that replaces the in-process one, if any.</summary>
internal sealed class SenderRateLimiterOptions
{
    public Func<IServiceProvider, WhatsAppRateLimitContext, RateLimiter?>? Create { get; set; }
}
