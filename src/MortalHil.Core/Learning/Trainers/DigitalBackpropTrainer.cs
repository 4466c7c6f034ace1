using System.Numerics.Tensors;
using MortalHil.Core.Learning.Accounting;
using MortalHil.Core.Learning.Digital;
using MortalHil.Core.Learning.Losses;

namespace MortalHil.Core.Learning.Trainers;

/// <summary>Settings of the digital backprop reference.</summary>
public sealed record DigitalBackpropOptions(float LearningRate = 0.05f, float Momentum = 0.9f);

/// <summary>
/// Plain minibatch SGD with momentum and exact backprop on a <see cref="FloatNetwork"/>: the immortal
/// baseline every on-chip trainer is compared with. It never touches a board.
/// </summary>
public sealed class DigitalBackpropTrainer(DigitalBackpropOptions options, SoftmaxCrossEntropy? loss = null)
{
    private readonly SoftmaxCrossEntropy _loss = loss ?? new SoftmaxCrossEntropy();
    private float[][]? _gw, _gb, _vw, _vb;

    public string Name => "bp-digital";
    public TrainingAccount Account { get; } = new();
    /// <summary>Multiplies the learning rate (for schedules).</summary>
    public float LearningRateScale { get; set; } = 1f;

    public StepResult Step(FloatNetwork net, ReadOnlySpan<float> inputs, ReadOnlySpan<float> targetDistributions, int batch)
    {
        using var _ = Account.Time();
        if (_gw is null)
        {
            (_gw, _gb) = net.NewGradientBuffers();
            (_vw, _vb) = net.NewGradientBuffers();
        }
        float value = net.Gradient(inputs, targetDistributions, batch, _loss, _gw, _gb!);
        for (int l = 0; l < net.Weights.Length; l++)
        {
            Momentum(_vw![l], _gw[l], net.Weights[l]);
            Momentum(_vb![l], _gb![l], net.Biases[l]);
        }
        Account.AddForwardPasses(batch);
        Account.AddStep(batch);
        return new StepResult(value, TrainerMath.CountCorrect(net.LastLogits(batch), targetDistributions, batch, net.ClassCount));
    }

    private void Momentum(float[] velocity, float[] gradient, float[] parameters)
    {
        // v = μ v − η g; θ += v
        TensorPrimitives.Multiply(velocity, options.Momentum, velocity);
        TensorPrimitives.MultiplyAdd(gradient, -options.LearningRate * LearningRateScale, velocity, velocity);
        TensorPrimitives.Add(parameters, velocity, parameters);
    }
}
