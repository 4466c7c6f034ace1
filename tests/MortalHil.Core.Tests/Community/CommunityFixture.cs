using MortalHil.Core.Community;
using MortalHil.Core.Data;
using MortalHil.Core.Devices;
using MortalHil.Core.Learning.Mapping;
using MortalHil.Core.Learning.Trainers;
using MortalHil.Core.Tests.Learning;

namespace MortalHil.Core.Tests.Community;

/// <summary>A tiny community: the seeded synthetic 4x4-pixel, 4-class task on fake crossbars, small enough for unit tests.</summary>
internal static class CommunityFixture
{
    public static (LabeledImageSet Train, LabeledImageSet Test) Data(int train = 1600, int test = 400, int seed = 11, int classes = 4)
    {
        var all = new SyntheticTask(16, classes, train + test, seed);
        var pixels = all.Inputs;
        return (new LabeledImageSet("synthetic/train", pixels.AsSpan(0, train * 16).ToArray(), all.Labels.AsSpan(0, train).ToArray(), 4, 4, classes),
            new LabeledImageSet("synthetic/test", pixels.AsSpan(train * 16).ToArray(), all.Labels.AsSpan(train).ToArray(), 4, 4, classes));
    }

    public static CommunitySettings Settings(int rounds = 2, double skew = 0.9, int classes = 4) => new()
    {
        Shape = NetworkShape.Parse($"16-12-{classes}"), ShardExamples = 256, TransferExamples = 256, Rounds = rounds, LocalEpochs = 2, DistilEpochs = 2,
        Batch = 16, Temperature = 2f, QuantisationBits = 8, Skew = skew, Algo = "np",
        Trainer = new TrainerSettings { HiddenLearningRate = 0.1f, OutputLearningRate = 0.1f, BiasLearningRate = 0.1f, Directions = 8, Seed = 4 },
        Mapping = new MappingOptions { Seed = 3 }, DigitalLearningRate = 0.05f, Seed = 5,
    };

    public static IDevice[] Boards(int k) => Enumerable.Range(0, k).Select(i => (IDevice)new FakeCrossbar(FakePhysics.Ideal with { Seed = 40 + i })).ToArray();
}
