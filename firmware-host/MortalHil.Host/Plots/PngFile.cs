namespace MortalHil.Host.Plots;

/// <summary>Writes a PNG plot atomically: to a temporary name in the same folder, then renamed.</summary>
public static class PngFile
{
    public static void Save(ScottPlot.Plot plot, string path, int width, int height)
    {
        string tmp = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(path))!, $".{Path.GetFileNameWithoutExtension(path)}.{Environment.ProcessId}.tmp.png");
        plot.SavePng(tmp, width, height);
        File.Move(tmp, path, overwrite: true);
    }
}
