namespace MortalHil.Sim.Presets;

/// <summary>
/// Range checks on a <see cref="DevicePreset"/>. Each failure names the JSON field, e.g.
/// <c>preset field 'pulse.dw_min' must be &gt; 0 (got -1)</c>.
/// </summary>
public static class DevicePresetValidator
{
    /// <summary>Most cells a simulated board may have (tiles x rows x columns): 8 x 1024 x 1024.</summary>
    public const long MaxCells = 8L * 1024 * 1024;

    /// <summary>Throws <see cref="InvalidDataException"/> naming the first field out of range.</summary>
    public static void Validate(DevicePreset p)
    {
        if (string.IsNullOrWhiteSpace(p.Name) || p.Name.Contains(':'))
            Fail("name", "must be a non-empty name without ':'", p.Name);
        var g = p.Geometry;
        IntIn("geometry.tiles", g.Tiles, 1, 64);
        IntIn("geometry.rows", g.Rows, 1, 4096);
        IntIn("geometry.columns", g.Columns, 1, 4096);
        // Each cell costs about 70 bytes of simulator state; the limit keeps a board under about 600 MB (the default has 1,048,576 cells).
        long cells = (long)g.Tiles * g.Rows * g.Columns;
        if (cells > MaxCells) Fail("geometry", $"has {cells:N0} cells (tiles x rows x columns); the limit is {MaxCells:N0}", cells);

        var c = p.Conductance;
        Positive("conductance.g_min_microsiemens", c.GMinMicrosiemens);
        Positive("conductance.g_max_microsiemens", c.GMaxMicrosiemens);
        if (!(c.GMaxMicrosiemens > c.GMinMicrosiemens))
            Fail("conductance.g_max_microsiemens", $"must be > conductance.g_min_microsiemens ({c.GMinMicrosiemens})", c.GMaxMicrosiemens);
        In("conductance.w_min_dtod", c.WMinDtod, 0, 1);
        In("conductance.w_max_dtod", c.WMaxDtod, 0, 1);

        var u = p.Pulse;
        Positive("pulse.nominal_volts", u.NominalVolts);
        Positive("pulse.nominal_width_seconds", u.NominalWidthSeconds);
        In("pulse.threshold_volts", u.ThresholdVolts, 0, u.NominalVolts - 1e-9);
        In("pulse.width_exponent", u.WidthExponent, 0, 2);
        In("pulse.max_volts", u.MaxVolts, u.NominalVolts, 100);
        Positive("pulse.min_width_seconds", u.MinWidthSeconds);
        In("pulse.max_width_seconds", u.MaxWidthSeconds, u.MinWidthSeconds, 10);
        In("pulse.nominal_width_seconds", u.NominalWidthSeconds, u.MinWidthSeconds, u.MaxWidthSeconds);
        IntIn("pulse.max_per_cell_per_request", u.MaxPerCellPerRequest, 1, short.MaxValue);
        Positive("pulse.dw_min", u.DwMin);
        if (u.DwMin > 0.5) Fail("pulse.dw_min", "must be <= 0.5", u.DwMin);
        In("pulse.dw_min_dtod", u.DwMinDtod, 0, 1);
        In("pulse.up_down", u.UpDown, -0.9, 0.9);
        In("pulse.up_down_dtod", u.UpDownDtod, 0, 0.5);
        In("pulse.dw_min_std", u.DwMinStd, 0, 100);
        In("pulse.write_noise_std", u.WriteNoiseStd, 0, 1000);
        In("pulse.gamma_up", u.GammaUp, 0, 1);
        In("pulse.gamma_down", u.GammaDown, 0, 1);
        if (u.Levels != 0) IntIn("pulse.levels", u.Levels, 2, 1 << 20);

        var r = p.Read;
        Positive("read.max_volts", r.MaxVolts);
        IntIn("read.max_batch", r.MaxBatch, 1, 1 << 16);
        In("read.noise_rel", r.NoiseRel, 0, 1);

        IntIn("dac.bits", p.Dac.Bits, 2, 24);
        Positive("dac.full_scale_volts", p.Dac.FullScaleVolts);
        IntIn("adc.bits", p.Adc.Bits, 2, 24);
        Positive("adc.full_scale_microamps", p.Adc.FullScaleMicroamps);
        In("adc.noise_rel", p.Adc.NoiseRel, 0, 1);

        In("amplifier.gain_std", p.Amplifier.GainStd, 0, 0.5);
        In("amplifier.offset_std", p.Amplifier.OffsetStd, 0, 0.5);
        In("ir_drop.segment_ohms", p.IrDrop.SegmentOhms, 0, 1e3);
        In("stuck.fraction", p.Stuck.Fraction, 0, 1);
        In("stuck.at_g_max_fraction", p.Stuck.AtGMaxFraction, 0, 1);

        var e = p.Endurance;
        Positive("endurance.median_pulses", e.MedianPulses);
        In("endurance.log_spread", e.LogSpread, 0, 5);
        In("endurance.stuck_fraction", e.StuckFraction, 0, 1);
        In("endurance.window_kept", e.WindowKept, 0, 1);

        var d = p.Drift;
        Positive("drift.t0_seconds", d.T0Seconds);
        In("drift.nu_mean", d.NuMean, 0, 1);
        In("drift.nu_std", d.NuStd, 0, 1);

        var f = p.FlickerNoise;
        In("flicker_noise.q_coefficient", f.QCoefficient, 0, 1);
        In("flicker_noise.q_exponent", f.QExponent, 0, 5);
        In("flicker_noise.q_max", f.QMax, 0, 1);
        Positive("flicker_noise.t_read_seconds", f.TReadSeconds);

        var n = p.Neurons;
        for (int i = 0; i < n.Activations.Count; i++)
            if (n.Activations[i] is not ("relu" or "tanh"))
                Fail($"neurons.activations[{i}]", "must be \"relu\" or \"tanh\"", n.Activations[i]);
        In("neurons.gain_std", n.GainStd, 0, 0.5);
        In("neurons.offset_std", n.OffsetStd, 0, 0.5);

        if (p.Chain is { } chain) ValidateChain(p, chain);
        var a = p.Ageing;
        In("ageing.nu_growth_per_year", a.NuGrowthPerYear, 0, 100);
        In("ageing.stuck_per_cell_per_year", a.StuckPerCellPerYear, 0, 1000);
        In("ageing.stuck_per_pulse", a.StuckPerPulse, 0, 1);
        In("ageing.read_noise_growth_per_year", a.ReadNoiseGrowthPerYear, 0, 100);
        In("ageing.lifetime_years", a.LifetimeYears, 0, 1e6);
        In("ageing.lifetime_shape", a.LifetimeShape, 0.05, 20);
        In("ageing.dead_stuck_fraction", a.DeadStuckFraction, 0, 1);
    }

