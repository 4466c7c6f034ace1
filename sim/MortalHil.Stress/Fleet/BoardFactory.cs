using MortalHil.Sim;
using MortalHil.Sim.Presets;
using MortalHil.Stress.Faults;
using MortalHil.Stress.Randomness;
using MortalHil.Stress.Scenarios;

namespace MortalHil.Stress.Fleet;

/// <summary>
/// Makes the boards of one lineage: board k's preset (by the scenario's shares), its lot spread, serial,
/// physics seed, link fault stream and shock time are all functions of (run seed, lineage, k) alone.
/// </summary>
internal sealed class BoardFactory(Scenario scenario, ulong runSeed, int lineage)
{
    public const double SecondsPerYear = 365.25 * 24 * 3600;

    public ProvisionedBoard Make(int index, double bornAtSeconds, HostCrashSwitch host)
    {
        ulong seed = SeedTree.Derive(runSeed, "board", (ulong)lineage, (ulong)index);
        var rng = new SplitMixRandom(seed);
        var presets = scenario.Devices.Presets;
        double u = rng.NextDouble(), cumulative = 0;
        var pick = presets[^1];
        foreach (var p in presets)
        {
            cumulative += p.Share;
            if (u < cumulative) { pick = p; break; }
        }
        var preset = WithSpread(pick.Preset, scenario.Devices.Spread, ref rng);
        string serial = $"{scenario.Name}-s{runSeed}-L{lineage}-B{index}";
        var board = SimulatedBoard.Create(preset, serial, SeedTree.Derive(seed, "physics"));
        double shockAge = rng.NextExponential(scenario.Hazards.SuddenDeathPerYear) * SecondsPerYear;
        TimeSpan? shock = shockAge < 1e5 * SecondsPerYear ? TimeSpan.FromSeconds(shockAge) : null;
        var link = new FaultyLink(board, scenario.Faults.Link, host, SeedTree.Derive(seed, "link"), shock);
        return new ProvisionedBoard(board, link, new RetryingLink(link, scenario.Faults.Link.MaxRetries), pick.Preset.Name, index, bornAtSeconds);
    }

    /// <summary>Lot-to-lot spread: lifetime and wear rate scaled log-normally; cell-level spreads scaled.</summary>
    private static DevicePreset WithSpread(DevicePreset p, FleetSpread s, ref SplitMixRandom rng)
    {
        double lifeFactor = Math.Exp(s.LifetimeLogSigma * rng.NextGaussian());
        double wearFactor = Math.Exp(s.WearRateLogSigma * rng.NextGaussian());
        if (s.LifetimeLogSigma == 0 && s.WearRateLogSigma == 0 && s.DtodScale == 1) return p;
        double k = s.DtodScale;
        return p with
        {
            Conductance = p.Conductance with { WMinDtod = Math.Min(1, p.Conductance.WMinDtod * k), WMaxDtod = Math.Min(1, p.Conductance.WMaxDtod * k) },
            Pulse = p.Pulse with { DwMinDtod = Math.Min(1, p.Pulse.DwMinDtod * k), UpDownDtod = Math.Min(0.5, p.Pulse.UpDownDtod * k) },
            Ageing = p.Ageing with
            {
                LifetimeYears = Math.Min(1e6, p.Ageing.LifetimeYears * lifeFactor),
                StuckPerCellPerYear = Math.Min(1000, p.Ageing.StuckPerCellPerYear * wearFactor),
            },
        };
    }
}
