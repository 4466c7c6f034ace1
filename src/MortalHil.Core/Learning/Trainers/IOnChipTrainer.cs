using MortalHil.Core.Learning.Accounting;
using MortalHil.Core.Learning.Mapping;

namespace MortalHil.Core.Learning.Trainers;

/// <summary>What one training step measured.</summary>
/// <param name="Loss">Mean loss of the clean (unperturbed) pass on the batch, before the update.</param>
/// <param name="Correct">Examples of the batch whose clean prediction matched the target's largest entry.</param>
public readonly record struct StepResult(float Loss, int Correct);

/// <summary>
/// A learner that trains a <see cref="MappedNetwork"/> on its board through <see cref="Devices.IDevice"/> only:
/// forward reads, a loss computed digitally on the host, programming pulses. Targets are distributions
/// (one-hot labels, or a teacher's soft outputs), so the same trainer serves supervised learning and distillation.
/// </summary>
public interface IOnChipTrainer
{
    /// <summary>Short name: "np", "ll", "wp".</summary>
    string Name { get; }
    /// <summary>What training has cost so far.</summary>
    TrainingAccount Account { get; }
    /// <summary>Multiplies every learning rate (for schedules); 1 by default.</summary>
    float LearningRateScale { get; set; }
    /// <summary>
    /// One update from a batch: <paramref name="inputs"/> is batch x net.InputCount, <paramref name="targetDistributions"/>
    /// batch x net.ClassCount (rows summing to 1).
    /// </summary>
    StepResult Step(MappedNetwork net, ReadOnlySpan<float> inputs, ReadOnlySpan<float> targetDistributions, int batch);
}

/// <summary>A trainer whose gradient estimate can be read out without updating (for variance studies).</summary>
public interface IGradientEstimator
{
    /// <summary>
    /// Writes the trainer's estimate of ∂L/∂W for each main layer (inputs x outputs, effective-weight units,
    /// averaged over the batch) into <paramref name="weightGradients"/>. The board's weights are left as they
    /// were, except for what perturbing pulses unavoidably leave behind.
    /// </summary>
    void EstimateGradient(MappedNetwork net, ReadOnlySpan<float> inputs, ReadOnlySpan<float> targetDistributions, int batch, float[][] weightGradients);
}
