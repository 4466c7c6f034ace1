using System.Globalization;

namespace MortalHil.Stress.Bench;

/// <summary>
/// The machine's one-minute load average (<c>/proc/loadavg</c>), recorded beside every timing: on a shared machine wall
/// times mean little without it. NaN where it cannot be read.
/// </summary>
public static class LoadAverage
{
    public static double OneMinute()
    {
        try
        {
            var text = File.ReadAllText("/proc/loadavg");
            return double.Parse(text.Split(' ')[0], CultureInfo.InvariantCulture);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
        {
            return double.NaN;
        }
    }
}
