using MortalHil.Core.Data;
using MortalHil.Core.Learning;
using MortalHil.Core.Learning.Digital;
using MortalHil.Core.Learning.Losses;
using MortalHil.Core.Learning.Trainers;

namespace MortalHil.Core.Community;

/// <summary>
/// A digital replica of a community (the <c>bp-digital</c> reference: a <see cref="FloatNetwork"/> trained by
/// <see cref="DigitalBackpropTrainer"/>). Every replica starts from the same seeded weights, so nothing needs to be
/// sent for them to start alike.
/// </summary>
public sealed class DigitalPeer : ICommunityPeer
{
    private readonly CommunityTask _task;
    private readonly CommunitySettings _s;
    private readonly DigitalBackpropTrainer _trainer;

    public DigitalPeer(int index, CommunityTask task, CommunitySettings s)
    {
        Index = index;
        _task = task;
        _s = s;
        Network = FloatNetwork.Random(s.Shape, s.Seed);
        _trainer = new DigitalBackpropTrainer(new DigitalBackpropOptions(s.DigitalLearningRate));
    }

    public int Index { get; }
    public FloatNetwork Network { get; }

    private byte[]? _received;

    public Task ReceiveAsync(byte[] message)
    {
        _received = message;
        return Task.CompletedTask;
    }

    public Task LearnAsync(int round)
    {
        if (_received is not null) throw new InvalidOperationException("digital replicas share weights, not soft targets: adopt what was received first");
        TrainOnShard(_task.Shards[Index], _s.LocalEpochs, _s.Batch, DigitalWeightAveraging.SeedFor(_s.Seed, round, Index));
        return Task.CompletedTask;
    }

    public Task<byte[]> SoftTargetsAsync() => throw new NotSupportedException("digital replicas share weights, not soft targets");

    public Task<byte[]> WeightsAsync() => Task.FromResult(CommunityMessages.Weights(Network.Weights, Network.Biases));

    public Task AdoptAsync()
    {
        var weights = _received ?? throw new InvalidOperationException($"replica {Index} was asked to adopt weights it never received");
        _received = null;
        CommunityMessages.ReadWeights(weights, Network.Weights, Network.Biases);
        return Task.CompletedTask;
    }

    public Task<PeerScore> ScoreAsync()
    {
        var (all, home, away) = ClassSplitAccuracy.Of(Network, _task.Test, _task.HomeClasses(Index), _s.TestLimit);
        return Task.FromResult(new PeerScore(all, home, away, 0));
    }

    private void TrainOnShard(LabeledImageSet shard, int epochs, int batch, int seed)
    {
        int n = shard.Features, c = shard.Classes;
        var order = Enumerable.Range(0, shard.Count).ToArray();
        var rng = SeededRandom.For(seed, "community-digital-order");
        var x = new float[batch * n];
        var labels = new byte[batch];
        var t = new float[batch * c];
        for (int e = 0; e < epochs; e++)
        {
            rng.Shuffle(order);
            for (int first = 0; first + batch <= shard.Count; first += batch)
            {
                shard.Gather(order.AsSpan(first, batch), x, labels);
                TargetDistributions.OneHot(labels, c, t);
                _trainer.Step(Network, x, t, batch);
            }
        }
    }
}
