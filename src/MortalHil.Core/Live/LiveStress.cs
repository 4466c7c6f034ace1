namespace MortalHil.Core.Live;

/// <summary>Publishes a stress run's progress as <see cref="StressEvent"/>s.</summary>
public static class LiveStress
{
    public static void Publish(string outDir, string scenario, int finished, int scheduled, bool done = false)
    {
        if (!LiveEvents.IsActive) return;
        LiveEvents.Publish(new StressEvent { OutDir = Path.GetFullPath(outDir), Scenario = scenario, Finished = finished, Scheduled = scheduled, Done = done });
    }
}
