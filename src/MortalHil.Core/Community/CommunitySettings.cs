using MortalHil.Core.Learning.Mapping;
using MortalHil.Core.Learning.Trainers;

namespace MortalHil.Core.Community;

/// <summary>Sizes and knobs of one community run; the same for every way of sharing so they can be compared.</summary>
public sealed record CommunitySettings
{
    /// <summary>Network widths, inputs first (e.g. 196-32-10 on 14x14 MNIST).</summary>
    public required NetworkShape Shape { get; init; }
    /// <summary>Labelled training examples each board owns.</summary>
    public required int ShardExamples { get; init; }
    /// <summary>Unlabelled examples every board can read, on which soft targets are exchanged.</summary>
    public required int TransferExamples { get; init; }
    /// <summary>Exchange rounds after the first local training.</summary>
    public required int Rounds { get; init; }
    /// <summary>Passes over its own shard a board makes before the first exchange and between exchanges.</summary>
    public int LocalEpochs { get; init; } = 1;
    /// <summary>Passes over the transfer set a mortal board makes per round when distilling.</summary>
    public int DistilEpochs { get; init; } = 1;
    public int Batch { get; init; } = 32;
    /// <summary>Softmax temperature of the exchanged soft targets (Hinton et al. 2015).</summary>
    public float Temperature { get; init; } = 2f;
    /// <summary>Bits per soft-target value on the link (as <c>handover</c> sends them).</summary>
    public int QuantisationBits { get; init; } = 8;
    /// <summary>Fraction of a skewed board's examples that come from its home classes.</summary>
    public double Skew { get; init; } = 0.9;
    /// <summary>On-chip trainer of the mortal boards ("np", "ll" or "wp").</summary>
    public string Algo { get; init; } = "np";
    public required TrainerSettings Trainer { get; init; }
    /// <summary>
    /// Factor on the mortal boards' learning rates per round: round r learns at decay^r of the trainer's rates (as
    /// <c>mortalhil train</c> decays them per epoch). 1: no decay.
    /// </summary>
    public float LearningRateDecay { get; init; } = 1f;
    public required MappingOptions Mapping { get; init; }
    /// <summary>Learning rate of the digital replicas (plain SGD with momentum, <see cref="DigitalBackpropTrainer"/>).</summary>
    public float DigitalLearningRate { get; init; } = 0.05f;
    /// <summary>Test examples each board is scored on (null: the whole test set).</summary>
    public int? TestLimit { get; init; }
    public int Seed { get; init; } = 1;

    /// <summary>Throws on a setting that cannot run.</summary>
    public void Validate()
    {
        if (ShardExamples < Batch) throw new ArgumentException($"a shard of {ShardExamples} examples is smaller than one batch of {Batch}");
        if (TransferExamples < Batch) throw new ArgumentException($"a transfer set of {TransferExamples} examples is smaller than one batch of {Batch}");
        if (Rounds < 1) throw new ArgumentException("at least one exchange round");
        if (LocalEpochs < 1 || DistilEpochs < 1) throw new ArgumentException("epochs must be at least 1");
        if (!(Temperature > 0)) throw new ArgumentException("temperature must be positive");
        if (!(LearningRateDecay > 0 && LearningRateDecay <= 1)) throw new ArgumentException("learning-rate decay must be in (0, 1]");
        if (QuantisationBits is < 1 or > 16) throw new ArgumentException("quantisation bits must be 1..16");
    }
}