    private static void ValidateChain(DevicePreset p, ChainSpec c)
    {
        if (c.Stages.Count == 0) Fail("chain.stages", "must hold at least one stage", 0);
        for (int s = 0; s < c.Stages.Count; s++)
        {
            var st = c.Stages[s];
            string f = $"chain.stages[{s}]";
            IntIn(f + ".tile", st.Tile, 0, p.Geometry.Tiles - 1);
            IntIn(f + ".inputs", st.Inputs, 1, p.Geometry.Rows);
            IntIn(f + ".outputs", st.Outputs, 1, p.Geometry.Columns / 2);
            IntIn(f + ".row0", st.Row0, 0, p.Geometry.Rows - st.Inputs - (st.BiasRow ? 1 : 0));
            IntIn(f + ".column0", st.Column0, 0, p.Geometry.Columns - 2 * st.Outputs);
            IntIn(f + ".source", st.Source, -1, s - 1);
            if (st.Sink is not ("neurons" or "adc")) Fail(f + ".sink", "must be \"neurons\" or \"adc\"", st.Sink);
            if (st.Source >= 0 && (c.Stages[st.Source].Sink != "neurons" || c.Stages[st.Source].Outputs != st.Inputs))
                Fail(f + ".source", $"must name an earlier neuron stage with {st.Inputs} neurons", st.Source);
        }
        var n = c.Neuron;
        Positive("chain.neuron.input_full_scale_microamps", n.InputFullScaleMicroamps);
        In("chain.neuron.output_full_scale_volts", n.OutputFullScaleVolts, 1e-3, p.Read.MaxVolts);
        In("chain.neuron.bias_volts", n.BiasVolts, 0, p.Read.MaxVolts);
        In("chain.neuron.gain_std", n.GainStd, 0, 1);
        In("chain.neuron.offset_std", n.OffsetStd, 0, 1);
        In("chain.neuron.threshold_mean", n.ThresholdMean, -1, 1);
        In("chain.neuron.threshold_std", n.ThresholdStd, 0, 1);
        In("chain.neuron.saturation_mean", n.SaturationMean, 0.05, 1);
        In("chain.neuron.saturation_std", n.SaturationStd, 0, 1);
        In("chain.neuron.curvature_mean", n.CurvatureMean, 0, 1);
        In("chain.neuron.curvature_std", n.CurvatureStd, 0, 1);
        In("chain.neuron.noise_rel", n.NoiseRel, 0, 1);
        In("chain.neuron.noise_log_spread", n.NoiseLogSpread, 0, 3);
        In("chain.neuron.broken_fraction", n.BrokenFraction, 0, 0.5);
        In("chain.neuron.crossed_fraction", n.CrossedFraction, 0, 0.5);
        IntIn("chain.output_adc.bits", c.OutputAdc.Bits, 2, 24);
        Positive("chain.output_adc.full_scale_microamps", c.OutputAdc.FullScaleMicroamps);
        In("chain.output_adc.noise_rel", c.OutputAdc.NoiseRel, 0, 1);
        if (c.Injection is { } i)
        {
            IntIn("chain.injection.bits", i.Bits, 2, 24);
            Positive("chain.injection.full_scale_microamps", i.FullScaleMicroamps);
            In("chain.injection.noise_rel", i.NoiseRel, 0, 1);
        }
        if (c.Taps is { } t)
        {
            IntIn("chain.taps.bits", t.Bits, 2, 24);
            Positive("chain.taps.full_scale_volts", t.FullScaleVolts);
        }
    }

    private static void Positive(string field, double v)
    {
        if (!(v > 0) || double.IsInfinity(v)) Fail(field, "must be > 0", v);
    }

    private static void In(string field, double v, double lo, double hi)
    {
        if (!(v >= lo && v <= hi)) Fail(field, $"must be in [{lo:G6}, {hi:G6}]", v);
    }

    private static void IntIn(string field, int v, int lo, int hi)
    {
        if (v < lo || v > hi) Fail(field, $"must be in [{lo}, {hi}]", v);
    }

    private static void Fail(string field, string rule, object? got)
        => throw new InvalidDataException($"preset field '{field}' {rule} (got {Format(got)})");

    private static string Format(object? v) => v switch
    {
        null => "null",
        double d => d.ToString("G6", System.Globalization.CultureInfo.InvariantCulture),
        string s => $"\"{s}\"",
        _ => Convert.ToString(v, System.Globalization.CultureInfo.InvariantCulture) ?? "?",
    };
}
