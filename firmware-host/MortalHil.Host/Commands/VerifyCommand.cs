using System.CommandLine;
using MortalHil.Core.Community;
using MortalHil.Core.Files;
using MortalHil.Core.Learning.Mapping;
using MortalHil.Host.Cli;
using MortalHil.Sim;

namespace MortalHil.Host.Commands;

/// <summary>
/// <c>mortalhil verify PATH...</c>: checks the version and checksum of files MortalHil wrote: result files
/// (train.json, demo.json, stress.json, ...: <see cref="StampedJson"/>), network files (<c>.net.json</c>), saved
/// boards, community results. A folder is searched for them; there, files without a checksum (plots, tables,
/// logs) are counted, not failed. A named file without one fails. Each file gets one line; exit 0 when all
/// checked files pass, 2 when any fails.
/// </summary>
public static class VerifyCommand
{
    /// <summary>Largest result file read (stress outputs of big fleets are the largest).</summary>
    private const long MaxResultBytes = 256L * 1024 * 1024;

    public static Command Create()
    {
        var paths = new Argument<string[]>("paths") { Description = "Files or folders to check", Arity = ArgumentArity.OneOrMore };
        var cmd = new Command("verify", "Check the version and checksum of files MortalHil wrote (results, networks, boards); folders are searched.");
        cmd.Arguments.Add(paths);
        cmd.SetAction(parse =>
        {
            int passed = 0, failed = 0, unstamped = 0;
            foreach (var given in parse.GetValue(paths)!)
            {
                if (Directory.Exists(given))
                {
                    foreach (var file in Directory.EnumerateFiles(given, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
                    {
                        if (!MayCarryChecksum(file)) continue;
                        Tally(file, inFolder: true, ref passed, ref failed, ref unstamped);
                    }
                }
                else if (File.Exists(given))
                {
                    Tally(given, inFolder: false, ref passed, ref failed, ref unstamped);
                }
                else
                {
                    throw new CliUsageException($"'{given}' is neither a file nor a folder");
                }
            }
            Console.WriteLine($"{passed} passed, {failed} failed{(unstamped > 0 ? $", {unstamped} without a checksum" : "")}");
            if (failed > 0) throw new CorruptFileException(failed == 1 ? "1 file" : $"{failed} files", "failed the check (listed above)");
            return 0;
        });
        return cmd;
    }

    /// <summary>In a folder: JSON, CSV and saved boards (which may have any name, so files without a known text suffix).</summary>
    private static bool MayCarryChecksum(string file)
    {
        string ext = Path.GetExtension(file).ToLowerInvariant();
        return ext is ".json" or ".csv" or ".board" or ".bin" or "";
    }

    private static void Tally(string file, bool inFolder, ref int passed, ref int failed, ref int unstamped)
    {
        try
        {
            var (kind, version) = Check(file);
            if (kind is null)
            {
                if (inFolder)
                {
                    unstamped++;
                    Console.WriteLine($"--    {file}: no checksum");
                    return;
                }
                throw new InvalidDataException("carries no version and checksum (not a file MortalHil stamps)");
            }
            passed++;
            Console.WriteLine($"ok    {file}: {kind}{(version is { } v ? $" v{v}" : "")}");
        }
        catch (Exception e) when (e is InvalidDataException or IOException or UnauthorizedAccessException or System.Text.Json.JsonException)
        {
            failed++;
            string reason = e.Message.Replace(file, "", StringComparison.Ordinal).Trim(' ', ':', '\'');
            Console.WriteLine($"FAIL  {file}: {reason}");
        }
    }

    /// <summary>The kind and version of a stamped file after its check, or (null, 0) for a text file that carries no stamp.</summary>
    internal static (string? Kind, int? Version) Check(string file)
    {
        // Empty files carry no stamp; FIFOs and devices report length 0 too, and are never opened (a FIFO would block).
        if (new FileInfo(file).Length == 0) return (null, 0);
        if (file.EndsWith(".net.json", StringComparison.OrdinalIgnoreCase))
            return ("network", MappedNetworkStore.Verify(file));
        int first = FirstSignificantByte(file);
        if (first == '{')
        {
            string text = BoundedRead.Text(file, MaxResultBytes);
            if (StampedJson.IsStamped(text))
            {
                var (k, v) = StampedJson.Verify(text);
                return (k, v);
            }
            if (text.Contains("\"body\"", StringComparison.Ordinal) && text.Contains("\"checksum\"", StringComparison.Ordinal))
            {
                return ("community", CommunityReport.Verify(file, text));
            }
            return (null, 0);
        }
        if (first == '#' && Path.GetExtension(file).Equals(".csv", StringComparison.OrdinalIgnoreCase))
        {
            string text = BoundedRead.Text(file, MaxResultBytes);
            if (!StampedCsv.IsStamped(text)) return (null, 0);
            var (k, v) = StampedCsv.Verify(text);
            return ($"{k}-csv", v);
        }
        if (first is >= 0x20 and < 0x7f || first is '\n' or '\r' or '\t' or -1) return (null, 0); // text without a stamp, or empty
        using var board = SimulatedBoard.Load(file);
        return ("board", null); // the simulator checks its own format version and checksum while loading
    }

    private static int FirstSignificantByte(string file)
    {
        using var s = File.OpenRead(file);
        int b;
        while ((b = s.ReadByte()) is ' ' or '\n' or '\r' or '\t' or 0xEF or 0xBB or 0xBF) { }
        return b;
    }
}
