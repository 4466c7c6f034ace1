using MortalHil.Core.Devices;
using MortalHil.Core.Learning;

namespace MortalHil.Stress.Ports;

/// <summary>A network that lives on one board and answers inference requests through <see cref="IDevice"/>.</summary>
public interface IServingModel
{
    /// <summary>The board holding the weights.</summary>
    IDevice Board { get; }

    /// <summary>The network as a classifier (its calls throw what the board throws).</summary>
    IClassifier Classifier { get; }

    /// <summary>
    /// The model's host-side state (placement, scales, calibration): what a host keeps on disk so that after
    /// a restart <see cref="IStressToolkit.RestoreModel"/> re-attaches the model to its board.
    /// </summary>
    byte[] Snapshot();
}
