namespace MortalHil.Core.Learning.Training;

/// <summary>How long and in what order to train.</summary>
/// <param name="Epochs">Passes over the training set.</param>
/// <param name="BatchSize">Examples per step.</param>
/// <param name="Seed">Seed of the example order.</param>
/// <param name="LearningRateDecay">Learning-rate multiplier applied after each epoch (1 = constant).</param>
/// <param name="TrainLimit">Use only the first N training examples (null = all).</param>
/// <param name="EvaluationsPerEpoch">Test-set evaluations per epoch for the learning curve (at least the one at the epoch's end).</param>
/// <param name="TestLimit">Evaluate on at most this many test examples during training (the final evaluation uses all).</param>
public sealed record TrainingSchedule(int Epochs, int BatchSize, int Seed, float LearningRateDecay = 1f, int? TrainLimit = null,
    int EvaluationsPerEpoch = 1, int? TestLimit = null);

/// <summary>One point of a learning curve.</summary>
public sealed record CurvePoint(double Epoch, long Examples, float TrainAccuracy, float TestAccuracy, long ForwardPasses, long Pulses,
    double WallSeconds);

/// <summary>Live progress, reported after every step.</summary>
public readonly record struct TrainingProgress(int Epoch, int Epochs, long Step, long StepsTotal, float RunningTrainAccuracy, float LastTestAccuracy, float Loss);
