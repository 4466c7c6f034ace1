using MortalHil.Core.Learning.Losses;
using MortalHil.Core.Learning.Mapping;

namespace MortalHil.Core.Learning.Trainers;

/// <summary>Every knob of the on-chip trainers in one place (command line, experiments, distillation).</summary>
public sealed record TrainerSettings
{
    public float HiddenLearningRate { get; init; } = 0.05f;
    public float OutputLearningRate { get; init; } = 0.05f;
    public float BiasLearningRate { get; init; } = 0.05f;
    public int Directions { get; init; } = 16;
    public float PerturbationFraction { get; init; } = 0.05f;
    /// <summary>Weight perturbation only: learning rate.</summary>
    public float WeightPerturbationLearningRate { get; init; } = 0.002f;
    /// <summary>Weight perturbation only: pulses per perturbation.</summary>
    public int PerturbationPulses { get; init; } = 2;
    public UpdateMode UpdateMode { get; init; } = UpdateMode.Auto;
    /// <summary>Read a perturbation on its own through a linear layer (see <see cref="PerturbationOptions.SuperpositionReads"/>).</summary>
    public bool SuperpositionReads { get; init; } = true;
    /// <summary>Accumulated updates: pair pulses a weight's change must reach before it is written.</summary>
    public float TransferThreshold { get; init; } = 1f;
    /// <summary>Accumulated updates: program the board every this many steps.</summary>
    public int TransferEvery { get; init; } = 1;
    public int Seed { get; init; } = 1;
    /// <summary>On an analog chain: how np and ll estimate hidden errors (see <see cref="Chains.ChainHiddenError"/>).</summary>
    public Chains.ChainHiddenError ChainHiddenError { get; init; } = Chains.ChainHiddenError.Mirror;
    /// <summary>ll: weight of the output head's error added to the local readouts' (see <see cref="PerturbationOptions.GlobalErrorWeight"/>).</summary>
    public float GlobalErrorWeight { get; init; }
    /// <summary>Softmax temperature of the loss (1 for labels; higher for distillation).</summary>
    public float Temperature { get; init; } = 1f;

    public PerturbationOptions Perturbation => new()
    {
        HiddenLearningRate = HiddenLearningRate, OutputLearningRate = OutputLearningRate, BiasLearningRate = BiasLearningRate,
        Directions = Directions, PerturbationFraction = PerturbationFraction, UpdateMode = UpdateMode, Seed = Seed,
        SuperpositionReads = SuperpositionReads, TransferThreshold = TransferThreshold, TransferEvery = TransferEvery,
        GlobalErrorWeight = GlobalErrorWeight,
    };
}

/// <summary>Creates on-chip trainers by their short names: np, ll, wp.</summary>
public static class TrainerFactory
{
    /// <summary>The on-chip algorithms; bp-digital is the float reference and is not an <see cref="IOnChipTrainer"/>.</summary>
    public static IReadOnlyList<string> OnChipNames { get; } = ["np", "ll", "wp"];

    /// <summary>True for trainers that need local readouts mapped (<see cref="MappingOptions.ReadoutGroups"/> &gt; 0).</summary>
    public static bool NeedsLocalReadouts(string name) => name == "ll";

    /// <summary>
    /// The trainer <paramref name="name"/>; with <paramref name="chain"/> (a network on an analog chain) np and ll are
    /// their model-free chain forms (<see cref="Chains.ChainPerturbationTrainer"/>), and wp is unchanged (it only pulses and reads).
    /// </summary>
    public static IOnChipTrainer Create(string name, TrainerSettings settings, bool chain)
    {
        if (!chain) return Create(name, settings);
        var loss = new SoftmaxCrossEntropy(settings.Temperature);
        return name switch
        {
            "np" => new Chains.ChainPerturbationTrainer(settings.Perturbation, localLosses: false, loss, hiddenError: settings.ChainHiddenError),
            "ll" => new Chains.ChainPerturbationTrainer(settings.Perturbation, localLosses: true, loss, hiddenError: settings.ChainHiddenError),
            _ => Create(name, settings),
        };
    }

    public static IOnChipTrainer Create(string name, TrainerSettings settings)
    {
        var loss = new SoftmaxCrossEntropy(settings.Temperature);
        return name switch
        {
            "np" => new NodePerturbationTrainer(settings.Perturbation, loss),
            "ll" => new LocalLossTrainer(settings.Perturbation, loss),
            "wp" => new WeightPerturbationTrainer(new WeightPerturbationOptions
            {
                LearningRate = settings.WeightPerturbationLearningRate, PerturbationPulses = settings.PerturbationPulses,
                UpdateMode = settings.UpdateMode, Seed = settings.Seed,
            }, loss),
            _ => throw new ArgumentException($"unknown on-chip trainer '{name}'; use one of: {string.Join(", ", OnChipNames)}"),
        };
    }
}
