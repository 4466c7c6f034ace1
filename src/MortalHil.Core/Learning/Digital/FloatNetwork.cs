using System.Numerics.Tensors;
using MortalHil.Core.Learning.Losses;
using MortalHil.Core.Learning.Mapping;

namespace MortalHil.Core.Learning.Digital;

/// <summary>
/// The exact float model of a layered ReLU network (linear output): the "immortal" reference. It is
/// trained by backprop (<see cref="Trainers.DigitalBackpropTrainer"/>), gives true gradients for variance
/// studies, and can be built from a board's measured weights. It never trains a board.
/// </summary>
public sealed class FloatNetwork : IClassifier
{
    private float[][] _acts = [];
    private float[][] _grads = [];
    private int _traceBatch = -1;

    public FloatNetwork(NetworkShape shape, float[][] weights, float[][] biases)
    {
        Shape = shape;
        if (weights.Length != shape.LayerCount || biases.Length != shape.LayerCount) throw new ArgumentException("one weight matrix and bias per layer");
        for (int l = 0; l < shape.LayerCount; l++)
            if (weights[l].Length != shape.Sizes[l] * shape.Sizes[l + 1] || biases[l].Length != shape.Sizes[l + 1])
                throw new ArgumentException($"layer {l} has the wrong size");
        Weights = weights;
        Biases = biases;
    }

    /// <summary>He-initialised network (uniform, variance 2/fanIn for ReLU layers, 1/fanIn for the output layer).</summary>
    public static FloatNetwork Random(NetworkShape shape, int seed)
    {
        var rng = SeededRandom.For(seed, "float-init");
        var w = new float[shape.LayerCount][];
        var b = new float[shape.LayerCount][];
        for (int l = 0; l < shape.LayerCount; l++)
        {
            int fanIn = shape.Sizes[l];
            float limit = MathF.Sqrt(3f * (l == shape.LayerCount - 1 ? 1f : 2f) / fanIn);
            w[l] = new float[fanIn * shape.Sizes[l + 1]];
            for (int i = 0; i < w[l].Length; i++) w[l][i] = (2f * rng.NextFloat() - 1f) * limit;
            b[l] = new float[shape.Sizes[l + 1]];
        }
        return new FloatNetwork(shape, w, b);
    }

    /// <summary>The float twin of a board network: weights measured from conductances, biases copied from the host.</summary>
    public static FloatNetwork FromBoard(MappedNetwork net) =>
        new(net.Shape, NetworkWeights.Measure(net), net.Layers.Select(l => (float[])l.Bias.Clone()).ToArray());

    public NetworkShape Shape { get; }
    /// <summary>Weights[l]: inputs x outputs, row-major.</summary>
    public float[][] Weights { get; }
    public float[][] Biases { get; }
    public int InputCount => Shape.Inputs;
    public int ClassCount => Shape.Outputs;

    public void Predict(ReadOnlySpan<float> inputs, int batch, Span<float> logits)
    {
        Forward(inputs, batch);
        _acts[^1].AsSpan(0, batch * ClassCount).CopyTo(logits);
    }

    /// <summary>
    /// Loss and its exact gradients (averaged over the batch) for every layer.
    /// </summary>
    public float Gradient(ReadOnlySpan<float> inputs, ReadOnlySpan<float> targets, int batch, SoftmaxCrossEntropy loss,
        float[][] weightGradients, float[][] biasGradients)
    {
        Forward(inputs, batch);
        int L = Shape.LayerCount;
        float value = loss.Evaluate(_acts[L], targets, batch, ClassCount, _grads[L]);
        for (int l = L - 1; l >= 0; l--)
        {
            int nIn = Shape.Sizes[l], nOut = Shape.Sizes[l + 1];
            var delta = _grads[l + 1];
            if (l < L - 1) // ReLU: zero the gradient where the unit was off
                for (int i = 0; i < batch * nOut; i++) if (_acts[l + 1][i] <= 0) delta[i] = 0;
            Trainers.TrainerMath.AverageOuterProduct(_acts[l], delta, batch, nIn, nOut, weightGradients[l]);
            var db = biasGradients[l];
            Array.Clear(db);
            for (int b = 0; b < batch; b++) TensorPrimitives.Add(db, delta.AsSpan(b * nOut, nOut), db);
            TensorPrimitives.Multiply(db, 1f / batch, db);
            if (l > 0)
            {
                var down = _grads[l];
                var w = Weights[l];
                for (int b = 0; b < batch; b++)
                {
                    var d = delta.AsSpan(b * nOut, nOut);
                    for (int i = 0; i < nIn; i++) down[b * nIn + i] = TensorPrimitives.Dot(w.AsSpan(i * nOut, nOut), d);
                }
            }
        }
        return value;
    }

    /// <summary>Logits of the last forward pass (batch x classes).</summary>
    public ReadOnlySpan<float> LastLogits(int batch) => _acts[^1].AsSpan(0, batch * ClassCount);

    /// <summary>Gradient buffers shaped like the weights and biases.</summary>
    public (float[][] Weights, float[][] Biases) NewGradientBuffers() =>
        (Weights.Select(w => new float[w.Length]).ToArray(), Biases.Select(b => new float[b.Length]).ToArray());

    private void Forward(ReadOnlySpan<float> inputs, int batch)
    {
        int L = Shape.LayerCount;
        if (_traceBatch < batch)
        {
            _acts = Shape.Sizes.Select(s => new float[batch * s]).ToArray();
            _grads = Shape.Sizes.Select(s => new float[batch * s]).ToArray();
            _traceBatch = batch;
        }
        inputs[..(batch * InputCount)].CopyTo(_acts[0]);
        for (int l = 0; l < L; l++)
        {
            int nIn = Shape.Sizes[l], nOut = Shape.Sizes[l + 1];
            var x = _acts[l];
            var z = _acts[l + 1];
            var w = Weights[l];
            for (int b = 0; b < batch; b++)
            {
                var zb = z.AsSpan(b * nOut, nOut);
                Biases[l].AsSpan().CopyTo(zb);
                for (int i = 0; i < nIn; i++)
                {
                    float xi = x[b * nIn + i];
                    if (xi == 0) continue;
                    TensorPrimitives.MultiplyAdd(w.AsSpan(i * nOut, nOut), xi, zb, zb);
                }
                if (l < L - 1) TensorPrimitives.Max(zb, 0f, zb);
            }
        }
    }
}
