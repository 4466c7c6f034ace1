using MortalHil.Core.Characterization;
using MortalHil.Core.Devices;
using MortalHil.Sim.Presets;

namespace MortalHil.Sim.Presets;

/// <summary>
/// Fits a simulator preset to what <see cref="BoardCharacterizer"/> measured on a board, so the simulator can
/// stand in for it. Start: closed-form estimates in the simulator's conventions (aihwkit's weight units,
/// window [-1, 1] = [g_min, g_max]). Then the method of simulated moments: characterize simulated boards
/// drawn from the candidate exactly as the real board was characterized, and correct each parameter by how
/// far its statistic missed (the characterizer's own biases, soft-bound saturation short of the bound,
/// noise inflating spreads, cancel out because both sides went through the same measurement).
/// Fitted: window and its device-to-device spread, step size, up/down asymmetry and step spread, write
/// noise, read noise, ADC noise, column gain spread, stuck cells (fraction and side), converters and limits
/// (from the description). Not measurable by a characterization, and so taken from the base preset:
/// drift, 1/f noise, endurance, ageing, IR drop, neurons, pulse threshold and width exponent, cycle-to-cycle
/// noise (folded into the write noise), up/down spread between devices, column offsets.
/// </summary>
public static class PresetFitter
{
    /// <summary>Parameters the fit sets, with the statistic each is matched to.</summary>
    public static readonly IReadOnlyList<(string Field, string Statistic)> FittedFields =
    [
        ("conductance.g_min_microsiemens", "conductance_min"),
        ("conductance.g_max_microsiemens", "conductance_max"),
        ("conductance.w_min_dtod", "conductance_min_spread_rel"),
        ("conductance.w_max_dtod", "conductance_max_spread_rel"),
        ("pulse.dw_min", "(step_up + step_down) / 2"),
        ("pulse.up_down", "asymmetry_estimate"),
        ("pulse.dw_min_dtod", "step_spread_rel"),
        ("pulse.write_noise_std", "sweep_residual_siemens"),
        ("read.noise_rel", "measure_noise_siemens"),
        ("adc.noise_rel", "read_noise_rel"),
        ("amplifier.gain_std", "read_over_measured_spread_rel"),
        ("stuck.fraction", "stuck_fraction"),
        ("stuck.at_g_max_fraction", "stuck_high_fraction"),
    ];

    public static PresetFit Fit(CharacterizationReport measured, DeviceDescription d, DevicePreset basePreset, PresetFitOptions? options = null)
    {
        var o = options ?? new PresetFitOptions();
        var target = Statistics.Of(measured);
        var theta = Initial(measured, target, d);
        var history = new List<PresetFitIteration>();
        var late = new List<double[]>();
        for (int k = 0; k < o.Iterations; k++)
        {
            var simulated = SimulateStatistics(Build(theta, d, basePreset, measured, calibration: o), o, k);
            history.Add(new PresetFitIteration(k, theta.ToArray(), simulated.Values.ToArray(), target.Values.ToArray()));
            theta = Correct(theta, target, simulated);
            if (k >= o.Iterations / 2) late.Add(theta);
        }
        // The simulated statistics are noisy (a few hundred sampled cells): average the later rounds' corrections (Polyak averaging).
        theta = Enumerable.Range(0, theta.Length).Select(i => late.Average(t => t[i])).ToArray();
        var preset = Build(theta, d, basePreset, measured, calibration: null);
        DevicePresetValidator.Validate(preset);
        return new PresetFit(preset, FittedFields.Select((f, i) => new FittedValue(f.Field, theta[i], f.Statistic, target.Values[i])).ToArray(), history);
    }

    /// <summary>Closed-form starting point in the simulator's conventions.</summary>
    private static double[] Initial(CharacterizationReport m, Statistics s, DeviceDescription d)
    {
        double gMin = m.ConductanceMin, gMax = m.ConductanceMax, half = 0.5 * (gMax - gMin);
        if (!(half > 0)) throw new InvalidDataException("the characterization found no conductance window (max <= min): nothing to fit");
        double dw = 0.5 * (m.StepUpSiemens + m.StepDownSiemens) / half;
        return
        [
            gMin * 1e6,
            gMax * 1e6,
            Math.Max(1e-3, m.ConductanceMinSpreadRel * gMin / half),
            Math.Max(1e-3, m.ConductanceMaxSpreadRel * gMax / half),
            Math.Max(1e-6, dw),
            Math.Clamp(m.AsymmetryEstimate, -0.9, 0.9),
            Math.Max(1e-3, m.StepSpreadRel),
            Math.Max(1e-3, dw > 0 ? m.SweepResidualSiemens / half / dw : 1),
            Math.Max(0, m.MeasureNoiseSiemens / gMax),
            Math.Max(1e-4, m.ReadNoiseAmps / d.Adc.FullScaleAmps),   // all read noise blamed on the ADC: an upper bound the rounds bring down
            Math.Max(1e-3, m.ReadOverMeasuredSpreadRel),            // likewise all read/measure disagreement blamed on column gains
            m.StuckFraction,
            m.StuckHighFraction,
        ];
    }

