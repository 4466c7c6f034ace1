using MortalHil.Core.Learning.Mapping;
using MortalHil.Core.Learning.Trainers;

namespace MortalHil.Core.Tests.Learning;

public class NodePerturbationTests
{
    public static TheoryData<string, UpdateMode> Boards => new()
    {
        { "ideal", UpdateMode.OuterProduct },
        { "ideal", UpdateMode.CellPulses },
        { "noisy", UpdateMode.OuterProduct },
        { "noisy", UpdateMode.CellPulses },
    };

    [Theory]
    [MemberData(nameof(Boards))]
    public void Node_perturbation_learns_a_synthetic_task(string board, UpdateMode mode)
    {
        var device = new FakeCrossbar(board == "ideal" ? FakePhysics.Ideal : FakePhysics.Noisy);
        var (train, test) = SyntheticTask.Split(16, 4, 512, 256, 1);
        var net = NetworkMapper.Map(device, NetworkShape.Parse("16-24-4"), new MappingOptions { Seed = 3 }, train.Inputs, 128);
        var trainer = new NodePerturbationTrainer(new PerturbationOptions { UpdateMode = mode, Seed = 4, HiddenLearningRate = 0.1f, OutputLearningRate = 0.1f, BiasLearningRate = 0.1f, Directions = 8 });
        var (before, after) = TrainerHarness.Run(trainer, net, train, test, epochs: 6, batch: 16, seed: 5);
        Assert.True(after >= 0.9f, $"accuracy {before:P1} -> {after:P1}");
        Assert.True(trainer.Account.ForwardPasses > trainer.Account.Examples * 8);
        Assert.True(trainer.Account.Board.PulsesApplied > 0);
        Assert.True(net.Ledger.MaxPulsesPerCell > 0);
    }
}
