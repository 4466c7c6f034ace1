using MortalHil.Core.Devices;
using MortalHil.Sim.Presets;

namespace MortalHil.Sim.Tests;

public class DeterminismTests
{
    /// <summary>A fixed script of every kind of call; returns everything the board reported.</summary>
    internal static List<float[]> Script(IDevice board, Action<TimeSpan> advance, int seed = 5)
    {
        var outputs = new List<float[]>();
        var d = board.Description;
        var w = new CrossbarWindow(0, 2, 20, 1, 12);
        var v = TestBoards.RandomInputs(7 * w.RowCount, 0.2f, seed);
        var rng = new Random(seed);
        ulong id = 100;
        for (int step = 0; step < 4; step++)
        {
            var y = new float[7 * w.ColumnCount];
            board.Read(w, v, y, step % 2 == 0 ? AnalogActivation.None : AnalogActivation.Tanh);
            outputs.Add(y);
            var counts = Enumerable.Range(0, w.CellCount).Select(_ => (short)rng.Next(-20, 21)).ToArray();
            board.ApplyCellPulses(TestBoards.Nominal(board, id++), w, counts);
            ulong[] rows = Enumerable.Range(0, w.RowCount).Select(_ => (ulong)rng.NextInt64() & 0xFFFF).ToArray();
            sbyte[] rp = Enumerable.Range(0, w.RowCount).Select(_ => (sbyte)rng.Next(-1, 2)).ToArray();
            ulong[] cols = Enumerable.Range(0, w.ColumnCount).Select(_ => (ulong)rng.NextInt64() & 0xFFFF).ToArray();
            sbyte[] cp = Enumerable.Range(0, w.ColumnCount).Select(_ => (sbyte)rng.Next(-1, 2)).ToArray();
            board.ApplyOuterProductPulses(TestBoards.Nominal(board, id++), w, new OuterProductTrains(16, rows, rp, cols, cp));
            advance(TimeSpan.FromMinutes(3));
            outputs.Add(TestBoards.Measure(board, CrossbarWindow.Whole(1, d.Geometry)));
        }
        return outputs;
    }

    public static TheoryData<string> Presets => new(BuiltInPresets.Names);

    [Theory]
    [MemberData(nameof(Presets))]
    public void Same_preset_serial_seed_and_calls_give_bit_identical_outputs(string name)
    {
        var preset = TestBoards.Small(BuiltInPresets.Find(name)!);
        using var a = SimulatedBoard.Create(preset, "det-1", seed: 9);
        using var b = SimulatedBoard.Create(preset, "det-1", seed: 9);
        var ra = Script(a, a.AdvanceTime);
        var rb = Script(b, b.AdvanceTime);
        Assert.Equal(ra.Count, rb.Count);
        for (int i = 0; i < ra.Count; i++) Assert.Equal(ra[i], rb[i]);
    }

    [Fact]
    public void Two_serials_differ_measurably()
    {
        var preset = TestBoards.Small(BuiltInPresets.ReRam, 64, 32);
        using var a = SimulatedBoard.Create(preset, "A-0001");
        using var b = SimulatedBoard.Create(preset, "A-0002");
        var w = CrossbarWindow.Whole(0, a.Description.Geometry);
        var ga = TestBoards.Measure(a, w);
        var gb = TestBoards.Measure(b, w);
        // The same board measured twice differs only by read noise (1% of g_max); two boards by their whole state.
        var ga2 = TestBoards.Measure(a, w);
        double between = ga.Zip(gb, (x, y) => Math.Abs(x - y)).Average();
        double within = ga.Zip(ga2, (x, y) => Math.Abs(x - y)).Average();
        Assert.True(between > 10 * within, $"between boards {between}, within one board {within}");
        var ta = a.HiddenTile(0);
        var tb = b.HiddenTile(0);
        Assert.NotEqual(ta.DwUp, tb.DwUp);
        Assert.NotEqual(ta.ColumnGain, tb.ColumnGain);
    }

    [Fact]
    public void Another_seed_gives_another_board_with_the_same_serial()
    {
        var preset = TestBoards.Small(BuiltInPresets.ReRam, 8, 8);
        using var a = SimulatedBoard.Create(preset, "S", 1);
        using var b = SimulatedBoard.Create(preset, "S", 2);
        Assert.NotEqual(a.HiddenTile(0).WMax, b.HiddenTile(0).WMax);
    }
}
