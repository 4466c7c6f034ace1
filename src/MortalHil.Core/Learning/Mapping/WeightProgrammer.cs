using MortalHil.Core.Devices;
using MortalHil.Core.Learning.Accounting;

namespace MortalHil.Core.Learning.Mapping;

/// <summary>Settings of closed-loop programming.</summary>
/// <param name="ToleranceFraction">A cell is done when |G − target| ≤ this fraction of the nominal window.</param>
/// <param name="MaxIterations">Measure-and-pulse rounds at most.</param>
/// <param name="Damping">Fraction of the estimated pulse count sent each round (below 1 avoids overshoot on nonlinear cells).</param>
public sealed record ProgrammingOptions(float ToleranceFraction = 0.01f, int MaxIterations = 12, float Damping = 0.8f);

/// <summary>How closed-loop programming went.</summary>
public sealed record ProgrammingReport(int Iterations, long Pulses, int Cells, int CellsWithinTolerance, float RmsErrorSiemens)
{
    public static ProgrammingReport operator +(ProgrammingReport a, ProgrammingReport b) => new(
        Math.Max(a.Iterations, b.Iterations), a.Pulses + b.Pulses, a.Cells + b.Cells, a.CellsWithinTolerance + b.CellsWithinTolerance,
        MathF.Sqrt((a.RmsErrorSiemens * a.RmsErrorSiemens * a.Cells + b.RmsErrorSiemens * b.RmsErrorSiemens * b.Cells) / Math.Max(1, a.Cells + b.Cells)));
    public static ProgrammingReport Empty { get; } = new(0, 0, 0, 0, 0);
}

/// <summary>
/// Program-and-verify: measures conductances, pulses every cell that is off target by the count its
/// error and the current step estimate suggest, and repeats until every cell is within tolerance or the
/// round limit is hit. Step sizes (up and down) are re-estimated from what the last round achieved, so the
/// loop adapts to the board's actual, state-dependent response without knowing it. Used to initialise
/// weights and to copy a weight or conductance matrix onto a board (the "copy conductances" baseline).
/// </summary>
public sealed class WeightProgrammer
{
    private readonly IDevice _device;
    private readonly PulseIdSource _ids;
    private readonly BoardLedger? _ledger;
    private readonly float _volts, _width;

    public WeightProgrammer(IDevice device, PulseIdSource ids, BoardLedger? ledger, float pulseVolts, float pulseWidthSeconds,
        float upStepSiemens, float downStepSiemens)
    {
        if (!(upStepSiemens > 0) || !(downStepSiemens > 0)) throw new ArgumentException("step estimates must be positive");
        _device = device;
        _ids = ids;
        _ledger = ledger;
        _volts = pulseVolts;
        _width = pulseWidthSeconds;
        UpStepSiemens = upStepSiemens;
        DownStepSiemens = downStepSiemens;
    }

    /// <summary>A programmer for the board behind <paramref name="net"/>, using its measured pulse response.</summary>
    public static WeightProgrammer For(MappedNetwork net) =>
        new(net.Device, net.Ids, net.Ledger, net.Pulse.AmplitudeVolts, net.Pulse.WidthSeconds, net.Pulse.UpSiemens, net.Pulse.DownSiemens);

    /// <summary>Current estimate of the mean conductance change of one potentiating pulse.</summary>
    public float UpStepSiemens { get; private set; }
    /// <summary>Current estimate of the mean |conductance change| of one depressing pulse.</summary>
    public float DownStepSiemens { get; private set; }

