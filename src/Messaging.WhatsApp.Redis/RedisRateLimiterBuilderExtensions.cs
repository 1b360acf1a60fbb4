using System;
using Messaging.WhatsApp;
using Messaging.WhatsApp.Redis;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using StackExchange.Redis;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Keeps a sender's rate limit in Redis, shared by every replica that sends through the same instance.</summary>
public static class RedisRateLimiterBuilderExtensions
{
    /// <summary>
    /// Replaces the sender's in-process rate limiter with a sliding window kept in the Redis (or Redis-compatible)
    /// store that <paramref name="configuration"/> names, so that all replicas sending through this GREEN-API
    /// instance or Maytapi phone stay under <see cref="WhatsAppSenderOptions.MaxSendsPerSecond"/> together.
    /// Senders with the same configuration string share one connection. When the store does not answer, answers
    /// with an error or anything but what the limiter's script returns, or gives no permit within
    /// <see cref="RedisRateLimiterOptions.MaxWait"/>, sends fail with <see cref="WhatsAppRateLimitedException"/>
    /// (nothing sent) instead of going out unlimited; the connection comes back by itself.
    /// </summary>
    /// <typeparam name="TBuilder">The provider's builder.</typeparam>
    /// <param name="builder">What <c>AddGreenApi</c> or <c>AddMaytapi</c> returned.</param>
    /// <param name="configuration">A StackExchange.Redis configuration string, e.g. <c>redis:6379,password=…</c>. It is never logged.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentException">The configuration string breaks a rule; the message says which.</exception>
    public static TBuilder UseRedisRateLimiter<TBuilder>(this TBuilder builder, string configuration)
        where TBuilder : WhatsAppSenderBuilder =>
        UseRedisRateLimiter(builder, configuration, null);

    /// <summary>Keeps the sender's rate limit in Redis, with adjusted options; see <see cref="UseRedisRateLimiter{TBuilder}(TBuilder, string)"/>.</summary>
    /// <typeparam name="TBuilder">The provider's builder.</typeparam>
    /// <param name="builder">What <c>AddGreenApi</c> or <c>AddMaytapi</c> returned.</param>
    /// <param name="configuration">A StackExchange.Redis configuration string, e.g. <c>redis:6379,password=…</c>. It is never logged.</param>
    /// <param name="configure">Adjusts the window, timeouts and key prefix, or null.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentException">The configuration string or an option breaks a rule; the message names it.</exception>
    public static TBuilder UseRedisRateLimiter<TBuilder>(this TBuilder builder, string configuration, Action<RedisRateLimiterOptions>? configure)
        where TBuilder : WhatsAppSenderBuilder
    {
        Guard.NotNull(builder);
        Guard.NotNullOrWhiteSpace(configuration);
        try
        {
            RedisRateLimitConnections.Options(configuration);
        }
        catch (ArgumentException)
        {
            // The parser's message quotes the string, which may hold a password.
            throw new ArgumentException("configuration must be a StackExchange.Redis configuration string, such as \"redis:6379\" or \"redis:6379,password=…\".", nameof(configuration));
        }

        builder.Services.TryAddSingleton<RedisRateLimitConnections>();
        return Use(builder, sp => sp.GetRequiredService<RedisRateLimitConnections>().Database(configuration), configure);
    }

    /// <summary>
    /// Keeps the sender's rate limit in the store of a connection the app already has; see
    /// <see cref="UseRedisRateLimiter{TBuilder}(TBuilder, string)"/>. The app owns
    /// the connection; configure it with <c>AbortOnConnectFail = false</c> so that it reconnects by itself.
    /// </summary>
    /// <typeparam name="TBuilder">The provider's builder.</typeparam>
    /// <param name="builder">What <c>AddGreenApi</c> or <c>AddMaytapi</c> returned.</param>
    /// <param name="connection">Returns the app's connection.</param>
    /// <param name="configure">Adjusts the window, timeouts and key prefix, or null.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentException">An option breaks a rule; the message names it.</exception>
    public static TBuilder UseRedisRateLimiter<TBuilder>(this TBuilder builder, Func<IServiceProvider, IConnectionMultiplexer> connection, Action<RedisRateLimiterOptions>? configure)
        where TBuilder : WhatsAppSenderBuilder
    {
        Guard.NotNull(builder);
        Guard.NotNull(connection);
        return Use(builder, sp =>
        {
            var database = Guard.NotNull(connection(sp)).GetDatabase();
            return _ => System.Threading.Tasks.Task.FromResult<IDatabaseAsync>(database);
        }, configure);
    }

    /// <summary>Keeps the sender's rate limit in the store of the app's own connection; see <see cref="UseRedisRateLimiter{TBuilder}(TBuilder, Func{IServiceProvider, IConnectionMultiplexer}, Action{RedisRateLimiterOptions})"/>.</summary>
    /// <typeparam name="TBuilder">The provider's builder.</typeparam>
    /// <param name="builder">What <c>AddGreenApi</c> or <c>AddMaytapi</c> returned.</param>
    /// <param name="connection">Returns the app's connection.</param>
    /// <returns>The builder.</returns>
    public static TBuilder UseRedisRateLimiter<TBuilder>(this TBuilder builder, Func<IServiceProvider, IConnectionMultiplexer> connection)
        where TBuilder : WhatsAppSenderBuilder =>
        UseRedisRateLimiter(builder, connection, null);

    private static TBuilder Use<TBuilder>(TBuilder builder, Func<IServiceProvider, Func<System.Threading.CancellationToken, System.Threading.Tasks.Task<IDatabaseAsync>>> database, Action<RedisRateLimiterOptions>? configure)
        where TBuilder : WhatsAppSenderBuilder
    {
        // Checked now, at registration: nothing is sent with options that break a rule.
        var options = new RedisRateLimiterOptions();
        configure?.Invoke(options);
        var problems = options.Problems();
        if (problems.Count > 0)
        {
            throw new ArgumentException("RedisRateLimiterOptions: " + string.Join(" ", problems), nameof(configure));
        }

        return builder.UseRateLimiter((sp, context) => context.PermitsPerSecond <= 0
            ? null
            : new RedisSlidingWindowRateLimiter(
                database(sp),
                context,
                options,
                sp.GetService<ILoggerFactory>()?.CreateLogger("Messaging.WhatsApp.Redis") ?? NullLogger.Instance));
    }
}
