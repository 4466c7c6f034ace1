using MortalHil.Core.Learning.Accounting;
using MortalHil.Core.Learning.Losses;
using MortalHil.Core.Learning.Mapping;

namespace MortalHil.Core.Learning.Trainers;

/// <summary>Settings of weight perturbation.</summary>
public sealed record WeightPerturbationOptions
{
    /// <summary>Learning rate (effective-weight units per unit gradient).</summary>
    public float LearningRate { get; init; } = 0.01f;
    /// <summary>Perturbation size in pair pulses on every weight (the smallest a board can do is 1).</summary>
    public int PerturbationPulses { get; init; } = 2;
    /// <summary>Host-side bias perturbation, as a multiple of the layer's weight perturbation.</summary>
    public float BiasPerturbationScale { get; init; } = 1f;
    public UpdateMode UpdateMode { get; init; } = UpdateMode.Auto;
    public int Seed { get; init; } = 1;
}

/// <summary>
/// Weight perturbation, SPSA-style with antithetic pairs (Spall 1992): every weight of every layer is moved
/// by ±c along one random sign pattern Δ through the board itself (pulses), the loss is read at +cΔ and at
/// −cΔ, and the estimate ĝ = (L+ − L−)/(2c) Δ is followed. Two loss measurements per step whatever the
/// number of weights, but the estimate's variance grows with that number (Werfel, Xie &amp; Seung 2005).
/// Each layer's Δ is a rank-1 sign pattern r cᵀ (Rademacher r, c), which has the identity covariance SPSA
/// needs and can be applied in one parallel outer-product request. Perturbing costs pulses and wear on every
/// cell every step, and on a real device the way back is never exact: all of it is counted.
/// </summary>
public sealed class WeightPerturbationTrainer(WeightPerturbationOptions options, SoftmaxCrossEntropy? loss = null) : IOnChipTrainer, IGradientEstimator
{
    private readonly SoftmaxCrossEntropy _loss = loss ?? new SoftmaxCrossEntropy();
    private readonly SeededRandom _rng = SeededRandom.For(options.Seed, "weight-perturbation");
    private PulseWriter? _writer;
    private MappedNetwork? _writerNet;
    private sbyte[][] _rows = [], _cols = [];
    private float[][] _biasSigns = [];
    private float[] _logits = [];

    public string Name => "wp";
    public WeightPerturbationOptions Options => options;
    public TrainingAccount Account { get; } = new();
    public float LearningRateScale { get; set; } = 1f;

    public StepResult Step(MappedNetwork net, ReadOnlySpan<float> inputs, ReadOnlySpan<float> targetDistributions, int batch)
    {
        using var _ = Account.Time();
        var before = net.Ledger.Snapshot();
        var (difference, lossPlus, correct) = Measure(net, inputs, targetDistributions, batch);
        // Return to the start and take the step in the same pulse request: +p (back) plus the update along Δ.
        var writer = WriterFor(net);
        int p = options.PerturbationPulses;
        for (int l = 0; l < net.Layers.Count; l++)
        {
            var layer = net.Layers[l];
            float step = writer.PairStepWeight(layer);
            float c = p * step;
            // ΔW = −η (L+ − L−)/(2c) Δ, in pair pulses: ΔW / step, rounded without bias.
            float pulses = -LearningRateScale * options.LearningRate * difference / (2f * c) / step;
            int update = _rng.StochasticRound(pulses);
            writer.ApplySignPattern(layer, _rows[l], _cols[l], p + update);
            float biasStep = options.BiasPerturbationScale * c;
            for (int j = 0; j < layer.Outputs; j++)
                layer.Bias[j] += biasStep * _biasSigns[l][j] - LearningRateScale * options.LearningRate * difference / (2f * biasStep) * _biasSigns[l][j];
        }
        Account.AddStep(batch);
        Account.AddBoard(net.Ledger.Snapshot() - before);
        return new StepResult(lossPlus, correct);
    }

    public void EstimateGradient(MappedNetwork net, ReadOnlySpan<float> inputs, ReadOnlySpan<float> targetDistributions, int batch, float[][] weightGradients)
    {
        var (difference, _, _) = Measure(net, inputs, targetDistributions, batch);
        var writer = WriterFor(net);
        for (int l = 0; l < net.Layers.Count; l++)
        {
            var layer = net.Layers[l];
            writer.ApplySignPattern(layer, _rows[l], _cols[l], options.PerturbationPulses); // back to the start
            for (int j = 0; j < layer.Outputs; j++) layer.Bias[j] += options.BiasPerturbationScale * options.PerturbationPulses * writer.PairStepWeight(layer) * _biasSigns[l][j];
            float c = options.PerturbationPulses * writer.PairStepWeight(layer);
            float scale = difference / (2f * c);
            var g = weightGradients[l];
            for (int i = 0; i < layer.Inputs; i++)
            for (int j = 0; j < layer.Outputs; j++)
                g[i * layer.Outputs + j] = scale * _rows[l][i] * _cols[l][j];
        }
    }

    /// <summary>Draws Δ, applies +cΔ, reads L+, applies −2cΔ, reads L−. The board is left at −cΔ.</summary>
    private (float Difference, float LossPlus, int Correct) Measure(MappedNetwork net, ReadOnlySpan<float> inputs, ReadOnlySpan<float> targets, int batch)
    {
        var writer = WriterFor(net);
        int L = net.Layers.Count, classes = net.ClassCount, p = options.PerturbationPulses;
        if (_rows.Length != L)
        {
            _rows = net.Layers.Select(l => new sbyte[l.Inputs]).ToArray();
            _cols = net.Layers.Select(l => new sbyte[l.Outputs]).ToArray();
            _biasSigns = net.Layers.Select(l => new float[l.Outputs]).ToArray();
        }
        for (int l = 0; l < L; l++)
        {
            foreach (ref var s in _rows[l].AsSpan()) s = (sbyte)_rng.NextSign();
            foreach (ref var s in _cols[l].AsSpan()) s = (sbyte)_rng.NextSign();
            foreach (ref var s in _biasSigns[l].AsSpan()) s = _rng.NextSign();
        }
        if (_logits.Length < batch * classes) _logits = new float[batch * classes];
        var logits = _logits.AsSpan(0, batch * classes);

        Perturb(net, writer, +p);
        net.Predict(inputs, batch, logits);
        float lossPlus = _loss.Evaluate(logits, targets, batch, classes);
        int correct = TrainerMath.CountCorrect(logits, targets, batch, classes);
        Perturb(net, writer, -2 * p);
        net.Predict(inputs, batch, logits);
        float lossMinus = _loss.Evaluate(logits, targets, batch, classes);
        Account.AddForwardPasses(2L * batch);
        return (lossPlus - lossMinus, lossPlus, correct);
    }

    private void Perturb(MappedNetwork net, PulseWriter writer, int pulses)
    {
        for (int l = 0; l < net.Layers.Count; l++)
        {
            var layer = net.Layers[l];
            writer.ApplySignPattern(layer, _rows[l], _cols[l], pulses);
            float biasStep = options.BiasPerturbationScale * pulses * writer.PairStepWeight(layer);
            for (int j = 0; j < layer.Outputs; j++) layer.Bias[j] += biasStep * _biasSigns[l][j];
        }
    }

    private PulseWriter WriterFor(MappedNetwork net)
    {
        if (!ReferenceEquals(net, _writerNet))
        {
            _writer = new PulseWriter(net, options.UpdateMode, SeededRandom.For(options.Seed, "wp-pulses"));
            _writerNet = net;
        }
        return _writer!;
    }
}
