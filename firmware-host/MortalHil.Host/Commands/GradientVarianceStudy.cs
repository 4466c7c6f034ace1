using System.Numerics.Tensors;
using MortalHil.Core.Data;
using MortalHil.Core.Devices;
using MortalHil.Core.Learning.Digital;
using MortalHil.Core.Learning.Losses;
using MortalHil.Core.Learning.Mapping;
using MortalHil.Core.Learning.Trainers;
using MortalHil.Sim;
using MortalHil.Sim.Presets;

namespace MortalHil.Host.Commands;

/// <summary>Cosine similarity of each trainer's gradient estimate to the true gradient at one hidden width.</summary>
public sealed record VariancePoint(int Hidden, string Trainer, double MeanCosine, double StdCosine, int Batches);

/// <summary>
/// How the quality of each trainer's gradient estimate scales with network size: networks 784-H-10 are mapped
/// onto an ideal simulated board (every non-ideality off, so the board is the float model), and on the same
/// batches each trainer's estimate of the hidden layer's gradient is compared with the exact gradient of the
/// loss it optimises (the global loss for np and wp, the local losses for ll), computed digitally from the
/// board's measured weights. The ideal preset gets as many tiles as the widest network needs.
/// </summary>
public static class GradientVarianceStudy
{
    public static IReadOnlyList<VariancePoint> Run(ImageDataset data, IReadOnlyList<int> widths, TrainerSettings settings, int groupSize,
        int batch, int batches, int seed, TextWriter log, Action<string>? progress = null)
    {
        var points = new List<VariancePoint>();
        var loss = new SoftmaxCrossEntropy();
        foreach (var h in widths)
        {
            int groups = Math.Max(1, h / groupSize);
            var shape = new NetworkShape([data.Features, h, data.Classes]);
            using var board = IdealBoardFor(shape, groups, seed);
            var sample = data.Train.Pixels.AsSpan(0, 256 * data.Features).ToArray();
            var net = NetworkMapper.Map(board, shape, new MappingOptions { Seed = seed, ReadoutGroups = groups, InitialProgramming = new ProgrammingOptions(0.002f, 20) }, sample, 256);
            var reference = FloatNetwork.FromBoard(net);
            var readout = NetworkWeights.MeasureLayer(net, net.LocalReadouts[0]!);
            var trainers = new (string Name, IGradientEstimator Estimator)[]
            {
                ("np", new NodePerturbationTrainer(settings.Perturbation with { Seed = seed })),
                ("ll", new LocalLossTrainer(settings.Perturbation with { Seed = seed })),
                ("wp", new WeightPerturbationTrainer(new WeightPerturbationOptions { PerturbationPulses = settings.PerturbationPulses, Seed = seed })),
            };
            var cos = trainers.ToDictionary(t => t.Name, _ => new List<double>());
            var (gw, gb) = reference.NewGradientBuffers();
            var estimate = net.Layers.Select(l => new float[l.Inputs * l.Outputs]).ToArray();
            var x = new float[batch * data.Features];
            var labels = new byte[batch];
            var t = new float[batch * data.Classes];
            for (int k = 0; k < batches; k++)
            {
                progress?.Invoke($"variance: hidden {h}, batch {k + 1}/{batches}");
                var indices = Enumerable.Range(k * batch, batch).ToArray();
                data.Train.Gather(indices, x, labels);
                TargetDistributions.OneHot(labels, data.Classes, t);
                reference.Gradient(x, t, batch, loss, gw, gb);
                var localTrue = LocalLossHiddenGradient(reference, readout, net.LocalReadouts[0]!, x, t, batch, loss);
                foreach (var (name, estimator) in trainers)
                {
                    estimator.EstimateGradient(net, x, t, batch, estimate);
                    cos[name].Add(Cosine(estimate[0], name == "ll" ? localTrue : gw[0]));
                }
            }
            foreach (var (name, values) in cos)
            {
                double mean = values.Average(), std = Math.Sqrt(values.Select(v => (v - mean) * (v - mean)).Average());
                points.Add(new VariancePoint(h, name, mean, std, values.Count));
                log.WriteLine($"  hidden {h,5}: {name} cosine {mean:F3} ± {std:F3}");
            }
        }
        return points;
    }

