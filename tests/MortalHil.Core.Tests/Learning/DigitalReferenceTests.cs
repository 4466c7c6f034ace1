using MortalHil.Core.Learning.Digital;
using MortalHil.Core.Learning.Losses;
using MortalHil.Core.Learning.Mapping;
using MortalHil.Core.Learning.Trainers;

namespace MortalHil.Core.Tests.Learning;

public class DigitalReferenceTests
{
    [Fact]
    public void Backprop_gradients_match_finite_differences()
    {
        var net = FloatNetwork.Random(NetworkShape.Parse("6-5-3"), 2);
        var (train, _) = SyntheticTask.Split(6, 3, 8, 1, 3);
        var t = TargetDistributions.OneHot(train.Labels, 3);
        var loss = new SoftmaxCrossEntropy();
        var (gw, gb) = net.NewGradientBuffers();
        net.Gradient(train.Inputs, t, 8, loss, gw, gb);
        const float h = 1e-3f;
        for (int l = 0; l < 2; l++)
        for (int i = 0; i < net.Weights[l].Length; i += 3)
        {
            float keep = net.Weights[l][i];
            net.Weights[l][i] = keep + h;
            float up = Loss(net, train, t, loss);
            net.Weights[l][i] = keep - h;
            float down = Loss(net, train, t, loss);
            net.Weights[l][i] = keep;
            Assert.Equal((up - down) / (2 * h), gw[l][i], 2e-3f);
        }
    }

    [Fact]
    public void Digital_backprop_learns_the_synthetic_task()
    {
        var (train, test) = SyntheticTask.Split(16, 4, 512, 256, 1);
        var net = FloatNetwork.Random(NetworkShape.Parse("16-24-4"), 2);
        var trainer = new DigitalBackpropTrainer(new DigitalBackpropOptions(0.05f, 0.9f));
        var t = TargetDistributions.OneHot(train.Labels, 4);
        for (int e = 0; e < 5; e++)
        for (int s = 0; s + 16 <= train.Count; s += 16)
            trainer.Step(net, train.Inputs.AsSpan(s * 16, 16 * 16), t.AsSpan(s * 4, 16 * 4), 16);
        Assert.True(TrainerHarness.Accuracy(net, test) >= 0.95f);
        Assert.Equal(5 * 512, trainer.Account.ForwardPasses);
    }

    [Fact]
    public void Soft_targets_at_high_temperature_are_flatter_and_the_loss_gradient_vanishes_at_the_target()
    {
        float[] logits = [4f, 1f, 0f];
        var soft1 = new float[3];
        var soft8 = new float[3];
        TargetDistributions.Soften(logits, 1, 3, 1f, soft1);
        TargetDistributions.Soften(logits, 1, 3, 8f, soft8);
        Assert.Equal(1f, soft8.Sum(), 1e-5f);
        Assert.True(soft8.Max() < soft1.Max());
        var loss = new SoftmaxCrossEntropy(8f);
        var g = new float[3];
        loss.Evaluate(logits, soft8, 1, 3, g);
        Assert.All(g, v => Assert.Equal(0f, v, 1e-5f));
    }

    [Fact]
    public void Cross_entropy_gradient_matches_finite_differences_at_a_temperature()
    {
        var loss = new SoftmaxCrossEntropy(3f, scaleByTemperatureSquared: false);
        float[] y = [0.5f, -1f, 2f, 0.1f];
        float[] t = [0.1f, 0.2f, 0.3f, 0.4f];
        var g = new float[4];
        loss.Evaluate(y, t, 1, 4, g);
        for (int c = 0; c < 4; c++)
        {
            var up = (float[])y.Clone(); up[c] += 1e-3f;
            var down = (float[])y.Clone(); down[c] -= 1e-3f;
            Assert.Equal((loss.Evaluate(up, t, 1, 4) - loss.Evaluate(down, t, 1, 4)) / 2e-3f, g[c], 1e-3f);
        }
    }

    private static float Loss(FloatNetwork net, SyntheticTask data, float[] t, SoftmaxCrossEntropy loss)
    {
        var logits = new float[data.Count * 3];
        net.Predict(data.Inputs, data.Count, logits);
        return loss.Evaluate(logits, t, data.Count, 3);
    }
}
