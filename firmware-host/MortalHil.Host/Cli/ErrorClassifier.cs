using Microsoft.Data.Sqlite;
using MortalHil.Core.Devices;
using MortalHil.Core.Files;

namespace MortalHil.Host.Cli;

/// <summary>An exception sorted into an exit code and a one-line message.</summary>
public readonly record struct ClassifiedFailure(int Code, string Message);

/// <summary>
/// Sorts any exception a command lets escape into one of the <see cref="ExitCodes"/>. Order matters: a
/// <see cref="DeviceFailedException"/> is an <see cref="IOException"/>, but a board failure, not a file failure.
/// </summary>
public static class ErrorClassifier
{
    public static ClassifiedFailure Classify(Exception e)
    {
        if (e is AggregateException { InnerExceptions.Count: > 0 } agg) return Classify(agg.InnerExceptions[0]);
        if (e is System.Reflection.TargetInvocationException { InnerException: { } inner }) return Classify(inner);
        return e switch
        {
            CliUsageException or CorruptFileException or FileTooLargeException or DeviceLimitException or FileNotFoundException or DirectoryNotFoundException or InvalidDataException
                or FormatException or System.Text.Json.JsonException or OverflowException => new(ExitCodes.BadInput, e.Message),
            DeviceFailedException or TimeoutException => new(ExitCodes.BoardFailure, e.Message),
            MortalHil.Fleet.Cluster.FleetUnavailableException => new(ExitCodes.FleetUnreachable, e.Message),
            IOException when IsBoardLink(e) => new(ExitCodes.BoardFailure, e.Message),
            SqliteException s => Sqlite(s),
            UnauthorizedAccessException or IOException => new(ExitCodes.IoFailure, e.Message),
            OutOfMemoryException or InsufficientExecutionStackException => new(ExitCodes.IoFailure, $"out of memory: {e.Message}"),
            OperationCanceledException => new(ExitCodes.Interrupted, "interrupted"),
            // Core and the simulator validate their inputs with ArgumentException messages that name the value.
            ArgumentException => new(ExitCodes.BadInput, e.Message),
            _ => new(ExitCodes.InternalError, $"internal error ({e.GetType().Name}): {e.Message} (please report it; {CliRunner.DebugVariable}=1 shows where)"),
        };
    }

    private static bool IsBoardLink(Exception e) => e.GetType().Namespace?.StartsWith("MortalHil.Hardware", StringComparison.Ordinal) == true;

    /// <summary>SQLite result codes (https://sqlite.org/rescode.html): damaged files are bad input, the rest of the file trouble is I/O.</summary>
    private static ClassifiedFailure Sqlite(SqliteException s) => s.SqliteErrorCode switch
    {
        11 or 26 => new(ExitCodes.BadInput, $"not a usable SQLite database: {s.Message}"),          // CORRUPT, NOTADB
        5 or 6 => new(ExitCodes.IoFailure, $"the database is in use by another process: {s.Message}"), // BUSY, LOCKED
        _ => new(ExitCodes.IoFailure, $"database error: {s.Message}"),
    };
}
