namespace MortalHil.Host.Commands.Mortality;

/// <summary>
/// The kind of board the demo runs on: a mortal board keeps the signal analog from layer to layer through its own
/// neurons (an analog chain, e.g. <c>reram-mortal</c>); a per-layer board converts every layer's output with its ADC
/// and applies the nonlinearity on the host (e.g. <c>reram</c>).
/// </summary>
public enum DemoBoardKind { Mortal, PerLayer }

/// <summary>Everything <c>mortalhil demo</c> can be told; the defaults are the demo the README shows.</summary>
public sealed record DemoSettings : MortalityRunSettings
{
    /// <summary>
    /// The default kind, chosen by measurement (docs/results/demo): see README's demo section for the numbers.
    /// </summary>
    public const DemoBoardKind DefaultBoardKind = DemoBoardKind.Mortal;

    /// <summary>The preset the demo uses for <paramref name="kind"/> unless told another.</summary>
    public static string DefaultPreset(DemoBoardKind kind) => kind == DemoBoardKind.Mortal ? "reram-mortal" : "reram";

    /// <summary>Which kind of board: <see cref="MortalityRunSettings.Preset"/> must describe an analog chain for <see cref="DemoBoardKind.Mortal"/> and none for <see cref="DemoBoardKind.PerLayer"/>.</summary>
    public DemoBoardKind BoardKind { get; init; } = DefaultBoardKind;
    /// <summary>Take the network's shape from the board's analog chain (whose stages fix it) instead of <see cref="MortalityRunSettings.Shape"/>.</summary>
    public bool ShapeFromChain { get; init; }
    public string TeacherSerial { get; init; } = "44";
    public string StudentSerial { get; init; } = "43";
    public int StepsPerRound { get; init; } = 16;
    public int QueryBatch { get; init; } = 64;
    public double HoursPerRound { get; init; } = 0.5;
    public double AgeStepDays { get; init; } = 30;
    public double MaxYears { get; init; } = 30;
    public int TimelineTest { get; init; } = 2000;
    public bool Quiet { get; init; }
    /// <summary>Record the teacher's outputs at its prime and teach the student from them beside live queries.</summary>
    public bool PrimeLessons { get; init; } = true;
}
