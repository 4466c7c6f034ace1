using CsCheck;

namespace MortalHil.Host.Tests.Robustness;

/// <summary>
/// How the property tests sample. In CI (no variable set) each property checks a fixed number of cases drawn from fixed
/// PCG seeds, so a run is deterministic and bounded. <c>MORTALHIL_PROPERTY_SECONDS=N</c> runs each property for N
/// seconds from fresh random seeds instead, with CsCheck's shrinking, and prints the seed of any failure
/// (<c>CsCheck_Seed=...</c> replays it). See docs/results/robustness/README.md.
/// </summary>
internal static class PropertyRun
{
    public const string SecondsVariable = "MORTALHIL_PROPERTY_SECONDS";

    /// <summary>Seconds per property for a long run, or null for the fixed CI cases.</summary>
    public static int? Seconds => int.TryParse(Environment.GetEnvironmentVariable(SecondsVariable), out var s) && s > 0 ? s : null;

    /// <summary>
    /// Checks <paramref name="check"/> on <paramref name="cases"/> values of <paramref name="gen"/> (fixed seeds), or for
    /// <see cref="Seconds"/>; writes how many values were checked to <paramref name="output"/>.
    /// </summary>
    public static void Check<T>(Gen<T> gen, Action<T> check, int cases, uint stream, Xunit.Abstractions.ITestOutputHelper output)
    {
        if (Seconds is { } seconds)
        {
            int checkedCount = 0;
            gen.Sample(v => { checkedCount++; check(v); }, time: seconds, threads: 1);
            output.WriteLine($"{checkedCount} values checked in {seconds} s (random seeds)");
            return;
        }
        for (ulong i = 0; i < (ulong)cases; i++)
        {
            var pcg = new PCG(stream, i * 0x9E3779B97F4A7C15UL + 1);
            var value = gen.Generate(pcg, null, out _);
            try { check(value); }
            catch (Exception e) { throw new Xunit.Sdk.XunitException($"case {i} of stream {stream} failed for {Show(value)}: {e.Message}"); }
        }
        output.WriteLine($"{cases} values checked (fixed seeds, stream {stream})");
    }

    private static string Show<T>(T value) => value is System.Runtime.CompilerServices.ITuple t
        ? "(" + string.Join(", ", Enumerable.Range(0, t.Length).Select(i => t[i] is byte[] b ? $"byte[{b.Length}]" : t[i]?.ToString())) + ")"
        : value?.ToString() ?? "null";
}
