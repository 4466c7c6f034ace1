using System.Numerics.Tensors;
using MortalHil.Core.Learning.Accounting;
using MortalHil.Core.Learning.Losses;
using MortalHil.Core.Learning.Mapping;

namespace MortalHil.Core.Learning.Trainers;

/// <summary>
/// Local losses with activity perturbation inside each block. Every hidden layer's units are split into
/// groups; each group has its own small readout on the board (the network's local readouts) and its own loss
/// against the same targets. A hidden layer learns only from its groups' local losses: the host perturbs the
/// group's active units, re-reads the local readouts on the board, and estimates ∂L_g/∂z from the first-order
/// loss change, exactly as node perturbation does, but each estimate only has to cover one group's units, so
/// its variance is that of a group, not of the whole layer (the local-greedy forward gradient of Ren,
/// Kornblith, Liao &amp; Hinton, ICLR 2023). Readouts and the output layer learn by the delta rule from their own
/// digital losses. No error crosses from one block to the one below.
/// </summary>
public sealed class LocalLossTrainer(PerturbationOptions options, SoftmaxCrossEntropy? loss = null) : IOnChipTrainer, IGradientEstimator
{
    private readonly SoftmaxCrossEntropy _loss = loss ?? new SoftmaxCrossEntropy();
    private readonly SeededRandom _rng = SeededRandom.For(options.Seed, "local-losses");
    private PulseWriter? _writer;
    private MappedNetwork? _writerNet;
    private ForwardTrace? _trace;
    private float[][] _deltas = [];
    private float[][] _readoutOut = [], _readoutDelta = [];
    private float[] _perturbed = [], _perturbedOut = [], _signs = [];

    public string Name => "ll";
    public PerturbationOptions Options => options;
    public TrainingAccount Account { get; } = new();
    public float LearningRateScale { get; set; } = 1f;
    public PulseWriter? Writer => _writer;

