using System.CommandLine;
using MortalHil.Core.Devices;
using MortalHil.Host.Stopping;

namespace MortalHil.Host.Cli;

/// <summary>
/// Runs the command line with MortalHil's error conventions: a bad argument or bad input file gives
/// one line on stderr starting with "error:" and exit code 2; a device that fails gives exit code 3;
/// SIGINT/SIGTERM stop safely with 130/143 (<see cref="SafeStop"/>).
/// </summary>
public static class CliRunner
{
    public const int UsageError = 2;
    public const int DeviceError = 3;

    public static int Run(RootCommand root, string[] args, TextWriter? stderr = null)
    {
        stderr ??= Console.Error;
        var parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            stderr.WriteLine($"error: {parse.Errors[0].Message} (see 'mortalhil --help')");
            return UsageError;
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
        catch (Exception e) when (Classify(e) is { } code)
        {
            stderr.WriteLine($"error: {OneLine(e.Message)}");
            return code;
        }
    }

    private static int? Classify(Exception e) => e switch
    {
        CliUsageException or DeviceLimitException or FileNotFoundException or DirectoryNotFoundException
            or InvalidDataException or FormatException or System.Text.Json.JsonException => UsageError,
        DeviceFailedException or TimeoutException or UnauthorizedAccessException or IOException => DeviceError,
        _ => null,
    };

    private static string OneLine(string s) => s.ReplaceLineEndings(" ").Trim();
}

/// <summary>A mistake in what the user asked for; reported as one line, exit code 2.</summary>
public sealed class CliUsageException(string message) : Exception(message);
