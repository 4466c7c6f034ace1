using MortalHil.Core.Data;
using MortalHil.Core.Devices;
using MortalHil.Core.Learning.Accounting;
using MortalHil.Core.Learning.Mapping;
using MortalHil.Core.Learning.Trainers;
using MortalHil.Core.Learning.Training;
using MortalHil.Core.Mortality.Ports;

namespace MortalHil.Core.Mortality.Lifecycle;

/// <summary>A board trained on-chip from labels: the teacher of a handover, or the labels-only baseline.</summary>
/// <param name="Board">The trained board.</param>
/// <param name="Network">Its mapped network.</param>
/// <param name="Pulses">Programming pulses the training applied.</param>
/// <param name="Training">What the training steps alone cost on the board (the trainer's account: no test evaluations),
/// and how many steps there were; null where it was not kept.</param>
public sealed record SchooledBoard(IDevice Board, MappedNetwork Network, long Pulses, TrainingWork? Training = null);

/// <summary>Board work of a number of training steps (the trainers' own accounts, without evaluations between them).</summary>
public readonly record struct TrainingWork(LedgerSnapshot Board, long Steps);

/// <summary>Maps and trains boards from a <see cref="IBoardSupply"/> for the lifecycle and its baselines.</summary>
public static class TeacherSchool
{
    /// <summary>A fresh board mapped with a random network of <paramref name="shape"/> (ready to learn).</summary>
    public static (IDevice Board, MappedNetwork Network) Fresh(IBoardSupply boards, string serial, NetworkShape shape, string algo,
        ReadOnlySpan<float> sample, int sampleCount, int seed)
    {
        var board = boards.Make(serial);
        return (board, OnChipTraining.Map(board, shape, algo, sample, sampleCount, seed));
    }

    /// <summary>Maps and trains board <paramref name="serial"/> on true labels for <paramref name="steps"/> steps.</summary>
    public static SchooledBoard Train(IBoardSupply boards, string serial, NetworkShape shape, string algo, LabeledImageSet train, int usable,
        int steps, int batch, int seed, Action<int>? onStep = null, ISet<byte>? excludeClasses = null)
    {
        int n = Math.Min(256, train.Count);
        var (board, net) = Fresh(boards, serial, shape, algo, train.Pixels.AsSpan(0, n * train.Features), n, seed);
        long before = board.ReadHealth().TotalPulses;
        var trainer = OnChipTraining.TrainerFor(net, algo, seed);
        OnChipTraining.TrainOnLabels(net, trainer, train, usable, steps, batch, seed, onStep, excludeClasses);
        OnChipTraining.FitRanges(net, train.Pixels.AsSpan(0, n * train.Features), n);
        return new SchooledBoard(board, net, board.ReadHealth().TotalPulses - before);
    }

    /// <summary>
    /// Trains a teacher exactly as <c>mortalhil train</c> does (<see cref="TrainingLoop"/>: epochs of shuffled
    /// minibatches, the algorithm's learning-rate decay per epoch, ranges refitted after each epoch) on
    /// <paramref name="train"/>, reporting progress after each step.
    /// </summary>
    public static SchooledBoard TrainEpochs(IBoardSupply boards, string serial, NetworkShape shape, string algo, LabeledImageSet train,
        LabeledImageSet monitor, int epochs, int batch, int seed, Action<TrainingProgress>? progress = null)
    {
        int n = Math.Min(512, train.Count);
        var sample = train.Pixels.AsSpan(0, n * train.Features).ToArray();
        var (board, net) = Fresh(boards, serial, shape, algo, sample, n, seed);
        long before = board.ReadHealth().TotalPulses;
        var defaults = TrainDefaults.For(algo, net.Chain is not null);
        var trainer = OnChipTraining.TrainerFor(net, algo, seed);
        var schedule = new TrainingSchedule(epochs, batch, seed, defaults.LearningRateDecay, EvaluationsPerEpoch: 1, TestLimit: 500);
        TrainingLoop.Run((x, t, b) => trainer.Step(net, x, t, b), net, train, monitor, schedule, () => (0, 0, 0),
            afterEpoch: _ => OnChipTraining.FitRanges(net, sample, n, widenOnly: true),
            setLearningRateScale: scale => trainer.LearningRateScale = scale, progress: progress);
        return new SchooledBoard(board, net, board.ReadHealth().TotalPulses - before, new TrainingWork(trainer.Account.Board, trainer.Account.Steps));
    }

    /// <summary>Accuracy of a board's network; NaN if the board has died.</summary>
    public static double Accuracy(MappedNetwork net, LabelledSet set)
    {
        try { return ClassifierEvaluation.Accuracy(net, set); }
        catch (DeviceFailedException) { return double.NaN; }
    }
}