    /// <summary>An ideal board with enough tiles for the network, its local readouts and room to spare.</summary>
    private static SimulatedBoard IdealBoardFor(NetworkShape shape, int groups, int seed)
    {
        var g = BuiltInPresets.Ideal.Geometry;
        long cells = 0;
        for (int l = 0; l < shape.LayerCount; l++) cells += 2L * shape.Sizes[l] * shape.Sizes[l + 1];
        cells += 2L * shape.Sizes[1] * shape.Outputs; // local readouts
        int tiles = (int)Math.Max(2, Math.Ceiling(cells * 2.0 / (g.Rows * g.Columns)) + 1);
        var preset = BuiltInPresets.Ideal with { Name = "ideal", Geometry = g with { Tiles = tiles } };
        return SimulatedBoard.Create(preset, $"variance-{shape}-{seed}");
    }

    /// <summary>Exact gradient of the sum of the groups' local losses with respect to the hidden layer's weights.</summary>
    private static float[] LocalLossHiddenGradient(FloatNetwork reference, float[] readoutWeights, MappedLayer readout, float[] x, float[] t, int batch,
        SoftmaxCrossEntropy loss)
    {
        int nIn = reference.Shape.Sizes[0], h = reference.Shape.Sizes[1], classes = reference.ClassCount, outs = readout.Outputs;
        var hidden = new float[batch * h];
        var w1 = reference.Weights[0];
        for (int b = 0; b < batch; b++)
        {
            var z = hidden.AsSpan(b * h, h);
            reference.Biases[0].AsSpan().CopyTo(z);
            for (int i = 0; i < nIn; i++)
                if (x[b * nIn + i] != 0) TensorPrimitives.MultiplyAdd(w1.AsSpan(i * h, h), x[b * nIn + i], z, z);
        }
        var y = new float[batch * outs];
        for (int b = 0; b < batch; b++)
        {
            var yb = y.AsSpan(b * outs, outs);
            readout.Bias.AsSpan().CopyTo(yb);
            for (int j = 0; j < h; j++)
            {
                float a = MathF.Max(0, hidden[b * h + j]);
                if (a != 0) TensorPrimitives.MultiplyAdd(readoutWeights.AsSpan(j * outs, outs), a, yb, yb);
            }
        }
        var dy = new float[batch * outs];
        var gl = new float[batch * classes];
        var gd = new float[batch * classes];
        for (int g = 0; g < outs / classes; g++)
        {
            for (int b = 0; b < batch; b++) y.AsSpan(b * outs + g * classes, classes).CopyTo(gl.AsSpan(b * classes));
            loss.Evaluate(gl, t, batch, classes, gd);
            for (int b = 0; b < batch; b++) gd.AsSpan(b * classes, classes).CopyTo(dy.AsSpan(b * outs + g * classes));
        }
        var dz = new float[batch * h];
        for (int b = 0; b < batch; b++)
        for (int j = 0; j < h; j++)
            dz[b * h + j] = hidden[b * h + j] > 0 ? TensorPrimitives.Dot(readoutWeights.AsSpan(j * outs, outs), dy.AsSpan(b * outs, outs)) : 0f;
        var grad = new float[nIn * h];
        TrainerMath.AverageOuterProduct(x, dz, batch, nIn, h, grad);
        return grad;
    }

    private static double Cosine(float[] a, float[] b)
    {
        double dot = TensorPrimitives.Dot(a, b), na = TensorPrimitives.Norm(a), nb = TensorPrimitives.Norm(b);
        return na == 0 || nb == 0 ? 0 : dot / (na * nb);
    }
}
