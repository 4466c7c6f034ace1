using System.Numerics.Tensors;
using MortalHil.Core.Devices;
using MortalHil.Core.Learning.Accounting;
using MortalHil.Core.Learning.Losses;
using MortalHil.Core.Learning.Mapping;
using MortalHil.Core.Learning.Trainers;

namespace MortalHil.Core.Learning.Chains;

/// <summary>
/// Node perturbation (np) and local losses (ll) on an analog chain, with no model of the board. Each hidden neuron's
/// input gets a current of ±σ from its injection DAC (independent Rademacher signs, K directions per example, the
/// input held on the DACs through the repeats); the output ADC shows how the loss moved, to first order
/// ΔL ≈ δ·(y' − y), and δ̂ = mean_k ΔL_k s_k / σ estimates ∂L/∂(neuron input) whatever the neuron does with it: its
/// gain, knee, ceiling, offset and noise are all inside the measurement (Widrow &amp; Lehr 1990 "MADALINE rule III";
/// Werfel, Xie &amp; Seung 2005). With ll, a hidden neuron's error comes from its own group's local readout, also
/// on the chain (Ren, Kornblith, Liao &amp; Hinton, ICLR 2023). Weight updates are outer products of a layer's input
/// and its error: the first layer's input is the host's own; a deeper layer's input is its source neurons' activity,
/// seen through the monitor taps when the chain has them, else never seen at all and supplied by the board itself
/// (rank-1 updates from latched activity).
/// </summary>
public sealed class ChainPerturbationTrainer(PerturbationOptions options, bool localLosses, SoftmaxCrossEntropy? loss = null, bool useTaps = true,
    ChainHiddenError hiddenError = ChainHiddenError.Mirror) : IOnChipTrainer
{
    /// <summary>
    /// Rate of the feedback mirrors' LMS steps (fraction of the measured residual taken per step). Chosen on
    /// sim:reram-mortal:42 MNIST runs (see docs/results/mortal): fast enough to follow the output layer as it learns,
    /// slow enough to average the converters' noise over a few hundred perturbed reads.
    /// </summary>
    public const float MirrorRate = 0.2f;
    private const int OutputMirror = 0, ReadoutMirror = 1;
    private readonly SoftmaxCrossEntropy _loss = loss ?? new SoftmaxCrossEntropy();
    private readonly SeededRandom _rng = SeededRandom.For(options.Seed, localLosses ? "chain-local-losses" : "chain-node-perturbation");
    private readonly SeededRandom _trainRng = SeededRandom.For(options.Seed, "chain-latched-trains");
    private PulseWriter? _writer;
    private MappedNetwork? _writerNet;
    private float[] _clean = [], _perturbed = [], _taps = [], _tapsP = [], _injection = [], _signs = [], _logits = [], _logitsP = [], _dh = [], _dy = [];
    private readonly Dictionary<int, FeedbackMirror> _mirrors = [];
    private float[][] _inputs = [], _deltas = [], _scores = [], _scoreDeltas = [], _scoresP = [];

    public string Name => localLosses ? "ll" : "np";
    public PerturbationOptions Options => options;
    public TrainingAccount Account { get; } = new();
    public float LearningRateScale { get; set; } = 1f;
    public PulseWriter? Writer => _writer;
    /// <summary>How hidden errors are estimated (<see cref="ChainHiddenError.Mirror"/> needs monitor taps; without them the trainer uses <see cref="ChainHiddenError.Crosstalk"/>).</summary>
    public ChainHiddenError HiddenError => hiddenError;

    public StepResult Step(MappedNetwork net, ReadOnlySpan<float> inputs, ReadOnlySpan<float> targets, int batch)
    {
        var routing = net.Chain ?? throw new InvalidOperationException("chain trainers need a network mapped onto an analog chain (ChainMapper)");
        var chain = routing.Chain;
        if (chain.Injection is null) throw new DeviceLimitException("node perturbation on a chain needs perturbation injection at the neurons");
        bool taps = useTaps && chain.Taps is not null;
        bool mirror = taps && hiddenError == ChainHiddenError.Mirror;
        if (!taps && !chain.LatchedUpdates)
            throw new DeviceLimitException("this chain shows no hidden activity (no monitor taps) and cannot update from latched activity: deeper layers cannot learn");
        using var _ = Account.Time();
        var before = net.Ledger.Snapshot();
        int L = net.Layers.Count, classes = net.ClassCount, outs = chain.OutputCount, neurons = chain.NeuronCount, k = options.Directions;
        Prepare(net, batch);

        // 1. Clean read (taps convert only here).
        routing.Read(net, inputs, batch, 1, default, _clean.AsSpan(0, batch * outs), taps ? _taps.AsSpan(0, batch * neurons) : default);
        routing.Scores(net, net.Layers[^1], routing.PathStages[^1], _clean, batch, _logits);
        float lossValue = _loss.Evaluate(_logits.AsSpan(0, batch * classes), targets, batch, classes, _deltas[L - 1]);
        int correct = TrainerMath.CountCorrect(_logits.AsSpan(0, batch * classes), targets, batch, classes);
        Account.AddForwardPasses(batch);
        for (int l = 0; l < L - 1; l++)
            if (localLosses && net.LocalReadouts.Count > l && net.LocalReadouts[l] is { } readout)
                LocalDeltas(net, readout, routing.ReadoutStages[l], l, targets, batch);

        // 2. Perturbed reads: every hidden neuron on the path gets ±σ at its input, K times per example.
        float sigmaAmps = MathF.Min(options.PerturbationFraction * chain.Neurons.InputFullScaleAmps, chain.Injection.FullScaleAmps);
        float sigma = sigmaAmps / chain.Neurons.InputFullScaleAmps; // in the hidden layers' weight units
        int rows = batch * k;
        var injection = _injection.AsSpan(0, rows * neurons);
        var signs = _signs.AsSpan(0, rows * neurons);
        injection.Clear();
        signs.Clear();
        for (int l = 0; l < L - 1; l++)
        {
            int offset = chain.OffsetOf(routing.PathStages[l]), h = net.Layers[l].Outputs;
            for (int r = 0; r < rows; r++)
                for (int j = 0; j < h; j++)
                {
                    float s = _rng.NextSign();
                    signs[r * neurons + offset + j] = s;
                    injection[r * neurons + offset + j] = s * sigmaAmps;
                }
        }
        routing.Read(net, inputs, batch, k, injection, _perturbed.AsSpan(0, rows * outs), mirror ? _tapsP.AsSpan(0, rows * neurons) : default);
        Account.AddForwardPasses(rows);
        routing.Scores(net, net.Layers[^1], routing.PathStages[^1], _perturbed, rows, _logitsP, addBias: false);
        for (int l = 0; l < L - 1; l++)
        {
            var readout = localLosses && net.LocalReadouts.Count > l ? net.LocalReadouts[l] : null;
            if (readout is not null)
                routing.Scores(net, readout, routing.ReadoutStages[l], _perturbed, rows, _scoresP[l], addBias: false);
            int head = readout is not null ? routing.ReadoutStages[l] : routing.PathStages[^1];
            if (mirror && chain.Stages[head].Source == routing.PathStages[l])
            {
                if (readout is null) MirrorHidden(net, routing, l, OutputMirror, net.Layers[^1], _logits, _logitsP, _deltas[L - 1], batch, k, sigma, 1f, accumulate: false);
                else
                {
                    MirrorHidden(net, routing, l, ReadoutMirror, readout, _scores[l], _scoresP[l], _scoreDeltas[l], batch, k, sigma, 1f, accumulate: false);
                    // Deep supervision: the output head's error joins the local one when the output stage reads this layer.
                    if (options.GlobalErrorWeight > 0 && chain.Stages[routing.PathStages[^1]].Source == routing.PathStages[l])
                        MirrorHidden(net, routing, l, OutputMirror, net.Layers[^1], _logits, _logitsP, _deltas[L - 1], batch, k, sigma, options.GlobalErrorWeight, accumulate: true);
                }
            }
            else EstimateHidden(net, l, readout, batch, k, sigma, chain.OffsetOf(routing.PathStages[l]), neurons);
        }

        // 3. Updates: a layer's input is the host's (first layer) or its source neurons' activity (taps or latched).
        var writer = WriterFor(net);
        float biasInput0 = routing.BiasInput(net.Layers[0].Blocks[0].ReadVolts);
        FillInputs(_inputs[0], inputs, batch, net.Layers[0].Inputs - 1, biasInput0);
        writer.ApplyGradientStep(net.Layers[0], _inputs[0], _deltas[0], batch, LearningRateScale * options.HiddenLearningRate);
        if (taps)
        {
            for (int l = 1; l < L; l++)
            {
                TapInputs(net, routing, l, batch);
                bool last = l == L - 1;
                writer.ApplyGradientStep(net.Layers[l], _inputs[l], _deltas[l], batch, LearningRateScale * (last ? options.OutputLearningRate : options.HiddenLearningRate));
            }
            for (int l = 0; l < L - 1; l++)
                if (localLosses && net.LocalReadouts.Count > l && net.LocalReadouts[l] is { } readout)
                    writer.ApplyGradientStep(readout, _inputs[l + 1], _scoreDeltas[l], batch, LearningRateScale * options.OutputLearningRate);
        }
        else
        {
            // The board latches what drove each stage's rows in the last read: read the batch clean once more.
            routing.Read(net, inputs, batch, 1, default, _clean.AsSpan(0, batch * outs), default);
            Account.AddForwardPasses(batch);
            for (int l = 1; l < L; l++)
            {
                bool last = l == L - 1;
                LatchedStep(net, routing.PathStages[l], net.Layers[l], _deltas[l], batch, LearningRateScale * (last ? options.OutputLearningRate : options.HiddenLearningRate));
            }
            for (int l = 0; l < L - 1; l++)
                if (localLosses && net.LocalReadouts.Count > l && net.LocalReadouts[l] is { } readout)
                    LatchedStep(net, routing.ReadoutStages[l], readout, _scoreDeltas[l], batch, LearningRateScale * options.OutputLearningRate);
        }
        TrainerMath.UpdateBias(net.Layers[^1].Bias, _deltas[L - 1], batch, LearningRateScale * options.BiasLearningRate);
        for (int l = 0; l < L - 1; l++)
            if (localLosses && net.LocalReadouts.Count > l && net.LocalReadouts[l] is { } readout)
                TrainerMath.UpdateBias(readout.Bias, _scoreDeltas[l], batch, LearningRateScale * options.BiasLearningRate);
        Account.AddStep(batch);
        Account.AddBoard(net.Ledger.Snapshot() - before);
        return new StepResult(lossValue, correct);
    }

    /// <summary>Each local readout group's loss and its error on the readout's scores (exact, digital).</summary>
    private void LocalDeltas(MappedNetwork net, MappedLayer readout, int stage, int l, ReadOnlySpan<float> targets, int batch)
    {
        int classes = net.ClassCount, outs = readout.Outputs, groups = outs / classes;
        net.Chain!.Scores(net, readout, stage, _clean, batch, _scores[l]);
        var y = _scores[l];
        var dy = _scoreDeltas[l];
        var gl = new float[batch * classes];
        var gd = new float[batch * classes];
        for (int g = 0; g < groups; g++)
        {
            for (int b = 0; b < batch; b++) y.AsSpan(b * outs + g * classes, classes).CopyTo(gl.AsSpan(b * classes));
            _loss.Evaluate(gl, targets, batch, classes, gd);
            for (int b = 0; b < batch; b++) gd.AsSpan(b * classes, classes).CopyTo(dy.AsSpan(b * outs + g * classes));
        }
    }

    /// <summary>δ̂ of hidden layer <paramref name="l"/>: the first-order loss change of each direction, times its signs, over σ.</summary>
    private void EstimateHidden(MappedNetwork net, int l, MappedLayer? readout, int batch, int k, float sigma, int offset, int neurons)
    {
        int h = net.Layers[l].Outputs, classes = net.ClassCount;
        var estimate = _deltas[l];
        Array.Clear(estimate);
        float norm = 1f / (sigma * k);
        var outDelta = _deltas[^1];
        for (int b = 0; b < batch; b++)
        for (int d = 0; d < k; d++)
        {
            int r = b * k + d; // result row: input b, repeat d
            var s = _signs.AsSpan(r * neurons + offset, h);
            var est = estimate.AsSpan(b * h, h);
            if (readout is null)
            {
                float change = 0;
                for (int c = 0; c < classes; c++)
                    change += outDelta[b * classes + c] * (_logitsP[r * classes + c] - (_logits[b * classes + c] - net.Layers[^1].Bias[c]));
                TensorPrimitives.MultiplyAdd(s, change * norm, est, est);
                continue;
            }
            int outs = readout.Outputs;
            var y = _scores[l];
            var dy = _scoreDeltas[l];
            var yp = _scoresP[l];
            foreach (var block in readout.Blocks)
            {
                if (block.InputStart >= h) continue; // the bias row's block: no neurons to credit
                float change = 0;
                for (int c = block.OutputStart; c < block.OutputStart + block.OutputCount; c++)
                    change += dy[b * outs + c] * (yp[r * outs + c] - (y[b * outs + c] - readout.Bias[c]));
                var bs = s.Slice(block.InputStart, block.InputCount);
                var be = est.Slice(block.InputStart, block.InputCount);
                TensorPrimitives.MultiplyAdd(bs, change * norm, be, be);
            }
        }
    }

    /// <summary>
    /// δ of hidden layer <paramref name="l"/> from its own taps and a learned mirror of the head it feeds: each neuron's
    /// slope is its tap's change over its own injection (no other neuron's perturbation enters it), and ∂L/∂h is the
    /// head's score gradient sent back through the mirror (<see cref="FeedbackMirror"/>), which the same perturbed
    /// reads keep fitted. δ_j = slope_j · (Mᵀ ∂L/∂y)_j: the chain rule with both factors measured on this board.
    /// </summary>
    private void MirrorHidden(MappedNetwork net, ChainRouting routing, int l, int headKind, MappedLayer head, float[] clean, float[] perturbed, float[] scoreGradient,
        int batch, int k, float sigma, float weight, bool accumulate)
    {
        var chain = routing.Chain;
        int h = net.Layers[l].Outputs, o = head.Outputs, neurons = chain.NeuronCount, offset = chain.OffsetOf(routing.PathStages[l]), rows = batch * k;
        float inv = 1f / chain.Neurons.OutputFullScaleVolts;
        int key = 2 * l + headKind;
        if (!_mirrors.TryGetValue(key, out var m) || m.Outputs != o || m.Hidden != h) _mirrors[key] = m = new FeedbackMirror(o, h, MirrorRate);
        Ensure(ref _dh, rows * h);
        Ensure(ref _dy, rows * o);
        for (int b = 0; b < batch; b++)
        {
            var tap = _taps.AsSpan(b * neurons + offset, h);
            var y = clean.AsSpan(b * o, o);
            for (int d = 0; d < k; d++)
            {
                int r = b * k + d;
                var dh = _dh.AsSpan(r * h, h);
                TensorPrimitives.Subtract(_tapsP.AsSpan(r * neurons + offset, h), tap, dh);
                TensorPrimitives.Multiply(dh, inv, dh);
                var dy = _dy.AsSpan(r * o, o);
                for (int c = 0; c < o; c++) dy[c] = perturbed[r * o + c] - (y[c] - head.Bias[c]);
            }
        }
        m.Update(_dh, _dy, rows, rows * 0.01f * sigma * sigma);
        var estimate = _deltas[l];
        if (!accumulate) Array.Clear(estimate);
        Span<float> slope = h <= 1024 ? stackalloc float[h] : new float[h];
        Span<float> back = h <= 1024 ? stackalloc float[h] : new float[h];
        float norm = weight / (sigma * k);
        for (int b = 0; b < batch; b++)
        {
            slope.Clear();
            for (int d = 0; d < k; d++)
            {
                int r = b * k + d;
                TensorPrimitives.MultiplyAdd(_dh.AsSpan(r * h, h), _signs.AsSpan(r * neurons + offset, h), slope, slope);
            }
            back.Clear();
            m.AddBackward(scoreGradient.AsSpan(b * o, o), back);
            var est = estimate.AsSpan(b * h, h);
            TensorPrimitives.Multiply(slope, back, slope);
            TensorPrimitives.MultiplyAdd(slope, norm, est, est);
        }
    }

    /// <summary>Layer l's inputs as the taps saw its source neurons (fractions of the output full scale), plus the bias input.</summary>
    private void TapInputs(MappedNetwork net, ChainRouting routing, int l, int batch)
    {
        var chain = routing.Chain;
        int source = chain.Stages[routing.PathStages[l]].Source;
        int offset = chain.OffsetOf(source), h = net.Layers[l].Inputs - 1, neurons = chain.NeuronCount;
        float inv = 1f / chain.Neurons.OutputFullScaleVolts;
        float bias = routing.BiasInput(net.Layers[l].Blocks[0].ReadVolts);
        var x = _inputs[l];
        for (int b = 0; b < batch; b++)
        {
            for (int j = 0; j < h; j++) x[b * (h + 1) + j] = _taps[b * neurons + offset + j] * inv;
            x[b * (h + 1) + h] = bias;
        }
    }

    private static void FillInputs(float[] x, ReadOnlySpan<float> inputs, int batch, int n, float bias)
    {
        for (int b = 0; b < batch; b++)
        {
            inputs.Slice(b * n, n).CopyTo(x.AsSpan(b * (n + 1)));
            x[b * (n + 1) + n] = bias;
        }
    }

    /// <summary>
    /// ΔW = −(rate/batch) Σ_b x_b δ_bᵀ with x_b never seen: one rank-1 request per example, the board drawing row
    /// trains from its latched rows (probability |v|/full scale per slot), the host drawing column trains so that the
    /// expected coincidences are the wanted pair pulses (Gokmen &amp; Vlasov 2016).
    /// </summary>
    private void LatchedStep(MappedNetwork net, int stage, MappedLayer layer, float[] delta, int batch, float rate)
    {
        if (rate == 0) return;
        var device = net.Chain!.Device;
        int slots = Math.Min(64, net.Description.Limits.MaxPulsesPerCellPerRequest);
        float step = layer.WeightScale * net.Pulse.PairStepSiemens / net.SpanSiemens;
        float kappa = rate / (batch * step); // wanted pair pulses per unit x·δ
        var window = net.Chain.Chain.Stages[stage].Window;
        var trains = new ulong[window.ColumnCount];
        var polarity = new sbyte[window.ColumnCount];
        for (int b = 0; b < batch; b++)
        {
            Array.Clear(trains);
            Array.Clear(polarity);
            bool any = false;
            foreach (var block in layer.Blocks)
            {
                if (block.InputStart >= layer.Inputs - 1 && layer.Blocks.Count > 1) continue; // a shared bias block: its columns are in the group blocks
                int c0 = block.Window.Column0 - window.Column0;
                for (int j = 0; j < block.OutputCount; j++)
                {
                    float dj = delta[b * layer.Outputs + block.OutputStart + j];
                    float q = Math.Min(1f, kappa * MathF.Abs(dj) / slots);
                    if (q <= 0) continue;
                    ulong t = 0;
                    for (int s = 0; s < slots; s++) if (_trainRng.NextFloat() < q) t |= 1UL << s;
                    if (t == 0) continue;
                    sbyte sign = (sbyte)(dj > 0 ? -1 : 1); // descend: G+ moves against δ, G− with it
                    trains[c0 + 2 * j] = t; polarity[c0 + 2 * j] = sign;
                    trains[c0 + 2 * j + 1] = t; polarity[c0 + 2 * j + 1] = (sbyte)-sign;
                    any = true;
                }
            }
            if (!any) continue;
            var request = new PulseRequest(net.Ids.Next(), net.Pulse.AmplitudeVolts, net.Pulse.WidthSeconds);
            var receipt = device.ApplyLatchedOuterProduct(request, stage, b, 1f, slots, trains, polarity);
            net.Ledger.RecordLatched(request, slots, receipt);
        }
    }

    private void Prepare(MappedNetwork net, int batch)
    {
        var chain = net.Chain!.Chain;
        int L = net.Layers.Count, k = options.Directions, rows = batch * k, outs = chain.OutputCount, neurons = chain.NeuronCount, classes = net.ClassCount;
        Ensure(ref _clean, batch * outs);
        Ensure(ref _perturbed, rows * outs);
        Ensure(ref _taps, batch * neurons);
        Ensure(ref _tapsP, rows * neurons);
        Ensure(ref _injection, rows * neurons);
        Ensure(ref _signs, rows * neurons);
        Ensure(ref _logits, batch * classes);
        Ensure(ref _logitsP, rows * classes);
        if (_deltas.Length != L || _deltas[0].Length != batch * net.Layers[0].Outputs)
        {
            _deltas = net.Layers.Select(l => new float[batch * l.Outputs]).ToArray();
            _inputs = net.Layers.Select(l => new float[batch * l.Inputs]).ToArray();
            _scores = new float[L][]; _scoreDeltas = new float[L][]; _scoresP = new float[L][];
            for (int l = 0; l < L - 1 && l < net.LocalReadouts.Count; l++)
                if (net.LocalReadouts[l] is { } r)
                {
                    _scores[l] = new float[batch * r.Outputs];
                    _scoreDeltas[l] = new float[batch * r.Outputs];
                    _scoresP[l] = new float[rows * r.Outputs];
                }
        }
        for (int l = 0; l < L - 1 && l < net.LocalReadouts.Count; l++)
            if (net.LocalReadouts[l] is { } r && _scoresP[l].Length < rows * r.Outputs) _scoresP[l] = new float[rows * r.Outputs];
    }

    private PulseWriter WriterFor(MappedNetwork net)
    {
        if (!ReferenceEquals(net, _writerNet))
        {
            _writer = new PulseWriter(net, options.UpdateMode, SeededRandom.For(options.Seed, "chain-pulses")) { TransferThreshold = options.TransferThreshold, TransferEvery = options.TransferEvery };
            _writerNet = net;
        }
        return _writer!;
    }

    private static void Ensure(ref float[] buffer, int n)
    {
        if (buffer.Length < n) buffer = new float[n];
    }
}
