namespace MortalHil.Core.Live;

/// <summary>
/// Where runs write their live event logs: <c>$MORTALHIL_LIVE</c>, else <c>$XDG_DATA_HOME/mortalhil/live</c>, else
/// <c>~/.local/share/mortalhil/live</c> (beside the run store). <c>MORTALHIL_LIVE=off</c> turns publishing off.
/// </summary>
public static class LiveDirectory
{
    public const string Variable = "MORTALHIL_LIVE";

    /// <summary>The folder, or null when publishing is turned off.</summary>
    public static string? Resolve(string? explicitPath = null)
    {
        if (!string.IsNullOrWhiteSpace(explicitPath)) return Path.GetFullPath(explicitPath);
        var env = Environment.GetEnvironmentVariable(Variable);
        if (string.Equals(env, "off", StringComparison.OrdinalIgnoreCase)) return null;
        if (!string.IsNullOrWhiteSpace(env)) return Path.GetFullPath(env);
        var xdg = Environment.GetEnvironmentVariable("XDG_DATA_HOME");
        var data = !string.IsNullOrWhiteSpace(xdg) ? xdg : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".local", "share");
        return Path.Combine(data, "mortalhil", "live");
    }

    /// <summary>The sub-folder holding operators' requests (e.g. "hand this board over").</summary>
    public static string Requests(string liveDirectory) => Path.Combine(liveDirectory, "requests");
}
