using MortalHil.Core.Devices;

namespace MortalHil.Core.Mortality.Health;

/// <summary>
/// Measures the censused cells: how many sit at an edge of the nominal conductance window, and how
/// far they have drifted from a reference measurement. Measurement only: no pulses.
/// </summary>
internal sealed class ConductanceCensus
{
    private readonly IDevice _device;
    private readonly IReadOnlyList<CrossbarWindow> _windows;
    private readonly float[] _now;
    private float[]? _reference;

    public ConductanceCensus(IDevice device, IReadOnlyList<CrossbarWindow> windows)
    {
        foreach (var w in windows) w.Validate(device.Description);
        _device = device;
        _windows = windows;
        _now = new float[windows.Sum(w => w.CellCount)];
    }

    public int CellCount => _now.Length;

    /// <summary>Measures every censused cell into the current buffer.</summary>
    public void Measure()
    {
        int offset = 0;
        foreach (var w in _windows)
        {
            _device.MeasureConductances(w, _now.AsSpan(offset, w.CellCount));
            offset += w.CellCount;
        }
    }

    /// <summary>Share of cells within <paramref name="band"/> of the nominal window's ends (or beyond them).</summary>
    public double EdgeFraction(double band)
    {
        if (_now.Length == 0) return 0;
        var d = _device.Description;
        double gmin = d.GMinSiemens, gmax = d.GMaxSiemens, margin = band * (gmax - gmin);
        int edge = 0;
        foreach (var g in _now) if (g <= gmin + margin || g >= gmax - margin) edge++;
        return edge / (double)_now.Length;
    }

    /// <summary>Takes the current measurement as the drift reference.</summary>
    public void Rebaseline() => _reference = (float[])_now.Clone();

    public bool HasReference => _reference is not null;

    /// <summary>
    /// Mean |G - G_reference| as a share of the nominal window, minus what measurement noise alone
    /// gives: the difference of two measurements with noise sigma has E|d| = 2 sigma / sqrt(pi).
    /// </summary>
    public double DriftFraction(double noiseSiemens)
    {
        if (_reference is null || _now.Length == 0) return 0;
        double sum = 0;
        for (int i = 0; i < _now.Length; i++) sum += Math.Abs(_now[i] - _reference[i]);
        double mean = sum / _now.Length - 2 * noiseSiemens / Math.Sqrt(Math.PI);
        var d = _device.Description;
        return Math.Max(0, mean) / (d.GMaxSiemens - d.GMinSiemens);
    }
}
