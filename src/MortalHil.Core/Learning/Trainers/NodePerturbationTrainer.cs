using MortalHil.Core.Learning.Accounting;
using MortalHil.Core.Learning.Losses;
using MortalHil.Core.Learning.Mapping;

namespace MortalHil.Core.Learning.Trainers;

/// <summary>
/// Node (activity) perturbation. The output layer's error δ = ∂L/∂logits is the derivative of the host's own
/// loss (nothing physical lies between the logits and the loss). For each hidden layer, the host perturbs the
/// activities of the active units, h' = h + σ·(m ⊙ u) with Rademacher u, re-reads the downstream layers on the
/// board, and takes the loss change to first order, ΔL ≈ δ·(y' − y); then δ̂ = mean_k (ΔL_k / σ) u_k is an
/// unbiased estimate of ∂L/∂z on the active units (ReLU slope 1) and exactly 0 on inactive ones. Every layer is
/// then updated by its outer product x δ̂ᵀ, sent as pulses (rank-1 trains where the board supports them).
/// Estimator variance grows with the number of perturbed units, not with the number of weights
/// (Werfel, Xie &amp; Seung 2005; Ren, Kornblith, Liao &amp; Hinton 2023, "activity-perturbed forward gradients").
/// </summary>
public sealed class NodePerturbationTrainer(PerturbationOptions options, SoftmaxCrossEntropy? loss = null) : IOnChipTrainer, IGradientEstimator
{
    private readonly SoftmaxCrossEntropy _loss = loss ?? new SoftmaxCrossEntropy();
    private readonly SeededRandom _rng = SeededRandom.For(options.Seed, "node-perturbation");
    private PulseWriter? _writer;
    private MappedNetwork? _writerNet;
    private ForwardTrace? _trace;
    private float[] _outputDelta = [], _perturbed = [], _perturbedLogits = [], _signs = [];
    private float[][] _deltas = [];

    public string Name => "np";
    public PerturbationOptions Options => options;
    public TrainingAccount Account { get; } = new();
    public float LearningRateScale { get; set; } = 1f;
    /// <summary>The pulse writer in use (after the first step).</summary>
    public PulseWriter? Writer => _writer;

    public StepResult Step(MappedNetwork net, ReadOnlySpan<float> inputs, ReadOnlySpan<float> targetDistributions, int batch)
    {
        using var _ = Account.Time();
        var before = net.Ledger.Snapshot();
        var (lossValue, correct) = Deltas(net, inputs, targetDistributions, batch);
        var writer = WriterFor(net);
        for (int l = 0; l < net.Layers.Count; l++)
        {
            var layer = net.Layers[l];
            float rate = LearningRateScale * (l == net.Layers.Count - 1 ? options.OutputLearningRate : options.HiddenLearningRate);
            writer.ApplyGradientStep(layer, _trace!.Inputs[l], _deltas[l], batch, rate);
            TrainerMath.UpdateBias(layer.Bias, _deltas[l], batch, LearningRateScale * options.BiasLearningRate);
        }
        Account.AddStep(batch);
        Account.AddBoard(net.Ledger.Snapshot() - before);
        return new StepResult(lossValue, correct);
    }

    public void EstimateGradient(MappedNetwork net, ReadOnlySpan<float> inputs, ReadOnlySpan<float> targetDistributions, int batch, float[][] weightGradients)
    {
        Deltas(net, inputs, targetDistributions, batch);
        for (int l = 0; l < net.Layers.Count; l++)
            TrainerMath.AverageOuterProduct(_trace!.Inputs[l], _deltas[l], batch, net.Layers[l].Inputs, net.Layers[l].Outputs, weightGradients[l]);
    }

    /// <summary>Clean pass, output error, and perturbation estimates of every hidden layer's error.</summary>
    private (float Loss, int Correct) Deltas(MappedNetwork net, ReadOnlySpan<float> inputs, ReadOnlySpan<float> targets, int batch)
    {
        int classes = net.ClassCount;
        _trace = net.Forward(inputs, batch, _trace);
        Account.AddForwardPasses(batch);
        if (_deltas.Length != net.Layers.Count) _deltas = new float[net.Layers.Count][];
        for (int l = 0; l < net.Layers.Count; l++)
            if (_deltas[l]?.Length != batch * net.Layers[l].Outputs) _deltas[l] = new float[batch * net.Layers[l].Outputs];
        float lossValue = _loss.Evaluate(_trace.Logits, targets, batch, classes, _deltas[^1]);
        int correct = TrainerMath.CountCorrect(_trace.Logits, targets, batch, classes);
        for (int l = 0; l < net.Layers.Count - 1; l++)
            EstimateHiddenDelta(net, l, batch);
        return (lossValue, correct);
    }

    private void EstimateHiddenDelta(MappedNetwork net, int l, int batch)
    {
        var trace = _trace!;
        int h = net.Layers[l].Outputs, classes = net.ClassCount, k = options.Directions;
        var next = net.Layers[l + 1];
        bool superposition = options.SuperpositionReads && l + 1 == net.Layers.Count - 1 && next.Activation == LayerActivation.None;
        float sigma = (superposition ? 1f : options.PerturbationFraction) * next.InputRange;
        var post = trace.Post[l];
        var pre = trace.Pre[l];
        var logits = trace.Logits;
        var outDelta = _deltas[^1];
        var estimate = _deltas[l];
        Array.Clear(estimate);
        int rows = k * batch;
        Ensure(ref _perturbed, rows * h);
        Ensure(ref _signs, rows * h);
        Ensure(ref _perturbedLogits, rows * classes);
        TrainerMath.ActivePerturbations(pre, post, batch, h, k, sigma, superposition, _rng, _signs, _perturbed);
        if (superposition)
            net.ReadLayer(next, _perturbed.AsSpan(0, rows * h), rows, _perturbedLogits.AsSpan(0, rows * classes), addBias: false);
        else
            net.ForwardFrom(l + 1, _perturbed.AsSpan(0, rows * h), rows, _perturbedLogits.AsSpan(0, rows * classes));
        Account.AddForwardPasses(rows);
        float norm = 1f / (sigma * k);
        for (int d = 0; d < k; d++)
        for (int b = 0; b < batch; b++)
        {
            float change = 0;
            int yo = (d * batch + b) * classes;
            if (superposition)
                for (int c = 0; c < classes; c++) change += outDelta[b * classes + c] * _perturbedLogits[yo + c];
            else
                for (int c = 0; c < classes; c++) change += outDelta[b * classes + c] * (_perturbedLogits[yo + c] - logits[b * classes + c]);
            float coefficient = change * norm;
            int o = (d * batch + b) * h;
            var est = estimate.AsSpan(b * h, h);
            System.Numerics.Tensors.TensorPrimitives.MultiplyAdd(_signs.AsSpan(o, h), coefficient, est, est);
        }
    }

    private PulseWriter WriterFor(MappedNetwork net)
    {
        if (!ReferenceEquals(net, _writerNet))
        {
            _writer = new PulseWriter(net, options.UpdateMode, SeededRandom.For(options.Seed, "np-pulses")) { TransferThreshold = options.TransferThreshold, TransferEvery = options.TransferEvery };
            _writerNet = net;
        }
        return _writer!;
    }

    private static void Ensure(ref float[] buffer, int n)
    {
        if (buffer.Length < n) buffer = new float[n];
    }
}
