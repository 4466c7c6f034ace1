using MortalHil.Core.Characterization;
using MortalHil.Sim.Presets;

namespace MortalHil.Sim.Tests;

/// <summary>Core's device-agnostic characterisation, checked against the simulator's hidden truth.</summary>
public class CharacterizationTests
{
    [Fact]
    public void Characterization_finds_the_stuck_cells_the_window_and_the_asymmetry_sign()
    {
        var preset = TestBoards.Small(BuiltInPresets.ReRam, 96, 64) with { Stuck = new StuckSpec { Fraction = 0.05, AtGMaxFraction = 0.5 } };
        using var board = SimulatedBoard.Create(preset, "char-1");
        int truth = board.HiddenTile(0).StuckCount() + board.HiddenTile(1).StuckCount();
        var report = new BoardCharacterizer(board).Run();
        Assert.Equal(96, report.Rows);
        Assert.Equal(64, report.Cols);
        Assert.InRange(report.StuckCells, truth - 3, truth + (int)(0.01 * 2 * 96 * 64));
        // The sampled cells' saturated bounds sit inside the nominal 2..25 uS window, near its ends.
        Assert.InRange(report.ConductanceMin, 1e-6, 8e-6);
        Assert.InRange(report.ConductanceMax, 18e-6, 27e-6);
        Assert.True(report.AsymmetryEstimate > 0.1, $"asymmetry {report.AsymmetryEstimate}");
        Assert.InRange(report.StepsEstimate, 300, 5000);
        Assert.InRange(report.MeasureNoiseSiemens, 0.5 * 0.25e-6, 2 * 0.25e-6); // 1% of g_max
        Assert.True(report.ReadNoiseRel > 0);
        Assert.Equal(96 * 64, report.ConductanceMap.Length);
        Assert.Equal(report.PulseResponse.Cells.Count, report.PulseResponse.Siemens.Count);
    }

    [Fact]
    public void Characterizing_an_ideal_board_finds_no_stuck_cells_and_no_noise()
    {
        using var board = SimulatedBoard.Create(TestBoards.Small(BuiltInPresets.Ideal, 32, 32), "char-2");
        var report = new BoardCharacterizer(board).Run();
        Assert.Equal(0, report.StuckCells);
        Assert.Equal(0, report.MeasureNoiseSiemens);
        Assert.Equal(0, report.ReadNoiseAmps);
        Assert.Equal(0, report.AsymmetryEstimate, 1e-3);
        Assert.Equal(2e-6, report.ConductanceMin, 1e-9);
        Assert.Equal(25e-6, report.ConductanceMax, 1e-9);
        Assert.Equal(1.0, report.ReadOverMeasuredMean, 1e-5);
    }
}
