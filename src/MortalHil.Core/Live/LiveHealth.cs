using MortalHil.Core.Devices;
using MortalHil.Core.Mortality.Prediction;

namespace MortalHil.Core.Live;

/// <summary>Publishes a health watch's checks as <see cref="BoardHealthEvent"/>s and hands it operators' handover requests.</summary>
public static class LiveHealth
{
    public static void Publish(IDevice board, WatchResult check)
    {
        if (!LiveEvents.IsActive) return;
        var d = board.Description;
        var s = check.Sample;
        var limit = check.Decision.Limiting;
        LiveEvents.Publish(new BoardHealthEvent
        {
            BoardKind = d.Kind, Serial = d.SerialNumber, State = check.Decision.CallHandover ? "handover_called" : "serving",
            AgeHours = s.BoardTime.TotalHours, CanaryAccuracy = s.CanaryAccuracy, StuckFraction = s.StuckFraction,
            WriteFailureFraction = s.WriteFailureFraction, TotalPulses = s.TotalPulses,
            LifeIndicator = limit?.Indicator, LifeMedianHours = limit?.Median?.TotalHours, LifeLowerHours = limit?.Lower?.TotalHours,
            LifeUpperHours = limit?.Upper?.TotalHours, LifeConfidence = limit?.Confidence, Reason = check.Decision.Reason,
        });
    }

    public static void PublishDeath(IDevice board, string message)
    {
        if (!LiveEvents.IsActive) return;
        DeviceDescription d;
        try { d = board.Description; }
        catch (DeviceFailedException) { return; }
        LiveEvents.Publish(new BoardHealthEvent { BoardKind = d.Kind, Serial = d.SerialNumber, State = "dead", Reason = message });
    }

    public static bool TakeHandoverRequest(IDevice board) =>
        LiveEvents.IsActive && LiveEvents.TakeHandoverRequest(board.Description.Kind, board.Description.SerialNumber);
}
