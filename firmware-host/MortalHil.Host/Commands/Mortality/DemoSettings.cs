namespace MortalHil.Host.Commands.Mortality;

/// <summary>Everything <c>mortalhil demo</c> can be told; the defaults are the demo the README shows.</summary>
public sealed record DemoSettings : MortalityRunSettings
{
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
