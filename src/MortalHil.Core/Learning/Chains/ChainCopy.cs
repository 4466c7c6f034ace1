using MortalHil.Core.Devices;
using MortalHil.Core.Learning.Mapping;

namespace MortalHil.Core.Learning.Chains;

/// <summary>
/// The naive handover between chain boards: read the teacher's weights through its conductances and program them
/// onto the student's chain, host biases copied. What it cannot copy is the teacher's neurons, whose quirks the
/// weights were trained around.
/// </summary>
public static class ChainCopy
{
    /// <summary>Program-and-verify goal of a copy: within 3 % of the window, up to 12 rounds (as the per-layer-ADC copy).</summary>
    public static readonly ProgrammingOptions Programming = new(ToleranceFraction: 0.03f, MaxIterations: 12);

    /// <summary>Maps the student's chain with the teacher's measured weights and biases.</summary>
    public static MappedNetwork Copy(MappedNetwork teacher, IAnalogChainDevice student, MappingOptions options, TextWriter? log = null)
    {
        if (teacher.Chain is null) throw new ArgumentException("the teacher is not on an analog chain");
        var weights = NetworkWeights.Measure(teacher);
        var net = ChainMapper.Map(student, options with { InitialProgramming = Programming }, log, weights);
        for (int l = 0; l < net.Layers.Count; l++) teacher.Layers[l].Bias.CopyTo(net.Layers[l].Bias, 0);
        return net;
    }
}
