using MortalHil.Core.Learning.Mapping;
using MortalHil.Sim;
using MortalHil.Sim.Presets;

namespace MortalHil.Host.Commands.Mortality;

/// <summary>
/// The naive handover: read the teacher's weights out through its conductances and program them onto
/// a fresh board by program-and-verify (<see cref="WeightProgrammer"/>), copy the host-side biases,
/// and recalibrate the new board's ranges by measurement. Everything a careful engineer would do
/// short of retraining; what it cannot copy is the teacher's physics, which its weights were
/// trained to compensate.
/// </summary>
public static class CopyBaseline
{
    /// <summary>What the copy read from the teacher: effective weights (measured) and biases of each main layer.</summary>
    public sealed record TeacherWeights(float[][] Weights, float[][] Biases);

    /// <summary>Measures the teacher's weights through MeasureConductances.</summary>
    public static TeacherWeights Read(MappedNetwork teacher) =>
        new(NetworkWeights.Measure(teacher), teacher.Layers.Select(l => l.Bias.ToArray()).ToArray());

    /// <summary>Programs <paramref name="weights"/> onto a fresh board <paramref name="serial"/> mapped with the same shape.</summary>
    public static (SimulatedBoard Board, MappedNetwork Network, ProgrammingReport Report) Copy(TeacherWeights weights, DevicePreset preset, string serial,
        NetworkShape shape, string algo, ReadOnlySpan<float> sample, int sampleCount, int seed)
    {
        var (board, net) = TeacherSchool.Fresh(preset, serial, shape, algo, sample, sampleCount, seed);
        var programmer = WeightProgrammer.For(net);
        var report = ProgrammingReport.Empty;
        // Tighter than the initial mapping's 2 % tolerance: a copy should be as exact as the board allows.
        var options = new ProgrammingOptions(ToleranceFraction: 0.005f, MaxIterations: 20);
        for (int l = 0; l < net.Layers.Count; l++)
        {
            report += programmer.ProgramLayer(net, net.Layers[l], weights.Weights[l], options);
            weights.Biases[l].CopyTo(net.Layers[l].Bias, 0);
        }
        BoardCalibration.FitRanges(net, sample, sampleCount);
        return (board, net, report);
    }
}
