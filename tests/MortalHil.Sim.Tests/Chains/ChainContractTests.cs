using MortalHil.Core.Devices;
using MortalHil.Core.Learning.Chains;
using MortalHil.Sim.Presets;

namespace MortalHil.Sim.Tests.Chains;

public class ChainContractTests
{
    [Fact]
    public void A_chain_on_an_ideal_board_computes_the_float_network_of_its_conductances()
    {
        var board = SimulatedBoard.Create(ChainBoards.Ideal(), "ideal-1");
        var chain = board.Description.AnalogChain!;
        var s0 = chain.Stages[0];
        var s1 = chain.Stages[^1];
        var g0 = TestBoards.Measure(board, s0.Window);
        var g1 = TestBoards.Measure(board, s1.Window);
        const int batch = 5;
        var rng = new Random(4);
        var volts = new float[batch * chain.InputCount];
        for (int i = 0; i < volts.Length; i++) volts[i] = (float)(rng.NextDouble() * 0.2);
        var outputs = new float[batch * chain.OutputCount];
        var taps = new float[batch * chain.NeuronCount];
        board.ReadChain(volts, 1, default, outputs, taps);

        float ifs = chain.Neurons.InputFullScaleAmps, vfs = chain.Neurons.OutputFullScaleVolts, vb = chain.Neurons.BiasVolts;
        int rows0 = s0.Window.RowCount, cols0 = s0.Window.ColumnCount, cols1 = s1.Window.ColumnCount;
        for (int b = 0; b < batch; b++)
        {
            var h = new float[s0.Outputs];
            for (int j = 0; j < s0.Outputs; j++)
            {
                double current = 0;
                for (int i = 0; i < rows0; i++)
                {
                    double v = i < s0.Inputs ? volts[b * s0.Inputs + i] : vb;
                    current += v * (g0[i * cols0 + 2 * j] - g0[i * cols0 + 2 * j + 1]);
                }
                h[j] = MathF.Tanh(MathF.Max(0, (float)(current / ifs))); // the ideal neuron: hard knee, unit ceiling
                Assert.Equal(h[j] * vfs, taps[b * chain.NeuronCount + j], 1e-4f);
            }
            for (int k = 0; k < s1.Outputs; k++)
            {
                double current = 0;
                for (int i = 0; i <= s1.Inputs; i++)
                {
                    double v = i < s1.Inputs ? h[i] * vfs : vb;
                    current += v * (g1[i * cols1 + 2 * k] - g1[i * cols1 + 2 * k + 1]);
                }
                Assert.Equal(current, outputs[b * chain.OutputCount + chain.OffsetOf(chain.Stages.Count - 1) + k], 1e-8);
            }
        }
    }

    [Fact]
    public void Injection_and_taps_are_refused_beyond_what_the_chain_describes()
    {
        var board = SimulatedBoard.Create(ChainBoards.Small(), "limits-1");
        var chain = board.Description.AnalogChain!;
        var volts = new float[chain.InputCount];
        var outputs = new float[chain.OutputCount];
        var injection = new float[chain.NeuronCount];
        injection[3] = chain.Injection!.FullScaleAmps * 1.01f;
        Assert.Throws<DeviceLimitException>(() => board.ReadChain(volts, 1, injection, outputs, default));
        injection[3] = float.NaN;
        Assert.Throws<DeviceLimitException>(() => board.ReadChain(volts, 1, injection, outputs, default));
        injection[3] = chain.Injection.FullScaleAmps; // at the limit: accepted
        board.ReadChain(volts, 1, injection, outputs, default);
        Assert.Throws<DeviceLimitException>(() => board.ReadChain(volts, 1, new float[chain.NeuronCount + 1], outputs, default));
        Assert.Throws<DeviceLimitException>(() => board.ReadChain(volts, 1, default, outputs, new float[chain.NeuronCount - 1]));
        Assert.Throws<DeviceLimitException>(() => board.ReadChain(volts, 2, default, outputs, default)); // outputs sized for one repeat
        var tooHigh = new float[chain.InputCount];
        tooHigh[0] = 0.3f;
        Assert.Throws<DeviceLimitException>(() => board.ReadChain(tooHigh, 1, default, outputs, default));

        var blind = SimulatedBoard.Create(ChainBoards.Small() with { Chain = ChainBoards.Small().Chain! with { Taps = null, Injection = null } }, "limits-2");
        Assert.Throws<DeviceLimitException>(() => blind.ReadChain(volts, 1, default, outputs, new float[chain.NeuronCount]));
        Assert.Throws<DeviceLimitException>(() => blind.ReadChain(volts, 1, new float[chain.NeuronCount], outputs, default));
        blind.ReadChain(volts, 1, default, outputs, default);
        Assert.Equal(0, blind.TapConversions);
        Assert.Equal(0, board.TapConversions); // no taps were asked of the first board either

        var plain = SimulatedBoard.Create(TestBoards.Small(BuiltInPresets.ReRam), "plain");
        Assert.Null(plain.Description.AnalogChain);
        Assert.Throws<DeviceLimitException>(() => plain.ReadChain(new float[4], 1, default, new float[4], default));
    }

