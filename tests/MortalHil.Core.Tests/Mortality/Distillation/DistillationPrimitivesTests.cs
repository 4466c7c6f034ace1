using MortalHil.Core.Mortality.Distillation;

namespace MortalHil.Core.Tests.Mortality.Distillation;

public class DistillationPrimitivesTests
{
    [Fact]
    public void A_higher_temperature_gives_a_softer_distribution_with_the_same_ranking()
    {
        float[] z = [3, 1, 0.5f, -2];
        var cold = new float[4];
        var hot = new float[4];
        SoftTargets.Softmax(z, 1, cold);
        SoftTargets.Softmax(z, 8, hot);
        Assert.Equal(1, cold.Sum(), 5);
        Assert.Equal(1, hot.Sum(), 5);
        Assert.True(hot[0] < cold[0] && hot[3] > cold[3]);
        Assert.True(hot[0] > hot[1] && hot[1] > hot[2] && hot[2] > hot[3]);
    }

    [Fact]
    public void The_distillation_loss_is_smallest_when_the_student_matches_the_teacher()
    {
        float[] teacher = [2, -1, 0.3f, 1.1f];
        var q = new float[4];
        SoftTargets.Softmax(teacher, 4, q);
        double match = SoftTargets.Loss(teacher, q, 4);
        var rng = new Random(1);
        for (int i = 0; i < 100; i++)
        {
            var other = teacher.Select(v => v + (float)(rng.NextDouble() - 0.5)).ToArray();
            Assert.True(SoftTargets.Loss(other, q, 4) >= match - 1e-9);
        }
    }

    [Theory]
    [InlineData(2)]
    [InlineData(8)]
    [InlineData(12)]
    public void A_quantised_distribution_decodes_to_a_distribution_within_one_level(int bits)
    {
        var codec = new SoftTargetCodec(bits);
        float[] p = [0.7f, 0.2f, 0.06f, 0.04f];
        var received = new float[4];
        codec.RoundTrip(p, received, new ushort[4]);
        Assert.Equal(1, received.Sum(), 5);
        for (int i = 0; i < 4; i++) Assert.InRange(received[i], p[i] - 2.0f / codec.Levels, p[i] + 2.0f / codec.Levels);
    }

    [Fact]
    public void A_transfer_example_is_a_pure_function_of_its_index()
    {
        var pool = Enumerable.Range(0, 16 * 5).Select(i => (i % 7) / 7f).ToArray();
        var a = new TransferSet(pool, 16, 20, seed: 4, imageWidth: 4, maxShift: 1, noise: 0.1f);
        var b = new TransferSet(pool, 16, 20, seed: 4, imageWidth: 4, maxShift: 1, noise: 0.1f);
        var x = new float[16];
        var y = new float[16];
        for (int i = 19; i >= 0; i--)
        {
            a.Fill(i, x);
            b.Fill(i, y);
            Assert.Equal(x, y);
            Assert.All(x, v => Assert.InRange(v, 0f, 6 / 7f));
        }
        a.Fill(0, x);
        a.Fill(5, y);
        Assert.NotEqual(x, y); // same pool image (5 images), different jitter
    }

    [Fact]
    public void Label_information_never_exceeds_log2_of_the_classes()
    {
        var info = new TransferInformation(10, 8);
        var rng = new Random(2);
        var levels = new ushort[10];
        for (int i = 0; i < 5000; i++)
        {
            for (int k = 0; k < 10; k++) levels[k] = (ushort)rng.Next(256);
            info.Add(levels, rng.Next(10));
        }
        Assert.InRange(info.LabelBitsPerExample, 3.2, Math.Log2(10));
        Assert.Equal(80, info.PayloadBitsPerExample);
        Assert.InRange(info.InformationBitsPerExample, 70, 80);
    }
}