    /// <summary>Programs every cell of <paramref name="window"/> towards <paramref name="targetSiemens"/> (row-major).</summary>
    public ProgrammingReport ProgramConductances(CrossbarWindow window, ReadOnlySpan<float> targetSiemens, ProgrammingOptions? options = null)
    {
        options ??= new ProgrammingOptions();
        var d = _device.Description;
        int n = window.CellCount;
        if (targetSiemens.Length != n) throw new ArgumentException($"{targetSiemens.Length} targets for {n} cells");
        float tol = options.ToleranceFraction * (d.GMaxSiemens - d.GMinSiemens);
        int maxPerRequest = d.Limits.MaxPulsesPerCellPerRequest;
        var g = new float[n];
        var before = new float[n];
        var counts = new short[n];
        Measure(window, g);
        long pulses = 0;
        int iteration = 0;
        for (; iteration < options.MaxIterations; iteration++)
        {
            bool any = false;
            for (int c = 0; c < n; c++)
            {
                float err = targetSiemens[c] - g[c];
                int count = 0;
                if (MathF.Abs(err) > tol)
                {
                    float step = err > 0 ? UpStepSiemens : DownStepSiemens;
                    count = (int)MathF.Round(err / step * options.Damping);
                    if (count == 0) count = Math.Sign(err);
                    count = Math.Clamp(count, -maxPerRequest, maxPerRequest);
                }
                counts[c] = (short)count;
                any |= count != 0;
            }
            if (!any) break;
            var request = new PulseRequest(_ids.Next(), _volts, _width);
            var receipt = _device.ApplyCellPulses(request, window, counts);
            _ledger?.RecordCellPulses(request, window, counts, receipt);
            pulses += receipt.PulsesApplied;
            g.CopyTo(before, 0);
            Measure(window, g);
            Reestimate(before, g, counts);
        }
        int within = 0;
        double sq = 0;
        for (int c = 0; c < n; c++)
        {
            float err = targetSiemens[c] - g[c];
            if (MathF.Abs(err) <= tol) within++;
            sq += err * err;
        }
        return new ProgrammingReport(iteration, pulses, n, within, (float)Math.Sqrt(sq / n));
    }

    /// <summary>
    /// Programs a mapped layer so its effective weights become <paramref name="weights"/> (inputs x outputs,
    /// row-major): each weight w is split around the window's centre, G± = Gc ± (w / WeightScale)·(Gmax − Gmin)/2,
    /// clipped to the nominal window. Weights no block holds are ignored.
    /// </summary>
    public ProgrammingReport ProgramLayer(MappedNetwork net, MappedLayer layer, ReadOnlySpan<float> weights, ProgrammingOptions? options = null)
    {
        if (weights.Length != layer.Inputs * layer.Outputs) throw new ArgumentException("weights must be inputs x outputs");
        var report = ProgrammingReport.Empty;
        foreach (var block in layer.Blocks)
            report += ProgramConductances(block.Window, BlockTargets(net, layer, block, weights), options);
        return report;
    }

    /// <summary>Target conductances of one block's window for the given effective weights.</summary>
    public static float[] BlockTargets(MappedNetwork net, MappedLayer layer, LayerBlock block, ReadOnlySpan<float> weights)
    {
        float gmin = net.Description.GMinSiemens, gmax = net.Description.GMaxSiemens;
        float centre = 0.5f * (gmin + gmax), half = 0.5f * (gmax - gmin);
        var w = block.Window;
        var targets = new float[w.CellCount];
        for (int i = 0; i < block.InputCount; i++)
        for (int j = 0; j < block.OutputCount; j++)
        {
            float u = Math.Clamp(weights[(block.InputStart + i) * layer.Outputs + block.OutputStart + j] / layer.WeightScale, -1f, 1f);
            var (r, c, rm, cm) = block.CellsOf(i, j);
            targets[r * w.ColumnCount + c] = centre + u * half;
            targets[rm * w.ColumnCount + cm] = centre - u * half;
        }
        return targets;
    }

    private void Measure(CrossbarWindow window, Span<float> g)
    {
        _device.MeasureConductances(window, g);
        _ledger?.CountMeasure(window.CellCount);
    }

    /// <summary>Updates the step estimates from the last round: total observed change over total pulses, per direction.</summary>
    private void Reestimate(ReadOnlySpan<float> before, ReadOnlySpan<float> after, ReadOnlySpan<short> counts)
    {
        double upChange = 0, downChange = 0;
        long upPulses = 0, downPulses = 0;
        for (int c = 0; c < counts.Length; c++)
        {
            if (counts[c] > 0) { upChange += after[c] - before[c]; upPulses += counts[c]; }
            else if (counts[c] < 0) { downChange += before[c] - after[c]; downPulses -= counts[c]; }
        }
        // Blend with the previous estimate: one noisy round should not swing the loop. Ignore a round whose
        // cells barely moved on average (stuck or saturated cells); keep estimates positive.
        if (upPulses >= 8 && upChange > 0) UpStepSiemens = 0.5f * UpStepSiemens + 0.5f * (float)(upChange / upPulses);
        if (downPulses >= 8 && downChange > 0) DownStepSiemens = 0.5f * DownStepSiemens + 0.5f * (float)(downChange / downPulses);
    }
}
