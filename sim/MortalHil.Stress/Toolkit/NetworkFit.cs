using MortalHil.Core.Learning.Mapping;
using MortalHil.Sim;
using MortalHil.Stress.Scenarios;

namespace MortalHil.Stress.Toolkit;

/// <summary>Checks, when a scenario is loaded, that its network (and the monitor's probe cells) fit every preset's board.</summary>
public static class NetworkFit
{
    /// <summary>Maps the scenario's network onto a sample board of each preset; throws <see cref="ScenarioFieldException"/> when it does not fit.</summary>
    public static void Check(Scenario scenario)
    {
        var shape = MortalityToolkit.ShapeOf(scenario);
        var rng = new Randomness.SplitMixRandom(1);
        int n = 16, f = scenario.Task.Features;
        var sample = new float[n * f];
        for (int i = 0; i < sample.Length; i++) sample[i] = (float)(2 * rng.NextDouble() - 1);
        for (int i = 0; i < scenario.Devices.Presets.Count; i++)
        {
            var p = scenario.Devices.Presets[i];
            string field = scenario.Devices.Geometry is null ? $"devices.presets[{i}].preset" : "devices.geometry";
            using var board = SimulatedBoard.Create(p.Preset with { Ageing = p.Preset.Ageing with { Enabled = false } }, "network-fit-check");
            MappedNetwork net;
            try
            {
                net = NetworkMapper.Map(board, shape, new MappingOptions { Seed = 1 }, sample, n);
            }
            catch (BoardTooSmallException e)
            {
                throw new ScenarioFieldException(field, $"gives boards too small for network {shape} ({p.Preset.Geometry.Tiles} tile(s) of " +
                    $"{p.Preset.Geometry.Rows}x{p.Preset.Geometry.Columns}): {e.Message}", e);
            }
            int side = scenario.Monitor.ProbeSide;
            if (scenario.Monitor.Probe && MortalityToolkit.ProbeWindow(net, side) is null)
                throw new ScenarioFieldException(field, $"leaves no free {side}x{side} cells beside network {shape} for the write probe that monitor.probe asks for");
        }
    }
}
