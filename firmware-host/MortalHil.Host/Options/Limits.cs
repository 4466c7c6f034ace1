namespace MortalHil.Host.Options;

/// <summary>
/// The limits every command enforces before it allocates or starts work (README, "Limits"). They are set where a
/// larger value would exhaust memory or run for days on this project's machines, or where a value stops making
/// sense physically, not at what the defaults use: each is far above any run in docs/results.
/// </summary>
public static class Limits
{
    /// <summary>Examples per training step (the largest default is 100).</summary>
    public const int Batch = 4096;
    /// <summary>Passes over a training set.</summary>
    public const int Epochs = 1000;
    /// <summary>Examples to train or test on (MNIST has 60,000 + 10,000).</summary>
    public const int Examples = 10_000_000;
    /// <summary>Width of one layer of a network: a 2-tile default board holds 1024 rows.</summary>
    public const int LayerWidth = 4096;
    /// <summary>Widths in a network shape, inputs and outputs included.</summary>
    public const int ShapeWidths = 16;
    /// <summary>Weights plus biases of a network (784-256-10 has 203,530).</summary>
    public const long NetworkParameters = 16_000_000;
    /// <summary>Perturbation directions per example (np, ll; defaults 64 and 128).</summary>
    public const int Directions = 4096;
    /// <summary>Largest learning rate of the on-chip and digital trainers (defaults 0.001 to 0.1).</summary>
    public const float LearningRate = 10f;
    /// <summary>Largest learning rate of weight perturbation: its update is the rate over the squared pulse step, in pulses,
    /// so 0.1 already asks for hundreds of thousands of pulses per cell per step (default 0.001).</summary>
    public const float WeightPerturbationLearningRate = 0.1f;
    /// <summary>Distillation temperature: below 0.01 the soft targets overflow to one-hot or NaN, above 100 they are flat.</summary>
    public const float TemperatureMin = 0.01f, TemperatureMax = 100f;
    /// <summary>Simulated days between two health checks of an ageing board (30 by default); with <see cref="AgeingChecks"/> this bounds a demo's ageing loop.</summary>
    public const double AgeStepDaysMin = 0.01, AgeStepDaysMax = 3650;
    /// <summary>Health checks one ageing run may make (max years / age step).</summary>
    public const int AgeingChecks = 100_000;
    /// <summary>Training steps of one student (handover default 5,000).</summary>
    public const int StudentSteps = 100_000_000;
    /// <summary>Board time one handover round may take, hours (default 0.5).</summary>
    public const double HoursPerRound = 10_000;
    /// <summary>Students trained at once.</summary>
    public const int Parallel = 64;
}
