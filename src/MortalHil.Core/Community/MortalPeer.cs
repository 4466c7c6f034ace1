using MortalHil.Core.Learning.Chains;
using MortalHil.Core.Learning.Mapping;
using MortalHil.Core.Mortality.Distillation;

namespace MortalHil.Core.Community;

/// <summary>
/// A mortal board of a community, in this process: a <see cref="MortalMember"/> that uploads its quantised soft outputs
/// on the transfer set or its measured conductances (as weights), learns from the hub's soft targets, and programs the
/// hub's mean weights onto its own board (program-and-verify, then its ranges fitted again).
/// </summary>
public sealed class MortalPeer : ICommunityPeer
{
    private readonly CommunityTask _task;
    private readonly CommunitySettings _s;
    private readonly SoftTargetCodec _codec;

    public MortalPeer(MortalMember member, CommunityTask task, CommunitySettings s)
    {
        Member = member;
        _task = task;
        _s = s;
        _codec = new SoftTargetCodec(s.QuantisationBits);
    }

    public MortalMember Member { get; }
    public int Index => Member.Index;

    private byte[]? _received;

    public Task ReceiveAsync(byte[] message)
    {
        _received = message;
        return Task.CompletedTask;
    }

    public Task LearnAsync(int round)
    {
        int seed = DigitalWeightAveraging.SeedFor(_s.Seed, round, Index);
        var lesson = Take();
        Member.ScaleLearningRates(MathF.Pow(_s.LearningRateDecay, round));
        if (lesson is null) Member.Learn(_s.LocalEpochs, _s.Batch, seed);
        else Member.Learn(_s.LocalEpochs, _s.Batch, seed, _task.Transfer, Targets(lesson), _s.DistilEpochs);
        return Task.CompletedTask;
    }

    private byte[]? Take()
    {
        var m = _received;
        _received = null;
        return m;
    }

    /// <summary>The distributions a soft-target message decodes to (transfer count x classes).</summary>
    private float[] Targets(byte[] lesson)
    {
        int c = _task.Classes;
        var levels = CommunityMessages.Levels(lesson, _s.QuantisationBits);
        if (levels.Length != _task.Transfer.Count * c) throw new InvalidDataException($"a lesson of {levels.Length} levels for {_task.Transfer.Count} transfer examples x {c} classes");
        var targets = new float[levels.Length];
        for (int i = 0; i < _task.Transfer.Count; i++) SoftTargetCodec.Decode(levels.AsSpan(i * c, c), targets.AsSpan(i * c, c));
        return targets;
    }

    public Task<byte[]> SoftTargetsAsync()
    {
        int c = _task.Classes, m = _task.Transfer.Count, f = _task.Transfer.Features, batch = _s.Batch;
        var logits = new float[batch * c];
        var probabilities = new float[c];
        var levels = new ushort[m * c];
        for (int start = 0; start < m; start += batch)
        {
            int n = Math.Min(batch, m - start);
            Member.Network.Predict(_task.Transfer.Pixels.AsSpan(start * f, n * f), n, logits);
            for (int i = 0; i < n; i++)
            {
                SoftTargets.Softmax(logits.AsSpan(i * c, c), _s.Temperature, probabilities);
                _codec.Encode(probabilities, levels.AsSpan((start + i) * c, c));
            }
        }
        return Task.FromResult(CommunityMessages.SoftTargets(levels, _s.QuantisationBits));
    }

    public Task<byte[]> WeightsAsync()
    {
        var weights = NetworkWeights.Measure(Member.Network);
        var biases = Member.Network.Layers.Select(l => l.Bias).ToArray();
        return Task.FromResult(CommunityMessages.Weights(weights, biases));
    }

    public Task AdoptAsync()
    {
        var message = Take() ?? throw new InvalidOperationException($"board {Index} was asked to adopt weights it never received");
        Member.Program(message);
        return Task.CompletedTask;
    }

    public Task<PeerScore> ScoreAsync()
    {
        var (all, home, away) = ClassSplitAccuracy.Of(Member.Network, _task.Test, _task.HomeClasses(Index), _s.TestLimit);
        return Task.FromResult(new PeerScore(all, home, away, Member.Pulses));
    }
}
