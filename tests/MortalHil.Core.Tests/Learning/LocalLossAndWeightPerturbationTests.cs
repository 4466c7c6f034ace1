using MortalHil.Core.Learning.Mapping;
using MortalHil.Core.Learning.Trainers;

namespace MortalHil.Core.Tests.Learning;

public class LocalLossAndWeightPerturbationTests
{
    [Theory]
    [InlineData("ideal", UpdateMode.Accumulated)]
    [InlineData("noisy", UpdateMode.Accumulated)]
    [InlineData("noisy", UpdateMode.OuterProduct)]
    public void Local_losses_learn_a_synthetic_task(string board, UpdateMode mode)
    {
        var device = new FakeCrossbar(board == "ideal" ? FakePhysics.Ideal : FakePhysics.Noisy);
        var (train, test) = SyntheticTask.Split(16, 4, 512, 256, 1);
        var net = NetworkMapper.Map(device, NetworkShape.Parse("16-24-4"), new MappingOptions { Seed = 3, ReadoutGroups = 4 }, train.Inputs, 128);
        Assert.NotNull(net.LocalReadouts[0]);
        Assert.Equal(4 * 4, net.LocalReadouts[0]!.Outputs);
        var trainer = new LocalLossTrainer(new PerturbationOptions { UpdateMode = mode, Seed = 4, HiddenLearningRate = 0.1f, OutputLearningRate = 0.1f, BiasLearningRate = 0.1f, Directions = 4 });
        var (before, after) = TrainerHarness.Run(trainer, net, train, test, epochs: 6, batch: 16, seed: 5);
        Assert.True(after >= 0.9f, $"accuracy {before:P1} -> {after:P1}");
        Assert.True(trainer.Account.ForwardPasses >= trainer.Account.Examples * 5);
    }

    [Fact]
    public void Local_loss_training_refuses_a_network_without_local_readouts()
    {
        var device = new FakeCrossbar(FakePhysics.Ideal);
        var (train, _) = SyntheticTask.Split(16, 4, 64, 1, 1);
        var net = NetworkMapper.Map(device, NetworkShape.Parse("16-8-4"), new MappingOptions(), train.Inputs, 64);
        var trainer = new LocalLossTrainer(new PerturbationOptions());
        var t = Core.Learning.Losses.TargetDistributions.OneHot(train.Labels.AsSpan(0, 8), 4);
        Assert.Throws<InvalidOperationException>(() => trainer.Step(net, train.Inputs.AsSpan(0, 8 * 16), t, 8));
    }

    [Theory]
    [InlineData("ideal", UpdateMode.OuterProduct)]
    [InlineData("ideal", UpdateMode.CellPulses)]
    [InlineData("noisy", UpdateMode.CellPulses)]
    public void Weight_perturbation_learns_a_small_synthetic_task_and_pulses_every_cell_every_step(string board, UpdateMode mode)
    {
        // The noisy board keeps asymmetry, pulse noise, converter noise and mismatch but has hard bounds: with soft
        // bounds every +c, −2c, +c perturbation cycle pulls both devices towards their symmetry point, a weight decay
        // that weight perturbation's small steps cannot outrun (the MNIST experiment shows it on the reram preset).
        var device = new FakeCrossbar(board == "ideal" ? FakePhysics.Ideal : FakePhysics.Noisy with { SoftBounds = false });
        var (train, test) = SyntheticTask.Split(8, 2, 512, 256, 2);
        var net = NetworkMapper.Map(device, NetworkShape.Parse("8-4-2"), new MappingOptions { Seed = 3 }, train.Inputs, 128);
        var trainer = new WeightPerturbationTrainer(new WeightPerturbationOptions { UpdateMode = mode, Seed = 4, LearningRate = 0.05f, PerturbationPulses = 6 });
        var (before, after) = TrainerHarness.Run(trainer, net, train, test, epochs: 12, batch: 16, seed: 5);
        Assert.True(after >= 0.85f, $"accuracy {before:P1} -> {after:P1}");
        Assert.Equal(2 * trainer.Account.Examples, trainer.Account.ForwardPasses);
        // +p, −2p, then back +p (plus the update): at least 4p pulses per weight pair per step, on both devices.
        long cells = net.Layers.Sum(l => l.WeightCount) * 2;
        Assert.True(trainer.Account.Board.PulsesApplied >= 4L * 6 * cells * trainer.Account.Steps * 9 / 10);
    }
}
