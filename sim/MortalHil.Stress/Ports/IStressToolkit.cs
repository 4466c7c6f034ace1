using MortalHil.Core.Devices;
using MortalHil.Stress.Scenarios;
using MortalHil.Stress.Tasks;

namespace MortalHil.Stress.Ports;

/// <summary>
/// Learning and mortality as the stress runner needs them: train a board from labels, re-attach a model
/// after a restart, monitor a serving board, run a journaled handover, read a journal without a process.
/// One instance per scenario run, used from several lineages at once: each call touches only the boards and
/// files it is given.
/// </summary>
public interface IStressToolkit
{
    /// <summary>Places a fresh network on <paramref name="board"/> and trains it on-chip from labelled data.</summary>
    IServingModel TrainFromLabels(IDevice board, int seed);

    /// <summary>Re-attaches a model to its board from <see cref="IServingModel.Snapshot"/> (after a host restart).</summary>
    IServingModel RestoreModel(IDevice board, byte[] snapshot);

    /// <summary>Health monitor and failure predictor for a board that starts serving now.</summary>
    /// <param name="model">The serving model.</param>
    /// <param name="handoverSeconds">Board time a handover needs, provisioning a spare included.</param>
    /// <param name="marginSeconds">Extra time the policy keeps in reserve.</param>
    /// <param name="lineageBest">The best healthy canary level of the boards that served this position before; null when none.</param>
    IBoardMonitor CreateMonitor(IServingModel model, double handoverSeconds, double marginSeconds, double? lineageBest = null);

    /// <summary>Board time one handover takes when it runs to the end of its budget.</summary>
    double ExpectedHandoverSeconds { get; }

    /// <summary>
    /// Records the lessons of a board's prime (its outputs on the transfer set of the handover seeded <paramref name="handoverSeed"/>) into
    /// <paramref name="path"/> when it starts serving; returns the path, or null when the toolkit records none. Throws what the board throws.
    /// </summary>
    string? RecordPrimeLessons(IServingModel model, int handoverSeed, string path) => null;

    /// <summary>Starts a handover, or resumes it when the journal exists.</summary>
    IHandoverProcess OpenHandover(HandoverOpening opening);

    /// <summary>What the journal file holds now (committed data only), read without any process; empty when it does not exist.</summary>
    JournalView ReadJournal(string journalPath);
}

/// <summary>Builds the toolkit for one run of a scenario (one seed).</summary>
public delegate IStressToolkit StressToolkitFactory(Scenario scenario, SyntheticTask task);
