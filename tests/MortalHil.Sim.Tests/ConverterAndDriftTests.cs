using MortalHil.Core.Devices;
using MortalHil.Sim.Presets;

namespace MortalHil.Sim.Tests;

public class ConverterAndDriftTests
{
    [Fact]
    public void The_adc_saturates_at_full_scale()
    {
        using var board = SimulatedBoard.Create(TestBoards.Small(BuiltInPresets.ReRam, 256, 8), "adc-1");
        var w = CrossbarWindow.Whole(0, board.Description.Geometry);
        float fs = board.Description.Adc.FullScaleAmps, step = board.Description.Adc.StepAmps;
        // 256 rows at 0.2 V on ~13.5 uS cells: ~690 uA per column, far beyond the 55 uA full scale.
        var v = new float[2 * w.RowCount];
        for (int i = 0; i < w.RowCount; i++) { v[i] = 0.2f; v[w.RowCount + i] = -0.2f; }
        var y = new float[2 * w.ColumnCount];
        board.Read(w, v, y);
        for (int c = 0; c < w.ColumnCount; c++)
        {
            Assert.Equal(fs, y[c], fs * 1e-6);
            Assert.Equal(-fs, y[w.ColumnCount + c], fs * 1e-6);
        }
        // Small signals are quantised to the ADC step.
        var small = new float[w.RowCount];
        small[0] = 0.05f;
        var ys = new float[w.ColumnCount];
        board.Read(w, small, ys);
        foreach (float x in ys) Assert.Equal(0.0, Math.IEEERemainder(x, step), step * 1e-3);
    }

    [Fact]
    public void The_dac_quantises_inputs_to_its_step()
    {
        using var board = SimulatedBoard.Create(TestBoards.Small(BuiltInPresets.ReRam with
        {
            Adc = BuiltInPresets.Ideal.Adc, Read = BuiltInPresets.Ideal.Read, Amplifier = BuiltInPresets.Ideal.Amplifier,
        }, 4, 4), "dac-1");
        var w = CrossbarWindow.Whole(0, board.Description.Geometry);
        float step = board.Description.Dac.StepVolts;
        var a = new float[] { 0.4f * step, 0, 0, 0 };
        var b = new float[] { 0, 0, 0, 0 };
        var ya = new float[4];
        var yb = new float[4];
        board.Read(w, a, ya);
        board.Read(w, b, yb);
        Assert.Equal(yb, ya); // 0.4 of a step rounds to zero volts
    }

    [Fact]
    public void Drift_follows_the_power_law()
    {
        var pcm = TestBoards.Small(BuiltInPresets.Pcm, 8, 8) with
        {
            Pulse = BuiltInPresets.Pcm.Pulse with { DwMinStd = 0, PcmProgrammingNoise = false },
            Read = BuiltInPresets.Pcm.Read with { NoiseRel = 0 },
            FlickerNoise = BuiltInPresets.Pcm.FlickerNoise with { Enabled = false },
            Stuck = BuiltInPresets.Pcm.Stuck with { Fraction = 0 },
            Ageing = BuiltInPresets.Ideal.Ageing,
        };
        using var board = SimulatedBoard.Create(pcm, "drift-1");
        var w = CrossbarWindow.Whole(0, board.Description.Geometry);
        ulong id = 1;
        TestBoards.PulseAll(board, w, 5, ref id); // programs every cell at t = 0
        var g0 = TestBoards.Measure(board, w);
        board.AdvanceTime(TimeSpan.FromSeconds(10)); // before t0 = 20 s nothing drifts
        Assert.Equal(g0, TestBoards.Measure(board, w));
        board.AdvanceTime(TimeSpan.FromSeconds(90));
        var g100 = TestBoards.Measure(board, w);
        board.AdvanceTime(TimeSpan.FromSeconds(9900));
        var g10k = TestBoards.Measure(board, w);
        var tile = board.HiddenTile(0);
        for (int i = 0; i < g0.Length; i++)
        {
            double nu = tile.Nu[i];
            Assert.InRange(nu, 0.0, 0.2);
            Assert.Equal(Math.Pow(100 / 20.0, -nu), g100[i] / g0[i], 1e-4);
            // log-log slope between 100 s and 10,000 s is -nu
            double slope = Math.Log(g10k[i] / (double)g100[i]) / Math.Log(100);
            Assert.Equal(-nu, slope, 1e-4);
        }
        // aihwkit's state-dependent PCM exponents lie in [0.049, 0.1] on average
        Assert.InRange(tile.Nu.Average(), 0.04, 0.11);
    }

    [Fact]
    public void Ir_drop_attenuates_far_cells_more()
    {
        var preset = TestBoards.Small(BuiltInPresets.Ideal, 256, 64) with { IrDrop = new IrDropSpec { Enabled = true, SegmentOhms = 0.05 } };
        using var board = SimulatedBoard.Create(preset, "ir-1");
        var tile = board.HiddenTile(0);
        float near = tile.IrFactor[(255 * 64) + 0]; // next to the row driver and the sense amplifier
        float far = tile.IrFactor[63];              // far end of row 0, top of its column
        Assert.True(near < 1f && far < near, $"near {near}, far {far}");
        var w = new CrossbarWindow(0, 0, 1, 63, 1);
        var y = new float[1];
        board.Read(w, [0.2f], y);
        var g = TestBoards.Measure(board, w);
        Assert.Equal(0.2 * g[0] * far, y[0], 1e-12);
    }
}
