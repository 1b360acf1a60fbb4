using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using Microsoft.Extensions.Logging;

namespace Messaging.WhatsApp.Ledger.Tests;

/// <summary>Every log line whole: level, category, formatted message and the exception's full text (so a secret in an inner exception is seen too).</summary>
internal sealed class CapturedLogs : ILoggerProvider
{
    private readonly ConcurrentQueue<(LogLevel Level, string Line)> _lines = new();

    public IReadOnlyList<(LogLevel Level, string Line)> Lines => [.. _lines];

    public IEnumerable<string> At(LogLevel level) => Lines.Where(l => l.Level == level).Select(l => l.Line);

    public IEnumerable<string> AtLeast(LogLevel level) => Lines.Where(l => l.Level >= level).Select(l => l.Line);

    public void Clear() => _lines.Clear();

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose()
    {
    }

    private sealed class Logger(CapturedLogs owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            owner._lines.Enqueue((logLevel, $"{category}: {formatter(state, exception)}{(exception is null ? string.Empty : " | " + exception)}"));
    }
}
