namespace MortalHil.Core.Mortality.Handover;

/// <summary>The life of a handover. Transitions only go forward; every one is journaled.</summary>
public enum HandoverState
{
    /// <summary>The teacher serves; the student is not yet being taught.</summary>
    Serving = 0,
    /// <summary>The teacher still serves while its soft outputs teach the student.</summary>
    Distilling = 1,
    /// <summary>The student serves; the teacher is no longer asked.</summary>
    CutOver = 2,
    /// <summary>The teacher is retired; the handover is complete.</summary>
    Retired = 3,
    /// <summary>The handover could not complete (the student died, or the teacher died before teaching anything).</summary>
    Failed = 4,
}

/// <summary>Names used in the journal, on stdout and in JSON.</summary>
public static class HandoverStateNames
{
    public static string Name(this HandoverState s) => s switch
    {
        HandoverState.Serving => "serving",
        HandoverState.Distilling => "distilling",
        HandoverState.CutOver => "cut_over",
        HandoverState.Retired => "retired",
        HandoverState.Failed => "failed",
        _ => throw new ArgumentOutOfRangeException(nameof(s)),
    };

    public static HandoverState Parse(string name) => name switch
    {
        "serving" => HandoverState.Serving,
        "distilling" => HandoverState.Distilling,
        "cut_over" => HandoverState.CutOver,
        "retired" => HandoverState.Retired,
        "failed" => HandoverState.Failed,
        _ => throw new InvalidDataException($"unknown handover state '{name}' in journal"),
    };

    /// <summary>True for states the handover never leaves.</summary>
    public static bool IsFinal(this HandoverState s) => s is HandoverState.Retired or HandoverState.Failed;

    /// <summary>True when <paramref name="to"/> may follow <paramref name="from"/>.</summary>
    public static bool CanMove(HandoverState from, HandoverState to) => (from, to) switch
    {
        (HandoverState.Serving, HandoverState.Distilling) => true,
        (HandoverState.Distilling, HandoverState.CutOver) => true,
        (HandoverState.CutOver, HandoverState.Retired) => true,
        (HandoverState.Serving or HandoverState.Distilling or HandoverState.CutOver, HandoverState.Failed) => true,
        _ => false,
    };
}
