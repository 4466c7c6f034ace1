using System.CommandLine;
using MortalHil.Fleet.Cluster;
using MortalHil.Host.Cli;

namespace MortalHil.Host.Commands.Fleet;

/// <summary>The options every fleet command shares: where the fleet's Redis is, which fleet, how fast failures are noticed.</summary>
public sealed class FleetOptions
{
    /// <summary>Exit code when the fleet (its Redis, or every silo) cannot be reached.</summary>
    public const int FleetUnreachable = MortalHil.Host.Cli.ExitCodes.FleetUnreachable;

    public Option<string> Cluster { get; }
    public Option<string> ClusterId { get; } = new("--cluster-id")
    {
        Description = "Name of the fleet in that Redis (several fleets can share one).",
        DefaultValueFactory = _ => FleetClusterOptions.DefaultClusterId,
    };
    public Option<bool> FastFailover { get; } = new("--fast-failover")
    {
        Description = "Probe silos with a 2 s timeout and declare one dead after three missed probes (one machine, tests); default: Orleans' settings (~15 s).",
    };

    public FleetOptions(bool required)
    {
        Cluster = new Option<string>("--cluster")
        {
            Description = "Redis connection string of the fleet (HOST:PORT[,options]); membership and coordination state live there.",
            Required = required,
        };
    }

    public void AddTo(Command c)
    {
        c.Options.Add(Cluster);
        c.Options.Add(ClusterId);
        c.Options.Add(FastFailover);
    }

    /// <summary>The fleet named on the command line, or null when --cluster was not given.</summary>
    public FleetClusterOptions? From(ParseResult parse)
    {
        var conn = parse.GetValue(Cluster);
        if (conn is null) return null;
        string id = parse.GetValue(ClusterId)!;
        if (string.IsNullOrWhiteSpace(id) || id.Any(ch => !(char.IsAsciiLetterOrDigit(ch) || ch is '-' or '_' or '.')))
            throw new CliUsageException($"--cluster-id must be letters, digits, '-', '_' or '.' (got '{id}')");
        var options = new FleetClusterOptions(conn, id, parse.GetValue(FastFailover));
        try
        {
            options.RedisConfiguration();
        }
        catch (ArgumentException e)
        {
            throw new CliUsageException(e.Message);
        }
        return options;
    }
}
