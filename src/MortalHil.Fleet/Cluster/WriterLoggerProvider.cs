using Microsoft.Extensions.Logging;

namespace MortalHil.Fleet.Cluster;

/// <summary>Orleans' warnings and errors as plain lines on a writer (stderr for the commands).</summary>
internal sealed class WriterLoggerProvider(TextWriter writer, LogLevel minimum) : ILoggerProvider
{
    public ILogger CreateLogger(string categoryName) => new Logger(writer, minimum, categoryName);

    public void Dispose() { }

    private sealed class Logger(TextWriter writer, LogLevel minimum, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
        public bool IsEnabled(LogLevel logLevel) => logLevel >= minimum;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel)) return;
            // "orleans error: ...", never "error: ...": a command's own failure is its one "error:" line (exit code non-zero);
            // what Orleans logs on the way (a gateway refresh failing while Redis restarts) is a note about the fleet.
            string text = formatter(state, exception).ReplaceLineEndings(" ");
            lock (writer) writer.WriteLine($"orleans {logLevel.ToString().ToLowerInvariant()}: {category}: {text}");
        }
    }
}
