namespace MortalHil.Core.Mortality.Ports;

/// <summary>
/// A student board with an on-chip trainer: learns from target distributions (soft targets at the
/// temperature it was built with, or one-hot labels), through its board alone.
/// </summary>
public interface IStudentLearner : IHandoverBoard
{
    /// <summary>
    /// One training step on a minibatch: <paramref name="inputs"/> is <c>batch x InputCount</c>,
    /// <paramref name="targets"/> <c>batch x ClassCount</c> (each row a distribution). Returns the
    /// minibatch loss the trainer measured.
    /// </summary>
    double Step(ReadOnlySpan<float> inputs, ReadOnlySpan<float> targets, int batch);

    /// <summary>Training steps taken over the student's whole life (restored from a checkpoint included).</summary>
    long StepsTaken { get; }

    /// <summary>Programming pulses the student board has received.</summary>
    long PulsesApplied { get; }

    /// <summary>Host-side state (network mapping, trainer state, step count) to restore the student after a crash.</summary>
    byte[] SaveHostState();
}
