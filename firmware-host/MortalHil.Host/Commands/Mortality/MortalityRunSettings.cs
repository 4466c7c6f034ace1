using MortalHil.Core.Mortality.Lifecycle;

namespace MortalHil.Host.Commands.Mortality;

/// <summary>
/// What <c>mortalhil demo</c> and <c>mortalhil experiment mortality</c> share: the boards, the network and its
/// teacher's training, the distillation budget, and the data. One set of defaults, so both tell the same story.
/// </summary>
public abstract record MortalityRunSettings
{
    public required string OutDir { get; init; }
    public string Preset { get; init; } = "reram";
    public string Algo { get; init; } = "np";
    public string Shape { get; init; } = "196-128-10";
    /// <summary>Teacher training epochs over the training images (as <c>mortalhil train</c> trains).</summary>
    public int TeacherEpochs { get; init; } = 3;
    public int Batch { get; init; } = 32;
    /// <summary>Transfer-set size: images the teacher is asked about (no labels).</summary>
    public int Transfer { get; init; } = 20_000;
    /// <summary>Steps of every student (the equal budget of the comparisons).</summary>
    public int StudentSteps { get; init; } = 5000;
    /// <summary>Distillation temperature.</summary>
    public float Temperature { get; init; } = 2f;
    /// <summary>Held-out labelled images of the health checks and of choices made on data (never the test set).</summary>
    public int Canary { get; init; } = 500;
    public int Test { get; init; } = 10_000;
    public int Seed { get; init; } = 1;
    public string Dataset { get; init; } = "mnist";
    public string? DataRoot { get; init; }
    /// <summary>When a board counts as failing and how a handover is verified (the lifecycle's one set of defaults).</summary>
    public LifecyclePolicy Policy { get; init; } = new();
}
