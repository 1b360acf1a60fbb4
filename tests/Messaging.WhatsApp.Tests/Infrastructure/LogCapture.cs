using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using Microsoft.Extensions.Logging;

namespace Messaging.WhatsApp.Tests.Infrastructure;

/// <summary>One log entry with its parts kept apart, so that a test can tell a message from the scopes around it.</summary>
/// <param name="Level">The level.</param>
/// <param name="Category">The category.</param>
/// <param name="Message">The formatted message.</param>
/// <param name="State">The state's values (a structured logger's properties), as <c>key=value</c>.</param>
/// <param name="Scopes">The scopes active when it was written, each as its values and its ToString().</param>
/// <param name="Exception">The exception's ToString(), or null.</param>
public sealed record LogEntry(LogLevel Level, string Category, string Message, IReadOnlyList<string> State, IReadOnlyList<string> Scopes, string? Exception)
{
    /// <summary>What a provider that does not write scopes (the console's default) can put out.</summary>
    public IEnumerable<string> WithoutScopes => [Category, Message, .. State, Exception ?? string.Empty];

    /// <summary>Everything, scopes included (what Application Insights, Serilog or a JSON console with scopes put out).</summary>
    public IEnumerable<string> Everything => WithoutScopes.Concat(Scopes);

    public override string ToString() => $"{Level} {Category}: {Message} | {string.Join("; ", State)} | {string.Join(" / ", Scopes)} | {Exception}";
}

/// <summary>Captures every log entry at every level, with its state values, scopes and exception kept apart.</summary>
public sealed class LogCapture : ILoggerProvider, ISupportExternalScope
{
    private readonly ConcurrentQueue<LogEntry> _entries = new();
    private IExternalScopeProvider? _scopes;

    public IReadOnlyList<LogEntry> Entries => _entries.ToList();

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void SetScopeProvider(IExternalScopeProvider scopeProvider) => _scopes = scopeProvider;

    public void Clear() => _entries.Clear();

    public void Dispose()
    {
    }

    private static IEnumerable<string> Values(object? state) =>
        state is IEnumerable<KeyValuePair<string, object?>> pairs ? pairs.Select(p => $"{p.Key}={p.Value}") : [];

    private sealed class Logger(LogCapture owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull =>
            owner._scopes?.Push(state);

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var scopes = new List<string>();
            owner._scopes?.ForEachScope((scope, list) => list.AddRange([scope?.ToString() ?? string.Empty, .. Values(scope)]), scopes);
            owner._entries.Enqueue(new LogEntry(logLevel, category, formatter(state, exception), Values(state).ToList(), scopes, exception?.ToString()));
        }
    }
}
