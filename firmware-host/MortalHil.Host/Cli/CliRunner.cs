using System.CommandLine;
using MortalHil.Host.Stopping;

namespace MortalHil.Host.Cli;

/// <summary>
/// Runs the command line with MortalHil's error conventions (<see cref="ExitCodes"/>): whatever goes wrong ends in
/// one line on stderr starting with "error:" and a documented exit code; never a stack trace.
/// SIGINT/SIGTERM stop safely between board operations with 130/143 (<see cref="SafeStop"/>).
/// </summary>
public static class CliRunner
{
    public const int UsageError = ExitCodes.BadInput;
    public const int DeviceError = ExitCodes.BoardFailure;
    public const int IoError = ExitCodes.IoFailure;

    /// <summary>Set to 1 to add the stack trace of an internal error.</summary>
    public const string DebugVariable = "MORTALHIL_DEBUG";

    public static int Run(RootCommand root, string[] args, TextWriter? stderr = null)
    {
        stderr ??= Console.Error;
        ParseResult parse;
        try
        {
            parse = root.Parse(args);
        }
        catch (Exception e)
        {
            // An option's own check can throw while parsing (a NUL in a path, found by the property suite): same conventions.
            var failure = ErrorClassifier.Classify(e);
            stderr.WriteLine($"error: {OneLine(failure.Message)}");
            return failure.Code;
        }
        if (parse.Errors.Count > 0)
        {
            stderr.WriteLine($"error: {OneLine(parse.Errors[0].Message)} (see 'mortalhil --help')");
            return ExitCodes.BadInput;
        }
        using var stops = SafeStop.Install(); // SIGINT/SIGTERM: stop between board operations, boards left safe (Stopping/SafeStop.cs)
        try
        {
            int code = parse.Invoke(new InvocationConfiguration { EnableDefaultExceptionHandler = false, ProcessTerminationTimeout = null });
            return SafeStop.RequestedBy is { } signal ? SafeStop.ExitCodeFor(signal) : code;
        }
        catch (Exception e) when (SafeStop.RequestedBy is { } signal)
        {
            stderr.WriteLine($"stopped by {signal}: boards left safe ({OneLine(e.Message)})");
            return SafeStop.ExitCodeFor(signal);
        }
        catch (Exception e)
        {
            var failure = ErrorClassifier.Classify(e);
            stderr.WriteLine($"error: {OneLine(failure.Message)}");
            if (failure.Code == ExitCodes.InternalError && Environment.GetEnvironmentVariable(DebugVariable) == "1")
                stderr.WriteLine(e.ToString());
            return failure.Code;
        }
    }

    internal static string OneLine(string s) => s.ReplaceLineEndings(" ").Trim();
}

/// <summary>A mistake in what the user asked for; reported as one line, exit code 2.</summary>
public sealed class CliUsageException(string message) : Exception(message);
