using MortalHil.Core.Learning.Chains;
using MortalHil.Core.Learning.Losses;
using MortalHil.Core.Learning.Mapping;
using MortalHil.Sim.Presets;

namespace MortalHil.Sim.Tests.Chains;

/// <summary>
/// The chain trainers know nothing of the neurons: they must learn whatever the transfer functions and however the
/// lines are wired. A 16 -> 24 -> 4 chain, a four-class task, a few hundred steps.
/// </summary>
public class ChainLearningTests
{
    private static readonly Core.Data.LabeledImageSet Train = ChainBoards.Task(1600, seed: 1);
    private static readonly Core.Data.LabeledImageSet Test = ChainBoards.Task(400, seed: 2);

    private static DevicePreset WithNeurons(Func<ChainNeuronSpec, ChainNeuronSpec> change)
    {
        var p = ChainBoards.Small(groups: 0);
        return p with { Chain = p.Chain! with { Neuron = change(p.Chain.Neuron) } };
    }

    /// <summary>The preset's neurons; neurons of another shape (low ceiling, soft knee, raised threshold, 30 % gain spread); half the lines crossed.</summary>
    public static TheoryData<string, bool> Boards => new()
    {
        { "preset", true },
        { "other-transfer", true },
        { "shuffled", false }, // crossed lines: the taps would credit the wrong rows, the board's own latches do not
    };

    private static DevicePreset Board(string name) => name switch
    {
        "preset" => ChainBoards.Small(groups: 0),
        "other-transfer" => WithNeurons(n => n with { SaturationMean = 0.35, CurvatureMean = 0.3, ThresholdMean = 0.1, GainStd = 0.3 }),
        "shuffled" => WithNeurons(n => n with { CrossedFraction = 0.5 }),
        _ => throw new ArgumentException(name),
    };

    [Theory]
    [MemberData(nameof(Boards))]
    public void Node_perturbation_on_a_chain_learns_whatever_its_neurons_do(string board, bool useTaps)
    {
        var sim = SimulatedBoard.Create(Board(board), "learn-" + board);
        var net = ChainLearning.Map(sim);
        float before = ChainLearning.Accuracy(net, Test);
        var trainer = new ChainPerturbationTrainer(ChainLearning.Options, localLosses: false, useTaps: useTaps);
        ChainLearning.Train(net, trainer, Train, epochs: 3);
        float after = ChainLearning.Accuracy(net, Test);
        Assert.True(after >= 0.85f, $"{board}: {before:P1} -> {after:P1}");
    }

    [Fact]
    public void Local_losses_on_a_chain_learn_through_the_chain_s_own_readouts()
    {
        var sim = SimulatedBoard.Create(ChainBoards.Small(groups: 2), "learn-ll");
        var net = ChainLearning.Map(sim, groups: 2);
        Assert.NotNull(net.LocalReadouts[0]);
        var trainer = new ChainPerturbationTrainer(ChainLearning.Options, localLosses: true);
        ChainLearning.Train(net, trainer, Train, epochs: 3);
        Assert.True(ChainLearning.Accuracy(net, Test) >= 0.85f);
    }

    [Fact]
    public void Local_losses_with_the_output_s_error_added_learn_and_differ_from_purely_local_ones()
    {
        float Run(float weight, out float[] logits)
        {
            var sim = SimulatedBoard.Create(ChainBoards.Small(groups: 2), "learn-ll-global");
            var net = ChainLearning.Map(sim, groups: 2);
            var trainer = new ChainPerturbationTrainer(ChainLearning.Options with { GlobalErrorWeight = weight }, localLosses: true);
            ChainLearning.Train(net, trainer, Train, epochs: 3);
            float accuracy = ChainLearning.Accuracy(net, Test);
            logits = new float[50 * Test.Classes];
            net.Chain!.Predict(net, Test.Pixels.AsSpan(0, 50 * Test.Features), 50, logits);
            return accuracy;
        }
        float supervised = Run(1f, out var withGlobal);
        Run(0f, out var local);
        Assert.True(supervised >= 0.85f, $"ll with the output's error: {supervised:P1}");
        // Same board, seeds and data: only the hidden errors differ, so the trained networks must answer differently.
        Assert.True(withGlobal.Zip(local).Max(p => MathF.Abs(p.First - p.Second)) > 1e-3f);
    }
}
