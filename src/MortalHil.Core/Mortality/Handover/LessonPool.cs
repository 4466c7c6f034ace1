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

    public LessonPool(TransferSet transfer, HandoverPlan plan, int classes)
    {
        _transfer = transfer;
        _plan = plan;
        _classes = classes;
        _codec = new SoftTargetCodec(plan.QuantisationBits);
        Information = new TransferInformation(classes, plan.QuantisationBits);
    }

    public int Count { get; private set; }
    public int Batches => _batches.Count;
    public TransferInformation Information { get; }
    public bool Has(int batch) => _batches.Contains(batch);

    public void Add(TeacherBatch b)
    {
        if (b.Classes != _classes) throw new InvalidDataException($"journaled batch {b.Batch} has {b.Classes} classes, the student has {_classes}");
        if (!_batches.Add(b.Batch)) return;
        var input = new float[_transfer.InputCount];
        var p = new float[_classes];
        var sent = new float[_classes];
        var levels = new ushort[_classes];
        for (int i = 0; i < b.Count; i++)
        {
            _transfer.Fill(b.FirstIndex + i, input);
            _inputs.AddRange(input);
            var logits = b.Logits.AsSpan(i * _classes, _classes);
            SoftTargets.Softmax(logits, _plan.Temperature, p);
            _codec.Encode(p, levels);
            int argmax = ClassifierEvaluation.ArgMax(logits);
            Information.Add(levels, argmax);
            if (_plan.Lesson == LessonKind.Soft) SoftTargetCodec.Decode(levels, sent);
            else SoftTargets.HardTarget(logits, sent);
            _targets.AddRange(sent);
            Count++;
        }
    }

    /// <summary>Fills a minibatch drawn (with replacement) by a generator seeded from the plan's seed and the student's step.</summary>
    public void Draw(long step, int batch, Span<float> inputs, Span<float> targets)
    {
        var rng = new Random(SeedMixer.Mix(_plan.Seed, step, 0xba7c));
        int n = _transfer.InputCount;
        var allInputs = System.Runtime.InteropServices.CollectionsMarshal.AsSpan(_inputs);
        var allTargets = System.Runtime.InteropServices.CollectionsMarshal.AsSpan(_targets);
        for (int i = 0; i < batch; i++)
        {
            int k = rng.Next(Count);
            allInputs.Slice(k * n, n).CopyTo(inputs.Slice(i * n, n));
            allTargets.Slice(k * _classes, _classes).CopyTo(targets.Slice(i * _classes, _classes));
        }
    }
}
