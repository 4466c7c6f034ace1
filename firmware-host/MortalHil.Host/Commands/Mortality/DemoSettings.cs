namespace MortalHil.Host.Commands.Mortality;

/// <summary>Everything <c>mortalhil demo</c> can be told; the defaults are the demo the README shows.</summary>
public sealed record DemoSettings
{
    public required string OutDir { get; init; }
    public string Preset { get; init; } = "reram";
    public string TeacherSerial { get; init; } = "44";
    public string StudentSerial { get; init; } = "7";
    public string Algo { get; init; } = "np";
    public string Shape { get; init; } = "196-128-10";
    /// <summary>Teacher training epochs over the training images (as <c>mortalhil train</c> trains).</summary>
    public int TeacherEpochs { get; init; } = 3;
    public int Batch { get; init; } = 32;
    public int Transfer { get; init; } = 20_000;
    public int StudentSteps { get; init; } = 5000;
    public float Temperature { get; init; } = 2f;
    public int StepsPerRound { get; init; } = 16;
    public int QueryBatch { get; init; } = 64;
    public double HoursPerRound { get; init; } = 0.5;
    public double AgeStepDays { get; init; } = 30;
    public double MaxYears { get; init; } = 30;
    public double MarginDays { get; init; } = 30;
    /// <summary>Canary accuracy this far (absolute) below its value at the start counts as failed.</summary>
    public double FailureDrop { get; init; } = 0.05;
    /// <summary>Stuck share of the probe cells at which the board counts as failed.</summary>
    public double StuckLimit { get; init; } = 0.10;
    public int Canary { get; init; } = 500;
    public int TimelineTest { get; init; } = 2000;
    public int Test { get; init; } = 10_000;
    public int Seed { get; init; } = 1;
    public string Dataset { get; init; } = "mnist";
    public string? DataRoot { get; init; }
    public bool Quiet { get; init; }
}
