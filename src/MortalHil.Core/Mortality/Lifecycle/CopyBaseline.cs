using MortalHil.Core.Devices;
using MortalHil.Core.Learning.Chains;
using MortalHil.Core.Learning.Mapping;
using MortalHil.Core.Mortality.Ports;

namespace MortalHil.Core.Mortality.Lifecycle;

/// <summary>
/// The naive handover: read the teacher's weights out through its conductances and program them onto
/// a fresh board by program-and-verify (<see cref="WeightProgrammer"/>), copy the host-side biases,
/// and recalibrate the new board's ranges by measurement. Everything a careful engineer would do
/// short of retraining; what it cannot copy is the teacher's physics, which its weights were
/// trained to compensate.
/// </summary>
public static class CopyBaseline
{
    /// <summary>What the copy read from the teacher: effective weights (measured) and biases of each main layer.</summary>
    public sealed record TeacherWeights(float[][] Weights, float[][] Biases);

    /// <summary>Measures the teacher's weights through MeasureConductances.</summary>
    public static TeacherWeights Read(MappedNetwork teacher) =>
        new(NetworkWeights.Measure(teacher), teacher.Layers.Select(l => l.Bias.ToArray()).ToArray());

    /// <summary>How closely each cell is programmed: within 3 % of the window (the read noise of a ReRAM cell is about 1 % of its
    /// maximum conductance, so a tighter goal only makes program-and-verify chase noise), up to 12 rounds.</summary>
    public static readonly ProgrammingOptions Programming = new(ToleranceFraction: 0.03f, MaxIterations: 12);

    /// <summary>
    /// Programs <paramref name="weights"/> onto a fresh board <paramref name="serial"/> mapped with the same shape: each cell to
    /// its target by program-and-verify, then a second pass that repairs pairs whose difference is off (a stuck or clipped
    /// cell) by moving the partner cell so the pair difference, which is the weight, comes out right.
    /// </summary>
    /// On a board with an analog chain the weights are programmed as the chain is mapped (<see cref="ChainCopy.Programming"/>'s
    /// goal); the report then counts the programming pulses the host's ledger saw.
    public static (IDevice Board, MappedNetwork Network, ProgrammingReport Report) Copy(TeacherWeights weights, IBoardSupply boards, string serial,
        NetworkShape shape, string algo, ReadOnlySpan<float> sample, int sampleCount, int seed)
    {
        var board = boards.Make(serial);
        if (ChainMapper.HasChain(board)) return CopyOntoChain(weights, board, shape, algo, seed);
        var net = OnChipTraining.Map(board, shape, algo, sample, sampleCount, seed);
        var programmer = WeightProgrammer.For(net);
        var report = ProgrammingReport.Empty;
        for (int l = 0; l < net.Layers.Count; l++)
        {
            var layer = net.Layers[l];
            foreach (var block in layer.Blocks)
            {
                var targets = WeightProgrammer.BlockTargets(net, layer, block, weights.Weights[l]);
                report += programmer.ProgramConductances(block.Window, targets, Programming);
                report += RepairPairs(net, programmer, block, targets);
            }
            weights.Biases[l].CopyTo(layer.Bias, 0);
        }
        BoardCalibration.FitRanges(net, sample, sampleCount);
        return (board, net, report);
    }

    private static (IDevice Board, MappedNetwork Network, ProgrammingReport Report) CopyOntoChain(TeacherWeights weights, IDevice board,
        NetworkShape shape, string algo, int seed)
    {
        var net = OnChipTraining.Map(board, shape, algo, default, 0, seed, weights.Weights, ChainCopy.Programming);
        long pulses = net.Ledger.PulsesApplied;
        for (int l = 0; l < net.Layers.Count; l++) weights.Biases[l].CopyTo(net.Layers[l].Bias, 0);
        // How close the copy came, measured once per block against the same targets (the mapper programs and verifies but does not report).
        var report = ProgrammingReport.Empty;
        float tol = ChainCopy.Programming.ToleranceFraction * (net.Description.GMaxSiemens - net.Description.GMinSiemens);
        for (int l = 0; l < net.Layers.Count; l++)
            foreach (var block in net.Layers[l].Blocks)
            {
                var targets = WeightProgrammer.BlockTargets(net, net.Layers[l], block, weights.Weights[l]);
                var g = new float[block.Window.CellCount];
                net.Device.MeasureConductances(block.Window, g);
                int within = 0;
                double squares = 0;
                for (int c = 0; c < g.Length; c++)
                {
                    float e = g[c] - targets[c];
                    if (MathF.Abs(e) <= tol) within++;
                    squares += (double)e * e;
                }
                report += new ProgrammingReport(0, 0, g.Length, within, (float)Math.Sqrt(squares / Math.Max(1, g.Length)));
            }
        return (board, net, report with { Pulses = pulses });
    }

    /// <summary>
    /// Measures the block (four readings averaged), and for every pair whose difference misses the target difference by more than
    /// the tolerance, re-targets the cell that is closer to its own target so that the pair difference is right; programs those.
    /// </summary>
    private static ProgrammingReport RepairPairs(MappedNetwork net, WeightProgrammer programmer, LayerBlock block, float[] targets)
    {
        var d = net.Description;
        var w = block.Window;
        var g = new float[w.CellCount];
        var reading = new float[w.CellCount];
        const int readings = 4;
        for (int k = 0; k < readings; k++)
        {
            net.Device.MeasureConductances(w, reading);
            for (int c = 0; c < g.Length; c++) g[c] += reading[c] / readings;
        }
        float tol = Programming.ToleranceFraction * (d.GMaxSiemens - d.GMinSiemens);
        var repaired = (float[])g.Clone(); // cells not re-targeted are asked to stay where they are
        int moved = 0;
        for (int i = 0; i < block.InputCount; i++)
            for (int j = 0; j < block.OutputCount; j++)
            {
                var (r, c, rm, cm) = block.CellsOf(i, j);
                int plus = r * w.ColumnCount + c, minus = rm * w.ColumnCount + cm;
                float wanted = targets[plus] - targets[minus];
                if (MathF.Abs(g[plus] - g[minus] - wanted) <= tol) continue;
                // The cell further from its own target is the one that cannot get there (stuck, or outside its window): move the other.
                if (MathF.Abs(g[plus] - targets[plus]) >= MathF.Abs(g[minus] - targets[minus]))
                    repaired[minus] = Math.Clamp(g[plus] - wanted, d.GMinSiemens, d.GMaxSiemens);
                else
                    repaired[plus] = Math.Clamp(g[minus] + wanted, d.GMinSiemens, d.GMaxSiemens);
                moved++;
            }
        return moved == 0 ? ProgrammingReport.Empty : programmer.ProgramConductances(w, repaired, Programming);
    }
}
