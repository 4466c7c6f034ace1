using System.Globalization;
using MortalHil.Core.Learning;
using MortalHil.Core.Mortality.Distillation;
using MortalHil.Core.Mortality.Handover;

namespace MortalHil.Core.Mortality.Lifecycle;

/// <summary>
/// Lessons from a teacher's prime: its outputs on the transfer set, recorded while it is at its best and journaled in an
/// archive of their own (a <see cref="HandoverJournal"/> holding only teacher outputs). A later handover learns from them
/// beside live queries, and every later generation can learn from the same first teacher, so what a lineage knows does not
/// drift with each board's decline and each distillation's gap.
/// </summary>
public sealed class PrimeLessons
{
    private PrimeLessons(string path, IReadOnlyList<TeacherBatch> batches, long queries, int bits)
    {
        Path = path;
        Batches = batches;
        TeacherQueries = queries;
        Examples = batches.Sum(b => (long)b.Count);
        int classes = batches.Count > 0 ? batches[0].Classes : 0;
        PayloadBits = Examples * classes * (double)bits;
    }

    /// <summary>The archive file.</summary>
    public string Path { get; }
    public IReadOnlyList<TeacherBatch> Batches { get; }
    public long Examples { get; }
    /// <summary>Queries the teacher answered to record the archive.</summary>
    public long TeacherQueries { get; }
    /// <summary>Bits of the soft targets the archive holds as sent (examples x classes x quantisation bits).</summary>
    public double PayloadBits { get; }

    /// <summary>What identifies the archive in a handover's fingerprint.</summary>
    public string Identity => string.Create(CultureInfo.InvariantCulture, $"{System.IO.Path.GetFileName(Path)}:{Examples}:{Batches.Sum(b => b.Logits.Sum(v => (double)v)):R}");

    /// <summary>
    /// Asks <paramref name="teacher"/> about every batch of <paramref name="transfer"/> as <paramref name="plan"/> lays them out and
    /// journals the answers in a fresh archive at <paramref name="path"/> (replacing any file there).
    /// </summary>
    public static PrimeLessons Record(IClassifier teacher, TransferSet transfer, HandoverPlan plan, string path)
    {
        HandoverJournal.Delete(path);
        int n = transfer.InputCount, k = teacher.ClassCount;
        var inputs = new float[plan.QueryBatch * n];
        var logits = new float[plan.QueryBatch * k];
        using var archive = HandoverJournal.Open(path, Fingerprint(plan));
        for (int b = 0; b < plan.TransferBatches; b++)
        {
            long first = (long)b * plan.QueryBatch;
            int count = (int)Math.Min(plan.QueryBatch, plan.TransferExamples - first);
            transfer.Fill(first, count, inputs);
            archive.RecordQueryIntent(QueryPurpose.Transfer, b, count);
            teacher.Predict(inputs.AsSpan(0, count * n), count, logits.AsSpan(0, count * k));
            archive.AppendTeacherOutputs(b, first, count, k, logits.AsSpan(0, count * k));
        }
        return new PrimeLessons(path, archive.TeacherOutputs(), archive.TeacherQueries(), plan.QuantisationBits);
    }

    /// <summary>Opens an archive <see cref="Record"/> wrote for the same plan.</summary>
    public static PrimeLessons Load(string path, HandoverPlan plan)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"prime lessons {path} not found", path);
        using var archive = HandoverJournal.Open(path, Fingerprint(plan));
        return new PrimeLessons(path, archive.TeacherOutputs(), archive.TeacherQueries(), plan.QuantisationBits);
    }

    private static Dictionary<string, string> Fingerprint(HandoverPlan plan) => new()
    {
        ["kind"] = "prime_lessons",
        ["transfer_examples"] = plan.TransferExamples.ToString(CultureInfo.InvariantCulture),
        ["query_batch"] = plan.QueryBatch.ToString(CultureInfo.InvariantCulture),
        ["seed"] = plan.Seed.ToString(CultureInfo.InvariantCulture),
    };
}
