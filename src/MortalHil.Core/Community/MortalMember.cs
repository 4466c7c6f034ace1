using MortalHil.Core.Data;
using MortalHil.Core.Devices;
using MortalHil.Core.Learning;
using MortalHil.Core.Learning.Chains;
using MortalHil.Core.Learning.Losses;
using MortalHil.Core.Learning.Mapping;
using MortalHil.Core.Learning.Trainers;

namespace MortalHil.Core.Community;

/// <summary>
/// One mortal board of a community: its network mapped onto the board (seen only through <see cref="IDevice"/>), an
/// on-chip trainer for its labels and one for soft targets (at the distillation temperature), and its shard.
/// </summary>
public sealed class MortalMember
{
    private readonly long _pulsesAtStart;

    private MortalMember(IDevice device, MappedNetwork net, int index, CommunitySettings s, LabeledImageSet shard)
    {
        Device = device;
        Network = net;
        Index = index;
        Shard = shard;
        _pulsesAtStart = device.ReadHealth().TotalPulses;
        int seed = DigitalWeightAveraging.SeedFor(s.Seed, 1000, index);
        bool chain = ChainMapper.HasChain(device);
        LabelTrainer = TrainerFactory.Create(s.Algo, s.Trainer with { Seed = seed }, chain);
        SoftTrainer = TrainerFactory.Create(s.Algo, s.Trainer with { Seed = seed + 1, Temperature = s.Temperature }, chain);
    }

    public IDevice Device { get; }
    public MappedNetwork Network { get; }
    public int Index { get; }
    public LabeledImageSet Shard { get; }
    public IOnChipTrainer LabelTrainer { get; }
    public IOnChipTrainer SoftTrainer { get; }

    /// <summary>Pulses the board has taken since it joined (mapping excluded).</summary>
    public long Pulses => Device.ReadHealth().TotalPulses - _pulsesAtStart;

    /// <summary>
    /// Maps a fresh network onto <paramref name="device"/> (its chain if it has one, whose stages then fix the shape) and,
    /// when <paramref name="startWeights"/> is given, programs that weights message onto it (<see cref="Program"/>).
    /// </summary>
    public static MortalMember Join(IDevice device, int index, CommunitySettings s, LabeledImageSet shard, byte[]? startWeights = null)
    {
        var comparison = new MortalComparisonSettings
        {
            TrainExamples = shard.Count, Epochs = s.LocalEpochs, Batch = s.Batch, RetrainExamples = 0, Temperature = s.Temperature,
            Trainer = s.Trainer, Mapping = s.Mapping with { Seed = DigitalWeightAveraging.SeedFor(s.Mapping.Seed, 2000, index) }, Algo = s.Algo, Seed = s.Seed,
        };
        var member = new MortalMember(device, MortalComparison.Map(device, s.Shape, comparison, shard), index, s, shard);
        if (startWeights is not null) member.Program(startWeights);
        return member;
    }

    /// <summary>
    /// Programs a weights message (<see cref="CommunityMessages.Weights"/>, laid out as this board's mapped layers) onto the
    /// board by program-and-verify and takes its host-side biases; a per-layer board's ranges are then fitted again on
    /// its shard (a chain's neurons have fixed ranges).
    /// </summary>
    public void Program(byte[] message)
    {
        var net = Network;
        var weights = net.Layers.Select(l => new float[l.Inputs * l.Outputs]).ToArray();
        var biases = net.Layers.Select(l => new float[l.Bias.Length]).ToArray();
        CommunityMessages.ReadWeights(message, weights, biases);
        var programmer = WeightProgrammer.For(net);
        for (int l = 0; l < net.Layers.Count; l++)
        {
            programmer.ProgramLayer(net, net.Layers[l], weights[l], ChainCopy.Programming);
            biases[l].CopyTo(net.Layers[l].Bias, 0);
        }
        if (net.Chain is not null) return;
        int n = Math.Min(512, Shard.Count);
        BoardCalibration.FitRanges(net, Shard.Pixels.AsSpan(0, n * Shard.Features), n);
    }

    /// <summary>Scales both trainers' learning rates (the per-round decay of <see cref="CommunitySettings.LearningRateDecay"/>).</summary>
    public void ScaleLearningRates(float scale)
    {
        LabelTrainer.LearningRateScale = scale;
        SoftTrainer.LearningRateScale = scale;
    }

    /// <summary>
    /// One round of learning: <paramref name="epochs"/> passes over the shard with labels and, when
    /// <paramref name="softTargets"/> is given, <paramref name="distilEpochs"/> passes over the transfer set towards those
    /// targets, the two kinds of step interleaved evenly (so the board minimises the sum of both losses, as in online
    /// distillation, Anil et al., ICLR 2018, rather than forgetting one lesson while learning the other).
    /// </summary>
    public void Learn(int epochs, int batch, int seed, LabeledImageSet? transfer = null, float[]? softTargets = null, int distilEpochs = 0)
    {
        int labelSteps = Shard.Count / batch * epochs;
        int softSteps = softTargets is null || transfer is null ? 0 : transfer.Count / batch * distilEpochs;
        var labelBatches = new BatchOrder(Shard.Count, batch, SeededRandom.For(seed, "community-label-order"));
        var softBatches = softSteps == 0 ? null : new BatchOrder(transfer!.Count, batch, SeededRandom.For(seed, "community-soft-order"));
        int n = Shard.Features, c = Shard.Classes;
        var x = new float[batch * n];
        var labels = new byte[batch];
        var t = new float[batch * c];
        int total = labelSteps + softSteps, doneLabel = 0, doneSoft = 0;
        for (int step = 0; step < total; step++)
        {
            // Even interleaving: a soft step whenever the soft steps have fallen behind their share of the round.
            bool soft = doneSoft < softSteps && (doneLabel >= labelSteps || (doneSoft + 0.5) * labelSteps <= (doneLabel + 0.5) * softSteps);
            if (soft)
            {
                var idx = softBatches!.Next();
                for (int b = 0; b < batch; b++)
                {
                    transfer!.Example(idx[b]).CopyTo(x.AsSpan(b * n, n));
                    softTargets!.AsSpan(idx[b] * c, c).CopyTo(t.AsSpan(b * c, c));
                }
                SoftTrainer.Step(Network, x, t, batch);
                doneSoft++;
            }
            else
            {
                Shard.Gather(labelBatches.Next(), x, labels);
                TargetDistributions.OneHot(labels, c, t);
                LabelTrainer.Step(Network, x, t, batch);
                doneLabel++;
            }
        }
    }

    /// <summary>Shuffled mini-batches over n examples, reshuffled after each pass.</summary>
    private sealed class BatchOrder
    {
        private readonly int[] _order;
        private readonly int _batch;
        private readonly SeededRandom _rng;
        private int _next;

        public BatchOrder(int count, int batch, SeededRandom rng)
        {
            _order = Enumerable.Range(0, count).ToArray();
            _batch = batch;
            _rng = rng;
            _next = count; // shuffles before the first batch
        }

        public ReadOnlySpan<int> Next()
        {
            if (_next + _batch > _order.Length) { _rng.Shuffle(_order); _next = 0; }
            var span = _order.AsSpan(_next, _batch);
            _next += _batch;
            return span;
        }
    }
}
