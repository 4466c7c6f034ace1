namespace MortalHil.Host.Dashboard;

/// <summary>What a dashboard serves and from where.</summary>
public sealed record DashboardOptions
{
    /// <summary>Addresses to listen on; loopback by default so nothing is exposed unless asked.</summary>
    public IReadOnlyList<string> Urls { get; init; } = ["http://127.0.0.1:5080"];
    /// <summary>The run store (read only).</summary>
    public required string RunStorePath { get; init; }
    /// <summary>The folder runs write live events to; null: no live view.</summary>
    public string? LiveDirectory { get; init; }
    /// <summary>Folders whose stress outputs and handover journals may be opened; nothing outside them is read.</summary>
    public IReadOnlyList<string> AllowedRoots { get; init; } = [];
    /// <summary>Token that actions need; null: the dashboard is read-only.</summary>
    public string? Token { get; init; }
    /// <summary>The fleet whose nodes and boards the Fleet view shows; null: no fleet view.</summary>
    public MortalHil.Fleet.Cluster.FleetClusterOptions? Fleet { get; init; }
    /// <summary>How often the live folder is polled for new events.</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromMilliseconds(100);
}
