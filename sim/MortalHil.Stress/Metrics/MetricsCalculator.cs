using MortalHil.Stress.Fleet;

namespace MortalHil.Stress.Metrics;

/// <summary>Turns lineage results into <see cref="StressMetrics"/>.</summary>
public static class MetricsCalculator
{
    /// <summary>A board counts as available when serving at this share of its lineage's best accuracy or more.</summary>
    public const double AvailableFraction = 0.95;
    private const double Year = BoardFactory.SecondsPerYear;

    /// <summary>
    /// Metrics over <paramref name="lineages"/>, with the availability curve sampled at <paramref name="points"/> moments
    /// of the first <paramref name="years"/> (or of the longest lineage, if shorter).
    /// </summary>
    public static StressMetrics Compute(IReadOnlyList<LineageResult> lineages, double years, int points = 100)
    {
        double span = 0, available = 0, serving = 0;
        foreach (var l in lineages)
        {
            var (a, s) = Integrate(l);
            span += l.SpanSeconds;
            available += a;
            serving += s;
        }
        var handovers = lineages.SelectMany(l => l.Handovers).ToArray();
        // An apprentice's distillation is not a handover (nothing cuts over at its end): it is counted apart, with its cost; its faults count with the rest.
        var apprentices = lineages.SelectMany(l => l.Apprentices).ToArray();
        var distillations = handovers.Concat(apprentices).ToArray();
        var completed = handovers.Where(h => h.Outcome == HandoverOutcome.Completed).ToArray();
        var generations = lineages.SelectMany(l => l.Generations).ToArray();

        return new StressMetrics
        {
            ServiceAvailability = span > 0 ? available / span : 0,
            ServingShare = span > 0 ? serving / span : 0,
            JournaledOutputsLost = lineages.Sum(l => l.JournaledOutputsLost),
            JournaledOutputsChecked = lineages.Sum(l => l.JournaledOutputsChecked),
            StudentStepsLost = lineages.Sum(l => l.StudentStepsLost),
            StudentStepsChecked = lineages.Sum(l => l.StudentStepsChecked),
            PulsesAppliedTwice = lineages.Sum(l => l.PulsesAppliedTwice),
            DuplicatePulseRequestsRefused = lineages.Sum(l => l.DuplicatePulseRequests),
            BoardGenerations = generations.Length,
            Handovers = new HandoverCounts(
                handovers.Length,
                completed.Length,
                handovers.Count(h => h.Outcome == HandoverOutcome.Failed),
                handovers.Count(h => h.Outcome == HandoverOutcome.Unfinished),
                handovers.Count(h => h.Resumes > 0),
                handovers.Sum(h => h.Resumes),
                lineages.Sum(l => l.LostBeforeHandover),
                generations.Count(g => g.Origin == BoardOrigin.ColdStart)),
            Faults = new FaultCounts(
                distillations.Count(h => h.TeacherDiedMidHandover),
                distillations.Count(h => h.TeacherDeathInjected),
                distillations.Sum(h => h.StudentDeaths),
                distillations.Sum(h => h.StudentDeathsInjected),
                distillations.Sum(h => h.HostCrashes),
                lineages.Sum(l => l.HostCrashesWhileServing),
                lineages.Sum(l => l.LinkErrors),
                lineages.Sum(l => l.LinkRetries),
                lineages.Sum(l => l.LinkLosses)),
            UnsuccessfulHandoverCauses = UnsuccessfulCauses(handovers),
            DeathsByCause = new SortedDictionary<string, int>(lineages.SelectMany(l => l.DeathsByCause)
                .GroupBy(kv => kv.Key).ToDictionary(g => g.Key, g => g.Sum(kv => kv.Value)), StringComparer.Ordinal),
            PerHandover = new PerHandoverCost(
                Summary.Of(completed.Select(h => (double)h.TeacherQueries)),
                Summary.Of(completed.Select(h => (double)h.StudentPulses)),
                Summary.Of(completed.Select(h => h.BitsTransferred)),
                Summary.Of(completed.Select(h => (h.EndedSeconds!.Value - h.StartedSeconds!.Value) / 3600)),
                Summary.Of(completed.Select(h => (h.StartedSeconds!.Value - h.RequestedSeconds) / 3600))),
            KnowledgeRetainedPerGeneration = PerGeneration(lineages),
            Spares = new SpareStats(
                lineages.Sum(l => l.SpareRequests.Count),
                lineages.Sum(l => l.SpareRequests.Count(q => double.IsPositiveInfinity(q.DeliverySeconds))),
                Summary.Of(lineages.SelectMany(l => l.SpareRequests).Where(q => double.IsFinite(q.DeliverySeconds))
                    .Select(q => (q.DeliverySeconds - q.RequestSeconds) / 3600))),
            AvailabilityOverTime = Curve(lineages, years, points),
            Apprentices = new ApprenticeCounts(
                apprentices.Length,
                apprentices.Count(h => h.Outcome == HandoverOutcome.Completed),
                lineages.Sum(l => l.ApprenticesPromotedAtCall),
                lineages.Sum(l => l.ApprenticesPromotedAtDeath),
                lineages.Sum(l => l.ApprenticesUnfit),
                lineages.Sum(l => l.ApprenticesUnused),
                apprentices.Sum(h => h.SparesUsed),
                apprentices.Sum(h => h.TeacherQueries),
                apprentices.Sum(h => h.StudentPulses)),
            UnsuccessfulApprenticeCauses = UnsuccessfulCauses(apprentices),
            DistillationTotals = new DistillationTotals(
                distillations.Sum(h => h.SparesUsed),
                distillations.Sum(h => h.TeacherQueries),
                distillations.Sum(h => h.StudentPulses)),
        };
    }

