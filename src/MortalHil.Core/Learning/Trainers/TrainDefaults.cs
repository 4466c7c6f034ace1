using MortalHil.Core.Learning.Mapping;

namespace MortalHil.Core.Learning.Trainers;

/// <summary>
/// Default hyperparameters of <c>mortalhil train</c> per algorithm, chosen by tuning runs on <c>sim:reram:42</c>
/// with MNIST; every one can be overridden on the command line. Measured with these settings (784-256-10, 2-core
/// machine running two trainings at once): np 96.12 % in 317 s (8 epochs), ll 96.83 % in 427 s (12 epochs).
/// wp (1 epoch): 40.5 % on <c>sim:ideal:42</c> at learning rate 1e-3 (48 % at 3e-3, 6.4 % at 1e-5, which is no
/// learning at all); on <c>sim:reram:42</c> 9.8 %: two-pulse perturbations drown in the cells' cycle-to-cycle noise.
/// </summary>
public sealed record TrainDefaults
{
    /// <summary>Every algorithm that has defaults: the on-chip trainers and the digital reference.</summary>
    public static IReadOnlyList<string> Names { get; } = ["np", "ll", "wp", "bp-digital"];

    public required int Epochs { get; init; }
    public required int Batch { get; init; }
    public required float LearningRateDecay { get; init; }
    public required TrainerSettings Settings { get; init; }
    public float DigitalLearningRate { get; init; } = 0.05f;
    public int ReadoutGroups { get; init; }
    public float InitialWindowFraction { get; init; } = 0.3f;
    public PairOrientation Pairs { get; init; } = PairOrientation.Columns;

    /// <summary>
    /// Defaults on an analog chain (<c>sim:reram-mortal:42</c>, tuned on 10,000 MNIST examples, see docs/results/mortal): the
    /// perturbation is injected current at the full range of the injection DACs (σ = 0.2 of the neurons' input full scale;
    /// at 0.05 the ADC and read noise of the re-read chain buried it), hidden errors come from each neuron's own tap and a
    /// feedback mirror (<see cref="Chains.ChainHiddenError.Mirror"/>), so 4 directions suffice (np 91.55 % after 10,000
    /// examples with 4, 91.36 % with 16 at 1.5x the wall time) and the hidden rate can be 4x the crosstalk estimator's
    /// (0.2: 91.55 %; 0.05: 88.94 %). ll: hidden 0.1, readouts and output 0.2 (88.89 % after 10,000 examples; 88.47 % at
    /// 0.2 / 0.1, 86.94 % at 0.1 / 0.1, 86.61 % at 0.4 / 0.1). Measured on the full set: np 96.68 % in 325 s (load average
    /// 30-70). ll with purely local errors reached 96.80 % in 10 epochs (decay 0.8), still rising: its 64-neuron groups each
    /// classify alone, so its hidden errors carry less of the output's need than np's. ll on a chain therefore adds the
    /// output's error to the local one (deep supervision, <see cref="PerturbationOptions.GlobalErrorWeight"/> 1: 93.87 % vs
    /// 93.38 % after 20,000 examples x 3 epochs) and trains 16 epochs at decay 0.85: an epoch of 60,000 examples costs about
    /// 22-28 CPU seconds here, so the run fits the 20 minutes on the idle machine (docs/results/mortal/timed-run.sh).
    /// Measured with these settings on the full set: ll 97.35 % (97 % first passed at epoch 10) in 338 CPU seconds.
    /// </summary>
    public static TrainDefaults For(string algo, bool chain)
    {
        var d = For(algo);
        if (!chain || algo is not ("np" or "ll")) return d;
        return algo == "np"
            ? d with
            {
                Epochs = 5, LearningRateDecay = 0.7f,
                Settings = d.Settings with { Directions = 4, PerturbationFraction = 0.2f, HiddenLearningRate = 0.2f },
            }
            : d with
            {
                Epochs = 16, LearningRateDecay = 0.85f,
                Settings = d.Settings with { Directions = 4, PerturbationFraction = 0.2f, HiddenLearningRate = 0.1f, OutputLearningRate = 0.2f, GlobalErrorWeight = 1f },
            };
    }

    public static TrainDefaults For(string algo) => algo switch
    {
        "np" => new TrainDefaults
        {
            Epochs = 8, Batch = 32, LearningRateDecay = 0.8f, Pairs = PairOrientation.Rows,
            Settings = new TrainerSettings
            {
                HiddenLearningRate = 0.05f, OutputLearningRate = 0.05f, BiasLearningRate = 0.05f, Directions = 128, PerturbationFraction = 0.05f,
                UpdateMode = UpdateMode.Accumulated, TransferThreshold = 16, TransferEvery = 4,
            },
        },
        "ll" => new TrainDefaults
        {
            Epochs = 12, Batch = 32, LearningRateDecay = 0.75f, ReadoutGroups = 4, Pairs = PairOrientation.Rows,
            Settings = new TrainerSettings
            {
                HiddenLearningRate = 0.1f, OutputLearningRate = 0.1f, BiasLearningRate = 0.05f, Directions = 64, PerturbationFraction = 0.05f,
                UpdateMode = UpdateMode.Accumulated, TransferThreshold = 8, TransferEvery = 4,
            },
        },
        "wp" => new TrainDefaults
        {
            Epochs = 1, Batch = 100, LearningRateDecay = 1f, Pairs = PairOrientation.Rows,
            Settings = new TrainerSettings { WeightPerturbationLearningRate = 1e-3f, PerturbationPulses = 2, UpdateMode = UpdateMode.CellPulses },
        },
        "bp-digital" => new TrainDefaults
        {
            Epochs = 5, Batch = 64, LearningRateDecay = 0.8f, DigitalLearningRate = 0.05f,
            Settings = new TrainerSettings(),
        },
        _ => throw new UnknownAlgorithmException($"unknown algorithm '{algo}'; use one of: np, ll, wp, bp-digital"),
    };
}