    public StepResult Step(MappedNetwork net, ReadOnlySpan<float> inputs, ReadOnlySpan<float> targetDistributions, int batch)
    {
        using var _ = Account.Time();
        var before = net.Ledger.Snapshot();
        var (lossValue, correct) = Deltas(net, inputs, targetDistributions, batch);
        var writer = WriterFor(net);
        var trace = _trace!;
        for (int l = 0; l < net.Layers.Count; l++)
        {
            var layer = net.Layers[l];
            bool last = l == net.Layers.Count - 1;
            writer.ApplyGradientStep(layer, trace.Inputs[l], _deltas[l], batch, LearningRateScale * (last ? options.OutputLearningRate : options.HiddenLearningRate));
            TrainerMath.UpdateBias(layer.Bias, _deltas[l], batch, LearningRateScale * options.BiasLearningRate);
            if (!last && net.LocalReadouts[l] is { } readout)
            {
                writer.ApplyGradientStep(readout, trace.Post[l], _readoutDelta[l], batch, LearningRateScale * options.OutputLearningRate);
                TrainerMath.UpdateBias(readout.Bias, _readoutDelta[l], batch, LearningRateScale * options.BiasLearningRate);
            }
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

    private (float Loss, int Correct) Deltas(MappedNetwork net, ReadOnlySpan<float> inputs, ReadOnlySpan<float> targets, int batch)
    {
        if (net.LocalReadouts.Count < net.Layers.Count - 1 || net.LocalReadouts.Take(net.Layers.Count - 1).Any(r => r is null))
            throw new InvalidOperationException("local-loss training needs a network mapped with local readouts (MappingOptions.ReadoutGroups > 0)");
        int classes = net.ClassCount;
        _trace = net.Forward(inputs, batch, _trace);
        Account.AddForwardPasses(batch);
        int L = net.Layers.Count;
        if (_deltas.Length != L) { _deltas = new float[L][]; _readoutOut = new float[L][]; _readoutDelta = new float[L][]; }
        for (int l = 0; l < L; l++)
            if (_deltas[l]?.Length != batch * net.Layers[l].Outputs) _deltas[l] = new float[batch * net.Layers[l].Outputs];
        float lossValue = _loss.Evaluate(_trace.Logits, targets, batch, classes, _deltas[L - 1]);
        int correct = TrainerMath.CountCorrect(_trace.Logits, targets, batch, classes);
        for (int l = 0; l < L - 1; l++) LocalBlock(net, l, targets, batch);
        return (lossValue, correct);
    }

    /// <summary>Local readout errors (exact, digital) and the hidden layer's error estimated through the board readout.</summary>
    private void LocalBlock(MappedNetwork net, int l, ReadOnlySpan<float> targets, int batch)
    {
        var readout = net.LocalReadouts[l]!;
        var trace = _trace!;
        int h = net.Layers[l].Outputs, classes = net.ClassCount, groups = readout.Outputs / classes, k = options.Directions;
        int outs = readout.Outputs;
        if (_readoutOut[l]?.Length != batch * outs) { _readoutOut[l] = new float[batch * outs]; _readoutDelta[l] = new float[batch * outs]; }
        var y = _readoutOut[l];
        var dy = _readoutDelta[l];
        var post = trace.Post[l];
        var pre = trace.Pre[l];
        net.ReadLayer(readout, post, batch, y);

        // Each group's local loss against the same targets: the group's logits are columns [g·C, (g+1)·C).
        var gl = new float[batch * classes];
        var gd = new float[batch * classes];
        for (int g = 0; g < groups; g++)
        {
            for (int b = 0; b < batch; b++) y.AsSpan(b * outs + g * classes, classes).CopyTo(gl.AsSpan(b * classes));
            _loss.Evaluate(gl, targets, batch, classes, gd);
            for (int b = 0; b < batch; b++) gd.AsSpan(b * classes, classes).CopyTo(dy.AsSpan(b * outs + g * classes));
        }

        // Perturb the active units of every group at once (independent signs), read the readouts again.
        bool superposition = options.SuperpositionReads;
        float sigma = (superposition ? 1f : options.PerturbationFraction) * readout.InputRange;
        int rows = k * batch;
        Ensure(ref _perturbed, rows * h);
        Ensure(ref _signs, rows * h);
        Ensure(ref _perturbedOut, rows * outs);
        TrainerMath.ActivePerturbations(pre, post, batch, h, k, sigma, superposition, _rng, _signs, _perturbed);
        net.ReadLayer(readout, _perturbed.AsSpan(0, rows * h), rows, _perturbedOut.AsSpan(0, rows * outs), addBias: !superposition);
        Account.AddForwardPasses(rows);

        var estimate = _deltas[l];
        Array.Clear(estimate);
        float norm = 1f / (sigma * k);
        foreach (var block in readout.Blocks)
        {
            // A readout block maps one group's units (block inputs) to that group's logits (block outputs).
            for (int d = 0; d < k; d++)
            for (int b = 0; b < batch; b++)
            {
                int yo = (d * batch + b) * outs, o = (d * batch + b) * h;
                float change = 0;
                for (int c = block.OutputStart; c < block.OutputStart + block.OutputCount; c++)
                    change += dy[b * outs + c] * (superposition ? _perturbedOut[yo + c] : _perturbedOut[yo + c] - y[b * outs + c]);
                var est = estimate.AsSpan(b * h + block.InputStart, block.InputCount);
                TensorPrimitives.MultiplyAdd(_signs.AsSpan(o + block.InputStart, block.InputCount), change * norm, est, est);
            }
        }
    }

    private PulseWriter WriterFor(MappedNetwork net)
    {
        if (!ReferenceEquals(net, _writerNet))
        {
            _writer = new PulseWriter(net, options.UpdateMode, SeededRandom.For(options.Seed, "ll-pulses")) { TransferThreshold = options.TransferThreshold, TransferEvery = options.TransferEvery };
            _writerNet = net;
        }
        return _writer!;
    }

    private static void Ensure(ref float[] buffer, int n)
    {
        if (buffer.Length < n) buffer = new float[n];
    }
}
