using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using Messaging.WhatsApp.GreenApi;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Messaging.WhatsApp.Redis.Tests;

/// <summary>
/// Replicas of an app: each a DI container of its own, with its own connection to the store, sending through
/// the same GREEN-API instance.
/// </summary>
internal static class Replicas
{
    public const long IdInstance = 1101000001;
    public const string Token = "d75b3a66374942c5b3c019c698abc2067e151558acbd4fffff";
    public static readonly ChatAddress Chat = ChatAddress.Parse("+90 530 111 11 11");

    public static ServiceProvider GreenApi(string store, Uri gateway, CapturedLogs? logs = null, Action<GreenApiOptions>? options = null, Action<RedisRateLimiterOptions>? redis = null)
    {
        var services = new ServiceCollection();
        services.AddLogging(b =>
        {
            b.SetMinimumLevel(LogLevel.Trace);
            if (logs is not null)
            {
                b.AddProvider(logs);
            }
        });
        services.AddGreenApi(o =>
        {
            o.ApiUrl = gateway;
            o.IdInstance = IdInstance;
            o.ApiTokenInstance = Token;
            options?.Invoke(o);
        }).UseRedisRateLimiter(store, redis);
        return services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true });
    }
}

/// <summary>Every log line the replicas write, with its scopes' and state's values, for the secret checks.</summary>
internal sealed class CapturedLogs : ILoggerProvider
{
    private readonly ConcurrentQueue<string> _lines = new();

    public IReadOnlyList<string> Lines => [.. _lines];

    public string All => string.Join("\n", _lines);

    public ILogger CreateLogger(string categoryName) => new Logger(categoryName, _lines);

    public void Dispose()
    {
    }

    private sealed class Logger(string category, ConcurrentQueue<string> lines) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull
        {
            lines.Enqueue($"{category} scope: {state}");
            return null;
        }

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var values = state is IEnumerable<KeyValuePair<string, object?>> pairs ? string.Join(", ", pairs.Select(p => $"{p.Key}={p.Value}")) : "";
            lines.Enqueue($"{logLevel} {category}: {formatter(state, exception)} [{values}] {exception}");
        }
    }
}
