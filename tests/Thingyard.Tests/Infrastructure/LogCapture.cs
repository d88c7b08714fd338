// Keeps what a test server logs (at the levels its settings let through), for tests that check a log line.
using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Thingyard.Tests.Infrastructure;

public sealed record LogLine(string Category, LogLevel Level, string Message);

public sealed class LogCapture : ILoggerProvider
{
    readonly ConcurrentQueue<LogLine> _lines = new();

    public IReadOnlyList<LogLine> Lines => [.. _lines];

    public ILogger CreateLogger(string categoryName) => new Logger(categoryName, _lines);

    public void Dispose() { }

    sealed class Logger(string category, ConcurrentQueue<LogLine> lines) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
        public bool IsEnabled(LogLevel logLevel) => true;
        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            lines.Enqueue(new LogLine(category, logLevel, formatter(state, exception)));
    }
}
