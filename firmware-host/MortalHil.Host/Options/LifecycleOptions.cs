using System.CommandLine;
using MortalHil.Core.Mortality.Lifecycle;

namespace MortalHil.Host.Options;

/// <summary>
/// The lifecycle policy's options (<see cref="LifecyclePolicy"/>), declared once for the commands that run a handover, with the
/// policy's own defaults: the same numbers in <c>demo</c>, <c>handover</c> and <c>experiment mortality</c>.
/// </summary>
public static class LifecycleOptions
{
    private static readonly LifecyclePolicy Defaults = new();

    /// <summary><c>--knowledge-budget</c>: canary accuracy a teacher may lose before it counts as failing; the most a student may trail it at cut-over.</summary>
    public static Option<double> KnowledgeBudget(double? defaultValue = null) => SharedOptions.Real("--knowledge-budget",
        "Canary accuracy (0.01 = one point) the teacher may lose before the handover must be done; the student cuts over only within it of the teacher",
        defaultValue ?? Defaults.KnowledgeBudget, 0, 0.99, minExclusive: true);

    /// <summary><c>--extra-student-budget</c>: how much longer than planned a student that does not yet match may keep distilling.</summary>
    public static Option<double> ExtraStudentBudget(double? defaultValue = null) => SharedOptions.Real("--extra-student-budget",
        "Share of its planned steps a student that does not yet match its teacher may train on beyond them before the handover fails (1: twice the steps)",
        defaultValue ?? Defaults.ExtraStudentBudget, 0, 100);
}
