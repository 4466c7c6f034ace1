using MortalHil.Sim.Presets;
using MortalHil.Sim.Randomness;

namespace MortalHil.Sim.Physics;

/// <summary>
/// The hidden side of a board's analog chain, drawn once per board from its preset and key: every neuron's
/// transfer function and noise, and the wiring from neuron outputs to the next stages' rows (open lines drive
/// nothing, crossed neighbours drive each other's rows). Reachable only through the chain read.
/// </summary>
internal sealed class ChainNeurons
{
    public ChainNeurons(ChainSpec spec, ulong key)
    {
        var n = spec.Neuron;
        int count = spec.Stages.Where(s => s.Sink == "neurons").Sum(s => s.Outputs);
        Count = count;
        Gain = new float[count]; Offset = new float[count]; Threshold = new float[count];
        Saturation = new float[count]; Curvature = new float[count]; NoiseAmps = new float[count];
        RowOf = new int[count];
        ulong k = StableHash.Hash(key, 0xC4A1, 0);
        double fs = n.InputFullScaleMicroamps * 1e-6;
        for (int j = 0; j < count; j++)
        {
            ulong i = (ulong)j;
            Gain[j] = (float)Math.Max(0.05, 1 + n.GainStd * StableHash.TruncatedGaussian(k, RandomStreams.ChainGain, i));
            Offset[j] = (float)(n.OffsetStd * fs * StableHash.TruncatedGaussian(k, RandomStreams.ChainOffset, i));
            Threshold[j] = (float)(n.ThresholdMean + n.ThresholdStd * StableHash.TruncatedGaussian(k, RandomStreams.ChainThreshold, i));
            Saturation[j] = (float)Math.Clamp(n.SaturationMean * (1 + n.SaturationStd * StableHash.TruncatedGaussian(k, RandomStreams.ChainSaturation, i)), 0.05, 1.0);
            Curvature[j] = (float)Math.Max(0, n.CurvatureMean + n.CurvatureStd * StableHash.TruncatedGaussian(k, RandomStreams.ChainCurvature, i));
            NoiseAmps[j] = (float)(n.NoiseRel * fs * Math.Exp(n.NoiseLogSpread * StableHash.Gaussian(k, RandomStreams.ChainNoise, i)));
            RowOf[j] = j;
        }
        // Wiring faults within each neuron stage (indices relative to the stage).
        int first = 0;
        foreach (var s in spec.Stages.Where(s => s.Sink == "neurons"))
        {
            for (int j = 0; j + 1 < s.Outputs; j++)
            {
                int a = first + j;
                if (RowOf[a] != j || RowOf[a + 1] != j + 1) continue; // already crossed
                if (StableHash.Uniform(k, RandomStreams.ChainCrossed, (ulong)a) < n.CrossedFraction)
                {
                    RowOf[a] = j + 1;
                    RowOf[a + 1] = j;
                }
            }
            for (int j = 0; j < s.Outputs; j++)
                if (StableHash.Uniform(k, RandomStreams.ChainBroken, (ulong)(first + j)) < n.BrokenFraction)
                    RowOf[first + j] = -1;
            first += s.Outputs;
        }
    }

    public int Count { get; }
    public float[] Gain { get; }
    /// <summary>Input offset, A.</summary>
    public float[] Offset { get; }
    public float[] Threshold { get; }
    public float[] Saturation { get; }
    public float[] Curvature { get; }
    /// <summary>Input-referred noise std per read, A.</summary>
    public float[] NoiseAmps { get; }
    /// <summary>Row (within the stages it feeds) that neuron j's output line reaches; -1 for an open line.</summary>
    public int[] RowOf { get; }

    /// <summary>Neuron <paramref name="j"/>'s output as a fraction of full scale for input current <paramref name="amps"/> (full scale <paramref name="inputFullScale"/>).</summary>
    public float Transfer(int j, float amps, float inputFullScale)
    {
        float u = Gain[j] * (amps + Offset[j]) / inputFullScale - Threshold[j];
        float c = Curvature[j];
        float r = c > 0 ? (u / c > 20 ? u : c * MathF.Log(1 + MathF.Exp(u / c))) : MathF.Max(0, u);
        float s = Saturation[j];
        return s * MathF.Tanh(r / s);
    }
}
