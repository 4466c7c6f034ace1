using MortalHil.Core.Learning;
using MortalHil.Core.Learning.Mapping;

namespace MortalHil.Core.Live;

/// <summary>Publishes a training loop's progress as <see cref="TrainingEvent"/>s, naming the board the model is on.</summary>
public static class LiveTraining
{
    public static void Publish(IClassifier model, int epoch, int epochs, long step, long stepsTotal, double epochsDone, float trainAccuracy,
        float testAccuracy, bool curvePoint)
    {
        if (!LiveEvents.IsActive) return;
        var board = (model as MappedNetwork)?.Device.Description;
        LiveEvents.Publish(new TrainingEvent
        {
            BoardKind = board?.Kind ?? "digital", Serial = board?.SerialNumber ?? "-", Epoch = epoch, Epochs = epochs, Step = step, StepsTotal = stepsTotal,
            EpochsDone = epochsDone, TrainAccuracy = trainAccuracy, TestAccuracy = float.IsNaN(testAccuracy) ? null : testAccuracy, IsCurvePoint = curvePoint,
        });
    }
}
