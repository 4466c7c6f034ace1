using MortalHil.Core.Characterization;
using MortalHil.Sim.Presets;

namespace MortalHil.Sim.Tests;

/// <summary>
/// A preset fitted to a simulated board's characterization recovers the parameters the board was drawn
/// from, within the tolerances docs/results/fitting states (there measured on full-size boards).
/// </summary>
public class PresetFitterTests
{
    [Fact]
    public void A_preset_fitted_to_a_reram_board_recovers_its_window_steps_noise_and_stuck_cells()
    {
        var truth = BuiltInPresets.ReRam with { Geometry = new GeometrySpec { Tiles = 1, Rows = 48, Columns = 48 } };
        using var board = SimulatedBoard.Create(truth, "fit-test-1");
        var options = PresetFitOptions.ForFitting;
        var report = new BoardCharacterizer(board, options).Run();
        var fit = PresetFitter.Fit(report, board.Description, BuiltInPresets.Ideal,
            new PresetFitOptions { Iterations = 4, CalibrationBoards = 1, CalibrationSide = 48, Characterization = options });
        var p = fit.Preset;
        if (Environment.GetEnvironmentVariable("MORTALHIL_FIT_DUMP") is { } dump)
            File.WriteAllText(dump, string.Join("\n", fit.Rounds.Select(r => $"round {r.Round}\n  theta {string.Join(" ", r.Parameters.Select(x => x.ToString("G4")))}\n  sim   {string.Join(" ", r.Simulated.Select(x => x.ToString("G4")))}\n  meas  {string.Join(" ", r.Measured.Select(x => x.ToString("G4")))}"))
                + "\nfinal " + string.Join(" ", fit.Fitted.Select(f => $"{f.Field}={f.Value:G4}")));

        Assert.Equal((1, 48, 48), (p.Geometry.Tiles, p.Geometry.Rows, p.Geometry.Columns));
        Assert.Equal(truth.Adc.Bits, p.Adc.Bits);
        Assert.Equal(truth.Adc.FullScaleMicroamps, p.Adc.FullScaleMicroamps, 6);
        // Tolerances as docs/results/fitting/README.md states them. The lower window end and the step spread come out
        // high: the board's cycle-to-cycle noise (which the fit folds into write noise) keeps cells off their lower bound
        // and scatters each cell's own step, so the fit matches those statistics with a higher g_min and step spread.
        Assert.InRange(p.Conductance.GMaxMicrosiemens / truth.Conductance.GMaxMicrosiemens, 0.9, 1.1);
        Assert.InRange(p.Conductance.GMinMicrosiemens, truth.Conductance.GMinMicrosiemens - 0.5, truth.Conductance.GMinMicrosiemens + 2.5);
        Assert.InRange(p.Conductance.WMaxDtod, truth.Conductance.WMaxDtod - 0.1, truth.Conductance.WMaxDtod + 0.1);
        Assert.InRange(p.Pulse.DwMin / truth.Pulse.DwMin, 0.7, 1.4);
        Assert.InRange(p.Pulse.UpDown, truth.Pulse.UpDown - 0.1, truth.Pulse.UpDown + 0.1);
        Assert.InRange(p.Pulse.WriteNoiseStd / truth.Pulse.WriteNoiseStd, 0.75, 1.33);
        Assert.InRange(p.Read.NoiseRel / truth.Read.NoiseRel, 0.75, 1.33);
        Assert.InRange(p.Adc.NoiseRel / truth.Adc.NoiseRel, 0.5, 2);
        Assert.InRange(p.Stuck.Fraction, truth.Stuck.Fraction - 0.015, truth.Stuck.Fraction + 0.015);
        // the fitted preset is a valid preset the simulator accepts
        using var stand_in = SimulatedBoard.Create(p, "1");
        Assert.Equal(board.Description.Geometry, stand_in.Description.Geometry);
    }
}
