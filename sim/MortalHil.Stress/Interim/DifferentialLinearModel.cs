using System.Globalization;
using MortalHil.Core.Devices;
using MortalHil.Stress.Ports;

namespace MortalHil.Stress.Interim;

/// <summary>
/// A single-layer classifier on tile 0 of a board: features on rows 0..F-1 and a bias row F driven at the
/// full input voltage; class c is the difference of columns 2c and 2c+1 (a differential pair). Logits are
/// the measured differential currents normalised by what one fully-on pair would carry, times a fixed gain.
/// Uses only the board's datasheet (<see cref="DeviceDescription"/>), never its hidden physics.
/// </summary>
internal sealed class DifferentialLinearModel : IServingModel
{
    /// <summary>Logit units per unit of normalised differential current.</summary>
    public const float LogitGain = 2f;

    private float[] _volts = [];
    private float[] _amps = [];

    public DifferentialLinearModel(IDevice board, int features, int classes)
    {
        Board = board;
        Features = features;
        Classes = classes;
        var d = board.Description;
        Window = new CrossbarWindow(0, 0, features + 1, 0, 2 * classes);
        Window.Validate(d);
        InputVolts = 0.95f * MathF.Min(d.Limits.MaxReadVolts, d.Dac.FullScaleVolts);
        CurrentScale = InputVolts * (d.GMaxSiemens - d.GMinSiemens);
        MaxBatch = d.Limits.MaxBatch;
    }

    public IDevice Board { get; }
    public int Features { get; }
    public int Classes { get; }
    /// <summary>The cells the layer occupies.</summary>
    public CrossbarWindow Window { get; }
    /// <summary>Volts for a feature of 1 (and for the bias row).</summary>
    public float InputVolts { get; }
    /// <summary>Amperes of one fully-on differential pair driven at <see cref="InputVolts"/>.</summary>
    public float CurrentScale { get; }
    public int MaxBatch { get; }

    /// <inheritdoc/>
    public void Logits(ReadOnlySpan<float> inputs, Span<float> logits)
    {
        int samples = inputs.Length / Features;
        if (samples * Features != inputs.Length || logits.Length != samples * Classes)
            throw new ArgumentException($"inputs {inputs.Length} / logits {logits.Length} do not match {Features} features and {Classes} classes");
        for (int start = 0; start < samples; start += MaxBatch)
        {
            int n = Math.Min(MaxBatch, samples - start);
            ReadBatch(inputs.Slice(start * Features, n * Features), logits.Slice(start * Classes, n * Classes), n);
        }
    }

    /// <summary>Forward pass of one batch (at most the board's batch limit).</summary>
    internal void ReadBatch(ReadOnlySpan<float> inputs, Span<float> logits, int n)
    {
        int rows = Features + 1, cols = 2 * Classes;
        if (_volts.Length < n * rows) _volts = new float[n * rows];
        if (_amps.Length < n * cols) _amps = new float[n * cols];
        var v = _volts.AsSpan(0, n * rows);
        for (int b = 0; b < n; b++)
        {
            for (int i = 0; i < Features; i++) v[b * rows + i] = Math.Clamp(inputs[b * Features + i], -1f, 1f) * InputVolts;
            v[b * rows + Features] = InputVolts;
        }
        var a = _amps.AsSpan(0, n * cols);
        Board.Read(Window, v, a);
        float k = LogitGain / CurrentScale;
        for (int b = 0; b < n; b++)
            for (int c = 0; c < Classes; c++)
                logits[b * Classes + c] = k * (a[b * cols + 2 * c] - a[b * cols + 2 * c + 1]);
    }

    /// <inheritdoc/>
    public string Snapshot() => string.Create(CultureInfo.InvariantCulture, $"differential-linear {Features} {Classes}");

    /// <summary>Re-attaches a model from <see cref="Snapshot"/>.</summary>
    public static DifferentialLinearModel Restore(IDevice board, string snapshot)
    {
        var parts = snapshot.Split(' ');
        if (parts.Length != 3 || parts[0] != "differential-linear"
            || !int.TryParse(parts[1], CultureInfo.InvariantCulture, out int f) || !int.TryParse(parts[2], CultureInfo.InvariantCulture, out int c))
            throw new InvalidDataException($"not a differential-linear model snapshot: '{snapshot}'");
        return new DifferentialLinearModel(board, f, c);
    }
}
