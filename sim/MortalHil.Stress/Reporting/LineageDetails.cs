using System.Text.Json;
using MortalHil.Stress.Fleet;
using MortalHil.Stress.Metrics;

namespace MortalHil.Stress.Reporting;

/// <summary>
/// <c>lineages.json</c>: every lineage's boards and handovers (why each was called, when, how it ended, what it
/// cost), for looking behind the totals of <c>stress.json</c>. Times in years and hours of the fleet clock.
/// </summary>
public static class LineageDetails
{
    private const double Year = BoardFactory.SecondsPerYear;

    public static void Save(FleetRun run, string path)
    {
        var seeds = run.Seeds.Select(s => new
        {
            seed = s.Seed,
            lineages = s.Lineages.Select(l => new
            {
                lineage = l.Lineage,
                span_years = l.SpanSeconds / Year,
                best_accuracy = l.BestAccuracy,
                boards = l.Generations.Select((g, i) =>
                {
                    double until = i + 1 < l.Generations.Count ? l.Generations[i + 1].StartedServingSeconds : l.SpanSeconds;
                    var (below, unserved) = Shortfall(l, g.StartedServingSeconds, until);
                    return new
                    {
                        generation = g.Generation, serial = g.Serial, preset = g.Preset, origin = g.Origin,
                        serving_from_years = g.StartedServingSeconds / Year, accuracy_at_start = g.AccuracyAtStart,
                        died_years = g.DiedSeconds / Year, death_cause = g.DeathCause,
                        // Until the next board started serving: time a board served below the availability threshold, time none served.
                        years_until_next = (until - g.StartedServingSeconds) / Year, years_below_threshold = below / Year, years_unserved = unserved / Year,
                        // The serving accuracy (eval set) as the monitor saw it, [days since this board started serving, accuracy or null when none served].
                        service = Trace(l, g.StartedServingSeconds, until),
                    };
                }),
                handovers = l.Handovers.Select(h => new
                {
                    from_generation = h.FromGeneration, promotion = h.Promotion, reason = h.Reason, outcome = h.Outcome, failure_cause = h.FailureCause,
                    requested_years = h.RequestedSeconds / Year, started_years = h.StartedSeconds / Year, ended_years = h.EndedSeconds / Year,
                    hours = h.StartedSeconds is { } a && h.EndedSeconds is { } b ? (b - a) / 3600 : (double?)null,
                    teacher_accuracy = h.TeacherAccuracy, student_accuracy = h.StudentAccuracy,
                    resumes = h.Resumes, host_crashes = h.HostCrashes, link_losses = h.LinkLosses,
                    teacher_died = h.TeacherDiedMidHandover, student_deaths = h.StudentDeaths, journals = h.Journals,
                    teacher_queries = h.TeacherQueries, student_pulses = h.StudentPulses, outputs = h.TeacherOutputsJournaled,
                }),
                apprentices = l.Apprentices.Select(h => new
                {
                    from_generation = h.FromGeneration, outcome = h.Outcome, failure_cause = h.FailureCause,
                    requested_years = h.RequestedSeconds / Year, ended_years = h.EndedSeconds / Year,
                    teacher_queries = h.TeacherQueries, student_pulses = h.StudentPulses, spares = h.SparesUsed,
                }),
                deaths = l.DeathsByCause,
                lost_before_handover = l.LostBeforeHandover,
            }),
        });
        Core.Files.StampedJson.Write(path, JsonSerializer.Serialize(new { scenario = run.Scenario.Name, seeds }, StressReport.JsonOptions), "lineages", 1);
    }

    /// <summary>The lineage's service changes in [<paramref name="from"/>, <paramref name="to"/>): days since <paramref name="from"/> and accuracy (null: none served).</summary>
    private static double?[][] Trace(LineageResult l, double from, double to) => l.Service
        .Where(p => p.Seconds >= from && p.Seconds < to)
        .Select(p => new double?[] { Math.Round((p.Seconds - from) / 86400, 3), double.IsNaN(p.Accuracy) ? null : Math.Round(p.Accuracy, 4) })
        .ToArray();

    /// <summary>
    /// Seconds of [<paramref name="from"/>, <paramref name="to"/>) in which a board served below the lineage's availability threshold
    /// (<see cref="MetricsCalculator.AvailableFraction"/> of its best), and in which none served: where service availability was lost.
    /// </summary>
    private static (double Below, double Unserved) Shortfall(LineageResult l, double from, double to)
    {
        double threshold = MetricsCalculator.AvailableFraction * l.BestAccuracy, below = 0, unserved = 0;
        var s = l.Service;
        for (int i = 0; i < s.Count; i++)
        {
            double a = Math.Max(s[i].Seconds, from), b = Math.Min(i + 1 < s.Count ? s[i + 1].Seconds : l.SpanSeconds, Math.Min(to, l.SpanSeconds));
            if (b <= a) continue;
            if (double.IsNaN(s[i].Accuracy)) unserved += b - a;
            else if (s[i].Accuracy < threshold) below += b - a;
        }
        return (below, unserved);
    }
}