    [Fact]
    public void Every_tap_conversion_is_counted()
    {
        var board = SimulatedBoard.Create(ChainBoards.Small(), "taps-1");
        var chain = board.Description.AnalogChain!;
        board.ReadChain(new float[3 * chain.InputCount], 2, default, new float[6 * chain.OutputCount], new float[6 * chain.NeuronCount]);
        board.ReadChain(new float[3 * chain.InputCount], 2, default, new float[6 * chain.OutputCount], default);
        Assert.Equal(6L * chain.NeuronCount, board.TapConversions);
    }

    [Fact]
    public void A_latched_update_is_applied_exactly_once_and_only_from_a_latched_read()
    {
        var quiet = ChainBoards.Small();
        var board = SimulatedBoard.Create(quiet with { Read = quiet.Read with { NoiseRel = 0 } }, "latched-1"); // noiseless measurements
        var chain = board.Description.AnalogChain!;
        var st = chain.Stages[^1];
        var trains = Enumerable.Repeat(0xFFUL, st.Window.ColumnCount).ToArray();
        var polarity = Enumerable.Repeat((sbyte)1, st.Window.ColumnCount).ToArray();
        var request = TestBoards.Nominal(board, 77);
        int last = chain.Stages.Count - 1;
        Assert.Throws<DeviceLimitException>(() => board.ApplyLatchedOuterProduct(request, last, 0, 1f, 8, trains, polarity)); // nothing latched yet

        var volts = Enumerable.Repeat(0.2f, chain.InputCount).ToArray();
        board.ReadChain(volts, 1, default, new float[chain.OutputCount], default);
        var before = TestBoards.Measure(board, st.Window);
        var first = board.ApplyLatchedOuterProduct(request, last, 0, 1f, 8, trains, polarity);
        Assert.False(first.Duplicate);
        Assert.True(first.PulsesApplied > 0);
        var after = TestBoards.Measure(board, st.Window);
        var again = board.ApplyLatchedOuterProduct(request, last, 0, 1f, 8, trains, polarity);
        Assert.True(again.Duplicate);
        Assert.Equal(first.PulsesApplied, again.PulsesApplied);
        Assert.Equal(after, TestBoards.Measure(board, st.Window)); // the repeat changed nothing
        Assert.NotEqual(before, after);
        Assert.Throws<DeviceLimitException>(() => board.ApplyLatchedOuterProduct(TestBoards.Nominal(board, 78), last, 1, 1f, 8, trains, polarity)); // row 1 not read
        Assert.Throws<DeviceLimitException>(() => board.ApplyLatchedOuterProduct(TestBoards.Nominal(board, 79), last, 0, 1.5f, 8, trains, polarity));
    }

    [Fact]
    public void Presets_compose_from_a_base_and_the_fields_they_change()
    {
        string dir = Path.Combine(AppContext.BaseDirectory, "..", "..", "..", "..", "..", "sim", "scenarios", "presets");
        var small = DevicePresetJson.Load(Path.Combine(dir, "reram-small-tile.json"));
        Assert.Equal("reram-small-tile", small.Name);
        Assert.Equal(new GeometrySpec { Tiles = 1, Rows = 32, Columns = 32 }, small.Geometry);
        Assert.Equal(100, small.Adc.FullScaleMicroamps);
        Assert.Equal(BuiltInPresets.ReRam.Adc with { FullScaleMicroamps = 100 }, small.Adc);
        Assert.Equal(BuiltInPresets.ReRam.Pulse, small.Pulse);
        var mortal = DevicePresetJson.Deserialize("""{ "base": "reram-mortal", "name": "m2", "chain": { "neuron": { "gain_std": 0.3 } } }""");
        Assert.Equal(0.3, mortal.Chain!.Neuron.GainStd);
        Assert.Equal(MortalPresets.ReRamMortal.Chain!.Neuron.OffsetStd, mortal.Chain.Neuron.OffsetStd);
        Assert.Equal(MortalPresets.ReRamMortal.Chain.Stages.Count, mortal.Chain.Stages.Count);
        var e = Assert.Throws<InvalidDataException>(() => DevicePresetJson.Deserialize("""{ "base": "nonesuch", "name": "x" }"""));
        Assert.Contains("base", e.Message);
    }

    [Fact]
    public void The_chain_description_states_no_hidden_physics()
    {
        var a = SimulatedBoard.Create(MortalPresets.ReRamMortal, "d-1").Description.AnalogChain!;
        var b = SimulatedBoard.Create(MortalPresets.WithNeuronMismatch(MortalPresets.ReRamMortal, 4), "d-1").Description.AnalogChain!;
        Assert.Equal(a.Stages, b.Stages);
        Assert.Equal(a.Neurons, b.Neurons);
        Assert.Equal(a.Injection, b.Injection);
        Assert.Equal(a.Taps, b.Taps);
        Assert.Equal(new ChainRouting(SimulatedBoard.Create(MortalPresets.ReRamMortal, "d-1")).Shape.Sizes, new[] { 784, 256, 10 });
    }
}
