using MortalHil.Core.Devices;
using MortalHil.Stress.Scenarios;
using MortalHil.Stress.Tasks;

namespace MortalHil.Stress.Ports;

/// <summary>
/// Learning and mortality as the stress runner needs them: train a board from labels, re-attach a model
/// after a restart, predict failure, run a journaled handover, read a journal. The runner is written
/// against this port only; one implementation is built per scenario run and must be safe to use from
/// several lineages at once (each call touches only the boards and files it is given).
/// </summary>
public interface IStressToolkit
{
    /// <summary>Places a fresh network on <paramref name="board"/> and trains it on-chip from labelled data.</summary>
    IServingModel TrainFromLabels(IDevice board, ulong seed);

    /// <summary>Re-attaches a model to its board from <see cref="IServingModel.Snapshot"/> (after a host restart).</summary>
    IServingModel RestoreModel(IDevice board, string snapshot);

    /// <summary>A fresh predictor for one serving board.</summary>
    IFailurePredictor CreatePredictor();

    /// <summary>Starts a handover, or resumes it when the journal exists.</summary>
    IHandoverProcess OpenHandover(HandoverOpening opening);

    /// <summary>What <paramref name="journalPath"/> holds now (committed data only), without a process.</summary>
    JournalView ReadJournal(string journalPath);
}

/// <summary>Builds the toolkit for one run of a scenario.</summary>
public delegate IStressToolkit StressToolkitFactory(Scenario scenario, SyntheticTask task);
