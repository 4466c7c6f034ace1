using MortalHil.Core.Data;
using MortalHil.Core.Devices;
using MortalHil.Sim.Presets;

namespace MortalHil.Sim.Tests.Chains;

/// <summary>Small chain boards and a small synthetic task for chain tests (fixed seeds, seconds).</summary>
internal static class ChainBoards
{
    public const int Inputs = 16, Hidden = 24, Classes = 4;

    /// <summary>reram-mortal physics on a 16 -> 24 -> 4 chain (with one local-readout group per class set).</summary>
    public static DevicePreset Small(int groups = 2) => MortalPresets.Sized(MortalPresets.ReRamMortal, Inputs, Hidden, Classes, groups);

    /// <summary>Every non-ideality off, neurons identical rectifiers with a unit ceiling and a hard knee.</summary>
    public static DevicePreset Ideal()
    {
        var p = MortalPresets.Sized(MortalPresets.ReRamMortal, Inputs, Hidden, Classes, 0);
        var ideal = BuiltInPresets.Ideal;
        var chain = p.Chain!;
        return ideal with
        {
            Name = "ideal-chain",
            Geometry = p.Geometry,
            Chain = chain with
            {
                Neuron = chain.Neuron with
                {
                    GainStd = 0, OffsetStd = 0, ThresholdMean = 0, ThresholdStd = 0, SaturationMean = 1, SaturationStd = 0,
                    CurvatureMean = 0, CurvatureStd = 0, NoiseRel = 0, NoiseLogSpread = 0, BrokenFraction = 0, CrossedFraction = 0,
                },
                OutputAdc = new ChainAdcSpec { Bits = 20, FullScaleMicroamps = 500, NoiseRel = 0 },
                Injection = chain.Injection! with { Bits = 16, NoiseRel = 0 },
                Taps = chain.Taps! with { Bits = 16 },
            },
        };
    }

    /// <summary>Four classes around random prototypes in [0, 1]^16; <paramref name="count"/> examples.</summary>
    public static LabeledImageSet Task(int count, int seed)
    {
        var proto = new Random(7);
        var prototypes = new float[Classes * Inputs];
        for (int i = 0; i < prototypes.Length; i++) prototypes[i] = proto.NextDouble() < 0.5 ? 0.15f : 0.85f;
        var rng = new Random(seed);
        var pixels = new float[count * Inputs];
        var labels = new byte[count];
        for (int n = 0; n < count; n++)
        {
            int c = rng.Next(Classes);
            labels[n] = (byte)c;
            for (int i = 0; i < Inputs; i++)
                pixels[n * Inputs + i] = Math.Clamp(prototypes[c * Inputs + i] + (float)(0.25 * (rng.NextDouble() * 2 - 1)), 0f, 1f);
        }
        return new LabeledImageSet("chain-task", pixels, labels, 4, 4, Classes);
    }
}
