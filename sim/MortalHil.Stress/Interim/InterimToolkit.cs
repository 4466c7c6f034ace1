using MortalHil.Core.Devices;
using MortalHil.Stress.Ports;
using MortalHil.Stress.Randomness;
using MortalHil.Stress.Scenarios;
using MortalHil.Stress.Tasks;

namespace MortalHil.Stress.Interim;

/// <summary>The port implemented by this folder's interim learner, journal, handover and predictor.</summary>
internal sealed class InterimToolkit(Scenario scenario, SyntheticTask task) : IStressToolkit
{
    /// <summary>Factory for <see cref="StressToolkitFactory"/>.</summary>
    public static IStressToolkit Create(Scenario scenario, SyntheticTask task) => new InterimToolkit(scenario, task);

    public IServingModel TrainFromLabels(IDevice board, ulong seed)
    {
        var model = new DifferentialLinearModel(board, task.Features, task.Classes);
        var trainer = new OnChipSoftmaxTrainer(model, scenario.Training.LearningRatePulses);
        var set = task.Train;
        int f = task.Features, k = task.Classes, batch = scenario.Training.Batch;
        var inputs = new float[batch * f];
        var targets = new float[batch * k];
        for (int step = 0; step < scenario.Training.Steps; step++)
        {
            ulong stepSeed = SeedTree.Derive(seed, "labels/" + board.Description.SerialNumber, (ulong)step);
            var rng = new SplitMixRandom(stepSeed);
            Array.Clear(targets);
            for (int b = 0; b < batch; b++)
            {
                int n = rng.NextInt(set.Count);
                set.Inputs.AsSpan(n * f, f).CopyTo(inputs.AsSpan(b * f, f));
                targets[b * k + set.Labels[n]] = 1f;
            }
            trainer.Step(inputs, targets, batch, 1.0, SeedTree.Derive(stepSeed, "pulse-id") | 1, SeedTree.Derive(stepSeed, "rounding"));
        }
        return model;
    }

    public IServingModel RestoreModel(IDevice board, string snapshot) => DifferentialLinearModel.Restore(board, snapshot);

    public IFailurePredictor CreatePredictor() => new InterimTrendPredictor(scenario.Monitor.TrendSamples);

    public IHandoverProcess OpenHandover(HandoverOpening opening) => new InterimHandoverProcess(opening, scenario.Policy, scenario.Training, task);

    public JournalView ReadJournal(string journalPath) => InterimHandoverJournal.Read(journalPath);
}
