using MortalHil.Core.Data;
using MortalHil.Core.Learning.Mapping;
using MortalHil.Core.Learning.Training;
using MortalHil.Core.Mortality.Ports;
using MortalHil.Sim;
using MortalHil.Sim.Presets;

namespace MortalHil.Host.Commands.Mortality;

/// <summary>A board trained on-chip from labels: the teacher of a handover, or the labels-only baseline.</summary>
public sealed record SchooledBoard(SimulatedBoard Board, MappedNetwork Network, long Pulses);

/// <summary>Makes and trains simulated boards for the mortality demo and experiments.</summary>
public static class TeacherSchool
{
    /// <summary>Finds a built-in preset or loads a preset .json file.</summary>
    public static DevicePreset Preset(string nameOrFile)
    {
        if (BuiltInPresets.Find(nameOrFile) is { } p) return p;
        if (!File.Exists(nameOrFile))
            throw new Cli.CliUsageException($"unknown preset '{nameOrFile}': use one of {string.Join(", ", BuiltInPresets.Names)} or a preset .json file");
        return DevicePresetJson.Load(nameOrFile);
    }

    /// <summary>A fresh board mapped with a random network of <paramref name="shape"/> (ready to learn).</summary>
    public static (SimulatedBoard Board, MappedNetwork Network) Fresh(DevicePreset preset, string serial, NetworkShape shape, string algo,
        ReadOnlySpan<float> sample, int sampleCount, int seed)
    {
        var board = SimulatedBoard.Create(preset, serial);
        return (board, OnChipTraining.Map(board, shape, algo, sample, sampleCount, seed));
    }

    /// <summary>Maps and trains board <paramref name="serial"/> on true labels for <paramref name="steps"/> steps.</summary>
    public static SchooledBoard Train(DevicePreset preset, string serial, NetworkShape shape, string algo, LabeledImageSet train, int usable,
        int steps, int batch, int seed, Action<int>? onStep = null, ISet<byte>? excludeClasses = null)
    {
        int n = Math.Min(256, train.Count);
        var (board, net) = Fresh(preset, serial, shape, algo, train.Pixels.AsSpan(0, n * train.Features), n, seed);
        long before = board.ReadHealth().TotalPulses;
        var trainer = OnChipTraining.Trainer(algo, OnChipTraining.Settings(algo, seed));
        OnChipTraining.TrainOnLabels(net, trainer, train, usable, steps, batch, seed, onStep, excludeClasses);
        BoardCalibration.FitRanges(net, train.Pixels.AsSpan(0, n * train.Features), n);
        return new SchooledBoard(board, net, board.ReadHealth().TotalPulses - before);
    }

    /// <summary>
    /// Trains a teacher exactly as <c>mortalhil train</c> does (<see cref="TrainingLoop"/>: epochs of shuffled
    /// minibatches, the algorithm's learning-rate decay per epoch, ranges refitted after each epoch) on
    /// <paramref name="train"/>, reporting progress after each step.
    /// </summary>
    public static SchooledBoard TrainEpochs(DevicePreset preset, string serial, NetworkShape shape, string algo, LabeledImageSet train,
        LabeledImageSet monitor, int epochs, int batch, int seed, Action<TrainingProgress>? progress = null)
    {
        int n = Math.Min(512, train.Count);
        var sample = train.Pixels.AsSpan(0, n * train.Features).ToArray();
        var (board, net) = Fresh(preset, serial, shape, algo, sample, n, seed);
        long before = board.ReadHealth().TotalPulses;
        var defaults = TrainDefaults.For(algo);
        var trainer = OnChipTraining.Trainer(algo, OnChipTraining.Settings(algo, seed));
        var schedule = new TrainingSchedule(epochs, batch, seed, defaults.LearningRateDecay, EvaluationsPerEpoch: 1, TestLimit: 500);
        TrainingLoop.Run((x, t, b) => trainer.Step(net, x, t, b), net, train, monitor, schedule, () => (0, 0, 0),
            afterEpoch: _ => BoardCalibration.FitRanges(net, sample, n, widenOnly: true),
            setLearningRateScale: scale => trainer.LearningRateScale = scale, progress: progress);
        return new SchooledBoard(board, net, board.ReadHealth().TotalPulses - before);
    }

    /// <summary>Accuracy of a board's network; NaN if the board has died.</summary>
    public static double Accuracy(MappedNetwork net, LabelledSet set)
    {
        try { return ClassifierEvaluation.Accuracy(net, set); }
        catch (Core.Devices.DeviceFailedException) { return double.NaN; }
    }
}
