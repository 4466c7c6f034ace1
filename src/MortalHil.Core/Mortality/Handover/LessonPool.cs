using MortalHil.Core.Mortality.Distillation;
using MortalHil.Core.Mortality.Ports;

namespace MortalHil.Core.Mortality.Handover;

/// <summary>
/// Everything the teacher has taught so far, ready for training: the transfer inputs (regenerated
/// from their indices) and the targets the student receives (soft, quantised by the codec; or the
/// teacher's hard label), with the information accounting of what was sent.
/// </summary>
internal sealed class LessonPool
{
    private readonly TransferSet _transfer;
    private readonly HandoverPlan _plan;
    private readonly SoftTargetCodec _codec;
    private readonly int _classes;
    private readonly List<float> _inputs = [];
    private readonly List<float> _targets = [];
    private readonly HashSet<int> _batches = [];
    private readonly List<float> _primeInputs = [];
    private readonly List<float> _primeTargets = [];
    private readonly Dictionary<long, int> _primeArgMax = [];
    private long _agreeing, _compared;

    public LessonPool(TransferSet transfer, HandoverPlan plan, int classes)
    {
        _transfer = transfer;
        _plan = plan;
        _classes = classes;
        _codec = new SoftTargetCodec(plan.QuantisationBits);
        Information = new TransferInformation(classes, plan.QuantisationBits);
    }

    /// <summary>Live teacher outputs collected in this handover.</summary>
    public int Count { get; private set; }
    /// <summary>Lessons from the teacher's prime (recorded earlier, not asked again).</summary>
    public int PrimeCount { get; private set; }
    /// <summary>Lessons the student can learn from, of both sources.</summary>
    public int Total => Count + PrimeCount;
    /// <summary>Share of the transfer examples known from both sources on which the live teacher's argmax agrees with its prime's (NaN when none).</summary>
    public double PrimeAgreement => _compared == 0 ? double.NaN : _agreeing / (double)_compared;
    public int Batches => _batches.Count;
    public TransferInformation Information { get; }
    public bool Has(int batch) => _batches.Contains(batch);

    public void Add(TeacherBatch b)
    {
        if (b.Classes != _classes) throw new InvalidDataException($"journaled batch {b.Batch} has {b.Classes} classes, the student has {_classes}");
        if (!_batches.Add(b.Batch)) return;
        Append(b, _inputs, _targets, (index, levels, argmax) =>
        {
            Information.Add(levels, argmax);
            if (_primeArgMax.TryGetValue(index, out int prime))
            {
                _compared++;
                if (prime == argmax) _agreeing++;
            }
            Count++;
        });
    }

    /// <summary>
    /// Adds a lesson recorded from the teacher at its prime (same transfer set, same codec). It is not a live output: it
    /// does not mark its batch as collected, so the live teacher is still asked about it.
    /// </summary>
    public void AddPrime(TeacherBatch b)
    {
        if (b.Classes != _classes) throw new InvalidDataException($"prime lesson batch {b.Batch} has {b.Classes} classes, the student has {_classes}");
        Append(b, _primeInputs, _primeTargets, (index, _, argmax) =>
        {
            _primeArgMax[index] = argmax;
            PrimeCount++;
        });
    }

    private delegate void LessonAdded(long transferIndex, ushort[] sentLevels, int teacherArgMax);

    /// <summary>
    /// Appends each example of <paramref name="b"/>: its transfer input, and the target the student receives (the soft target as
    /// the codec sends it, or the teacher's hard label); then tells <paramref name="added"/> what was sent.
    /// </summary>
    private void Append(TeacherBatch b, List<float> inputs, List<float> targets, LessonAdded added)
    {
        var input = new float[_transfer.InputCount];
        var p = new float[_classes];
        var sent = new float[_classes];
        var levels = new ushort[_classes];
        for (int i = 0; i < b.Count; i++)
        {
            _transfer.Fill(b.FirstIndex + i, input);
            inputs.AddRange(input);
            var logits = b.Logits.AsSpan(i * _classes, _classes);
            SoftTargets.Softmax(logits, _plan.Temperature, p);
            _codec.Encode(p, levels);
            if (_plan.Lesson == LessonKind.Soft) SoftTargetCodec.Decode(levels, sent);
            else SoftTargets.HardTarget(logits, sent);
            targets.AddRange(sent);
            added(b.FirstIndex + i, levels, ClassifierEvaluation.ArgMax(logits));
        }
    }

    /// <summary>
    /// Fills a minibatch drawn (with replacement) by a generator seeded from the plan's seed and the student's step: each example
    /// from the prime lessons with probability <see cref="HandoverPlan.PrimeShare"/> when there are both sources, else from the one there is.
    /// </summary>
    public void Draw(long step, int batch, Span<float> inputs, Span<float> targets)
    {
        var rng = new Random(SeedMixer.Mix(_plan.Seed, step, 0xba7c));
        int n = _transfer.InputCount;
        for (int i = 0; i < batch; i++)
        {
            bool fromPrime = PrimeCount > 0 && (Count == 0 || rng.NextDouble() < _plan.PrimeShare);
            var xs = System.Runtime.InteropServices.CollectionsMarshal.AsSpan(fromPrime ? _primeInputs : _inputs);
            var ts = System.Runtime.InteropServices.CollectionsMarshal.AsSpan(fromPrime ? _primeTargets : _targets);
            int k = rng.Next(fromPrime ? PrimeCount : Count);
            xs.Slice(k * n, n).CopyTo(inputs.Slice(i * n, n));
            ts.Slice(k * _classes, _classes).CopyTo(targets.Slice(i * _classes, _classes));
        }
    }
}