    /// <summary>Seconds of a lineage's span with an available board, and with any board, serving.</summary>
    public static (double Available, double Serving) Integrate(LineageResult l)
    {
        double threshold = AvailableFraction * l.BestAccuracy, available = 0, serving = 0;
        var s = l.Service;
        for (int i = 0; i < s.Count; i++)
        {
            double from = Math.Min(s[i].Seconds, l.SpanSeconds);
            double to = i + 1 < s.Count ? Math.Min(s[i + 1].Seconds, l.SpanSeconds) : l.SpanSeconds;
            if (to <= from || double.IsNaN(s[i].Accuracy)) continue;
            serving += to - from;
            if (s[i].Accuracy >= threshold && l.BestAccuracy > 0) available += to - from;
        }
        return (available, serving);
    }

    private static List<GenerationStats> PerGeneration(IReadOnlyList<LineageResult> lineages)
    {
        var result = new List<GenerationStats>();
        int max = lineages.SelectMany(l => l.Generations).Select(g => g.Generation).DefaultIfEmpty(-1).Max();
        for (int g = 0; g <= max; g++)
        {
            var boards = new List<GenerationRecord>();
            var vsFirst = new List<double>();
            var vsTeacher = new List<double>();
            foreach (var l in lineages)
            {
                var record = l.Generations.FirstOrDefault(x => x.Generation == g);
                if (record is null) continue;
                boards.Add(record);
                if (record.Origin != BoardOrigin.Distilled) continue;
                double first = l.Generations[0].AccuracyAtStart;
                if (first > 0) vsFirst.Add(record.AccuracyAtStart / first);
                var h = l.Handovers.LastOrDefault(x => x.FromGeneration == g - 1 && x.Outcome == HandoverOutcome.Completed);
                if (h?.TeacherAccuracy is double t && t > 0) vsTeacher.Add(record.AccuracyAtStart / t);
            }
            result.Add(new GenerationStats(g, boards.Count,
                boards.Count(b => b.Origin == BoardOrigin.Distilled), boards.Count(b => b.Origin == BoardOrigin.ColdStart),
                Summary.Of(boards.Select(b => b.AccuracyAtStart)), Summary.Of(vsFirst), Summary.Of(vsTeacher)));
        }
        return result;
    }

    /// <summary>The availability curve over the time any lineage was still running (lineages stop at their generation cap).</summary>
    private static List<AvailabilityPoint> Curve(IReadOnlyList<LineageResult> lineages, double scenarioYears, int points)
    {
        double years = Math.Min(scenarioYears, lineages.Select(l => l.SpanSeconds).DefaultIfEmpty(0).Max() / Year);
        var curve = new List<AvailabilityPoint>(points + 1);
        for (int p = 0; p <= points; p++)
        {
            double t = years * Year * p / points;
            int covered = 0, available = 0, serving = 0;
            foreach (var l in lineages)
            {
                if (t > l.SpanSeconds) continue;
                covered++;
                double a = AccuracyAt(l, t);
                if (double.IsNaN(a)) continue;
                serving++;
                if (a >= AvailableFraction * l.BestAccuracy) available++;
            }
            curve.Add(new AvailabilityPoint(years * p / points, covered > 0 ? available / (double)covered : 0, covered > 0 ? serving / (double)covered : 0));
        }
        return curve;
    }

    private static double AccuracyAt(LineageResult l, double t)
    {
        double a = double.NaN;
        foreach (var (seconds, accuracy) in l.Service)
        {
            if (seconds > t) break;
            a = accuracy;
        }
        return a;
    }

    /// <summary>How many of <paramref name="records"/> did not complete, by the kind of their cause.</summary>
    private static SortedDictionary<string, int> UnsuccessfulCauses(IEnumerable<HandoverRecord> records) =>
        new(records.Where(h => h.Outcome != HandoverOutcome.Completed).GroupBy(h => CauseKind(h.FailureCause)).ToDictionary(g => g.Key, g => g.Count()));

    /// <summary>A cause without its numbers: the text before its first parenthesis.</summary>
    private static string CauseKind(string? cause)
    {
        if (string.IsNullOrWhiteSpace(cause)) return "(none stated)";
        int p = cause.IndexOf('(');
        return (p > 0 ? cause[..p] : cause).Trim();
    }
}