    /// <summary>One step of simulated moments: additive for positions, multiplicative (bounded) for scales.</summary>
    private static double[] Correct(double[] theta, Statistics target, Statistics simulated)
    {
        var t = theta.ToArray();
        var m = target.Values;
        var s = simulated.Values;
        t[0] += (m[0] - s[0]) * 1e6;
        t[1] += (m[1] - s[1]) * 1e6;
        t[5] = Math.Clamp(t[5] + (m[5] - s[5]), -0.9, 0.9);
        foreach (int i in new[] { 2, 3, 4, 6, 7, 8, 9, 10 })
            if (s[i] > 0 && m[i] >= 0) t[i] *= Math.Clamp(m[i] / s[i], 1 / 3.0, 3.0);
        t[0] = Math.Max(0.01, t[0]);
        t[1] = Math.Max(t[0] * 1.05, t[1]);
        return t;
    }

    /// <summary>The statistics matched, taken from a report.</summary>
    internal sealed record Statistics(double[] Values)
    {
        public static Statistics Of(CharacterizationReport r) => new(
        [
            r.ConductanceMin, r.ConductanceMax, r.ConductanceMinSpreadRel, r.ConductanceMaxSpreadRel,
            0.5 * (r.StepUpSiemens + r.StepDownSiemens), r.AsymmetryEstimate, r.StepSpreadRel, r.SweepResidualSiemens,
            r.MeasureNoiseSiemens, r.ReadNoiseRel, r.ReadOverMeasuredSpreadRel, r.StuckFraction, r.StuckHighFraction,
        ]);

        public static Statistics Mean(IReadOnlyList<Statistics> all)
            => new(Enumerable.Range(0, all[0].Values.Length).Select(i => all.Average(a => a.Values[i])).ToArray());
    }

    private static Statistics SimulateStatistics(DevicePreset candidate, PresetFitOptions o, int iteration)
    {
        var stats = new List<Statistics>();
        for (int k = 0; k < o.CalibrationBoards; k++)
        {
            using var board = SimulatedBoard.Create(candidate, $"fit-calibration-{iteration}-{k}");
            stats.Add(Statistics.Of(new BoardCharacterizer(board, o.Characterization).Run()));
        }
        return Statistics.Mean(stats);
    }

    private static DevicePreset Build(double[] t, DeviceDescription d, DevicePreset b, CharacterizationReport m, PresetFitOptions? calibration)
    {
        var g = d.Geometry;
        var geometry = calibration is null
            ? new GeometrySpec { Tiles = d.TileCount, Rows = g.Rows, Columns = g.Columns }
            : new GeometrySpec { Tiles = 1, Rows = Math.Min(g.Rows, calibration.CalibrationSide), Columns = Math.Min(g.Columns, calibration.CalibrationSide) };
        var c = d.Capabilities;
        var limits = d.Limits;
        return b with
        {
            Name = $"fit-{m.SerialNumber}",
            Source = $"fitted by 'mortalhil characterize --fit-preset' to board {m.Kind} {m.SerialNumber}: " +
                     $"{string.Join(", ", FittedFields.Select(f => f.Field))} fitted to its characterization (simulated moments); " +
                     $"geometry, converters and limits from its description; every other field from the base preset '{b.Name}' (assumed, not measured).",
            Geometry = geometry,
            Conductance = b.Conductance with { GMinMicrosiemens = t[0], GMaxMicrosiemens = t[1], WMinDtod = t[2], WMaxDtod = t[3] },
            Pulse = b.Pulse with
            {
                NominalVolts = c.NominalPulseVoltage.Volts,
                NominalWidthSeconds = c.NominalPulseWidth.Seconds,
                ThresholdVolts = Math.Min(b.Pulse.ThresholdVolts, 0.5 * c.NominalPulseVoltage.Volts),
                MaxVolts = limits.MaxPulseVoltage.Volts,
                MinWidthSeconds = limits.MinPulseWidth.Seconds,
                MaxWidthSeconds = limits.MaxPulseWidth.Seconds,
                MaxPerCellPerRequest = limits.MaxPulsesPerCellPerRequest,
                OuterProduct = c.OuterProductPulses,
                DwMin = t[4], UpDown = t[5], DwMinDtod = t[6], WriteNoiseStd = t[7],
                DwMinStd = 0, // folded into the write noise: a characterization cannot tell them apart
                PcmProgrammingNoise = false,
                GammaUp = 1, GammaDown = 1, // soft bounds, the form the step estimate assumes
                Levels = 0,
            },
            Read = b.Read with { MaxVolts = limits.MaxReadVoltage.Volts, MaxBatch = limits.MaxBatch, NoiseRel = t[8] },
            Dac = b.Dac with { Bits = d.Dac.Bits, FullScaleVolts = d.Dac.FullScale.Volts },
            Adc = b.Adc with { Bits = d.Adc.Bits, FullScaleMicroamps = d.Adc.FullScale.Amperes * 1e6, NoiseRel = Math.Min(0.5, t[9]) },
            Amplifier = b.Amplifier with { GainStd = Math.Min(0.5, t[10]) },
            Stuck = new StuckSpec { Fraction = Math.Clamp(t[11], 0, 1), AtGMaxFraction = Math.Clamp(t[12], 0, 1) },
        };
    }
}
