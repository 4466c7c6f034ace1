using System.Device.Gpio;
using System.Device.Spi;
using MortalHil.Hardware.Spi.Profile;

namespace MortalHil.Hardware.Spi.DryRun;

/// <summary>
/// A profile's wiring with emulated chips instead of hardware, for running an SPI profile without a
/// Pi (<c>spi-dry:profile.json</c>) and for the SPI driver's tests: DAC outputs through the row amplifier give
/// row voltages; column currents are Σ V·G over an ideal crossbar; the transimpedance stage gives the ADC
/// inputs; the selection lines (GPIO or 74HC595 chain) and the fire/polarity lines move the one selected cell.
/// The crossbar is an assumption, not a device model. By default its conductances are drawn uniformly in the
/// profile's nominal window (seeded by its serial number), and a pulse moves a cell by soft-bounds steps of 1/100
/// of the remaining window when its amplitude is at least half the nominal pulse. It also records what a driver
/// bug would show: pulses fired with no cell or several cells selected, and the largest row and pulse voltages.
/// </summary>
public sealed class DryRunFrontEnd
{
    /// <summary>A cell's new conductance after one pulse, from its conductance and the pulse's polarity (true: up).</summary>
    public delegate double PulseResponse(double siemens, bool up);

    private const double StepFraction = 0.01;
    private readonly SpiBoardProfile _p;
    private readonly PulseResponse _response;
    private readonly bool[] _shift, _outputs;
    private readonly Dictionary<int, int> _levels = new();
    private readonly EmulatedDac8568[] _dacs;
    private readonly EmulatedMcp3208[] _adcs;
    private int _data, _lastClock, _lastLatch;

    /// <summary>The dry-run crossbar: conductances seeded by the profile's serial number, soft-bounds steps.</summary>
    public DryRunFrontEnd(SpiBoardProfile profile, SpiTrace trace)
        : this(profile, trace, SeededConductances(profile), SoftBounds(profile))
    {
    }

    /// <summary>A crossbar with the given conductances (siemens, rows x columns; kept, not copied) and cell response.</summary>
    public DryRunFrontEnd(SpiBoardProfile profile, SpiTrace trace, double[,] conductances, PulseResponse response)
    {
        if (conductances.GetLength(0) != profile.Rows || conductances.GetLength(1) != profile.Columns)
            throw new ArgumentException($"the conductances are {conductances.GetLength(0)} x {conductances.GetLength(1)}, the profile's crossbar {profile.Rows} x {profile.Columns}");
        _p = profile;
        _response = response;
        Trace = trace;
        G = conductances;
        _dacs = profile.Dacs.Select(d => new EmulatedDac8568(new SpiConnectionSettings(d.Bus, d.ChipSelect) { Mode = SpiMode.Mode1 }, d.ReferenceVolts, d.InternalReference, trace, ObserveDacs)).ToArray();
        _adcs = profile.Adcs.Select((a, k) => new EmulatedMcp3208(new SpiConnectionSettings(a.Bus, a.ChipSelect), a.ReferenceVolts, trace, ch => AdcInput(k, ch))).ToArray();
        _shift = new bool[profile.Rows + profile.Columns];
        _outputs = new bool[profile.Rows + profile.Columns];
        Gpio = new GpioController(new EmulatedGpioDriver(trace, OnPin));
    }

    private static double[,] SeededConductances(SpiBoardProfile profile)
    {
        var rng = new Random(StableSeed(profile.SerialNumber));
        var g = new double[profile.Rows, profile.Columns];
        double lo = profile.NominalConductanceMinSiemens, hi = profile.NominalConductanceMaxSiemens;
        for (int r = 0; r < profile.Rows; r++)
            for (int c = 0; c < profile.Columns; c++) g[r, c] = lo + (0.2 + 0.6 * rng.NextDouble()) * (hi - lo);
        return g;
    }

    private static PulseResponse SoftBounds(SpiBoardProfile profile)
    {
        double lo = profile.NominalConductanceMinSiemens, hi = profile.NominalConductanceMaxSiemens;
        return (g, up) => up ? g + StepFraction * (hi - g) : g - StepFraction * (g - lo);
    }

    public SpiBoardProfile Profile => _p;
    /// <summary>The emulated DACs and ADCs, in the profile's order.</summary>
    public IReadOnlyList<EmulatedDac8568> Dacs => _dacs;
    public IReadOnlyList<EmulatedMcp3208> Adcs => _adcs;
    /// <summary>Rising edges of the fire line.</summary>
    public long PulsesSeen { get; private set; }
    /// <summary>Pulses that fired while no cell or more than one cell was selected (a driver bug).</summary>
    public long StrayPulses { get; private set; }
    /// <summary>The largest row voltage magnitude and pulse amplitude the driver ever produced, volts.</summary>
    public double MaxAbsRowVolts { get; private set; }
    public double MaxPulseVolts { get; private set; }

    /// <summary>The emulated crossbar's conductances, siemens.</summary>
    public double[,] G { get; }
    public GpioController Gpio { get; }
    public SpiTrace Trace { get; }

    /// <summary>The emulated chip at a bus and chip select (what <see cref="SpiDevice.Create"/> would open).</summary>
    public SpiDevice Open(SpiConnectionSettings s)
    {
        int d = _p.Dacs.ToList().FindIndex(x => x.Bus == s.BusId && x.ChipSelect == s.ChipSelectLine);
        if (d >= 0) return _dacs[d];
        int a = _p.Adcs.ToList().FindIndex(x => x.Bus == s.BusId && x.ChipSelect == s.ChipSelectLine);
        if (a >= 0) return _adcs[a];
        throw new IOException($"no chip on SPI bus {s.BusId} chip select {s.ChipSelectLine}");
    }

    private static int StableSeed(string s)
    {
        unchecked
        {
            int h = 17;
            foreach (char ch in s) h = h * 31 + ch;
            return h;
        }
    }

    /// <summary>Row <paramref name="row"/>'s voltage at the crossbar, volts.</summary>
    public double RowVolts(int row)
    {
        var ch = _p.RowChannels[row];
        return (_dacs[ch.Chip].Output(ch.Channel) - _p.RowDriver.OffsetVolts) * _p.RowDriver.Gain;
    }

    /// <summary>The pulse amplitude at the crossbar, volts.</summary>
    public double PulseVolts => _dacs[_p.Pulse.AmplitudeChannel.Chip].Output(_p.Pulse.AmplitudeChannel.Channel) * _p.Pulse.AmplitudeGain;

    private void ObserveDacs()
    {
        for (int r = 0; r < _p.Rows; r++) MaxAbsRowVolts = Math.Max(MaxAbsRowVolts, Math.Abs(RowVolts(r)));
        MaxPulseVolts = Math.Max(MaxPulseVolts, PulseVolts);
    }

    private double AdcInput(int chip, int channel)
    {
        int column = -1;
        for (int j = 0; j < _p.ColumnChannels.Count; j++)
            if (_p.ColumnChannels[j].Chip == chip && _p.ColumnChannels[j].Channel == channel) column = j;
        if (column < 0) return _p.ColumnAmplifier.OffsetVolts;
        double current = 0;
        for (int r = 0; r < _p.Rows; r++) current += RowVolts(r) * G[r, column];
        return _p.ColumnAmplifier.OffsetVolts - current * _p.ColumnAmplifier.TransimpedanceOhms;
    }

    private int Level(int pin) => _levels.GetValueOrDefault(pin);

    private void OnPin(int pin, PinValue value)
    {
        int v = value == PinValue.High ? 1 : 0;
        int before = Level(pin);
        _levels[pin] = v;
        var s = _p.Selection;
        if (s.Mode == "shiftRegister")
        {
            if (pin == s.DataPin) _data = v;
            if (pin == s.ClockPin && v == 1 && _lastClock == 0)
            {
                for (int k = _shift.Length - 1; k > 0; k--) _shift[k] = _shift[k - 1];
                _shift[0] = _data == 1;
            }
            if (pin == s.LatchPin && v == 1 && _lastLatch == 0) Array.Copy(_shift, _outputs, _shift.Length);
            if (pin == s.ClockPin) _lastClock = v;
            if (pin == s.LatchPin) _lastLatch = v;
        }
        if (pin == _p.Pulse.FirePin && before == 0 && v == 1) Fire();
    }

    private bool RowSelected(int r) => _p.Selection.Mode == "gpio" ? Level(_p.Selection.RowPins[r]) == 1 : _outputs[r];
    private bool ColumnSelected(int c) => _p.Selection.Mode == "gpio" ? Level(_p.Selection.ColumnPins[c]) == 1 : _outputs[_p.Rows + c];

    private void Fire()
    {
        PulsesSeen++;
        int row = -1, column = -1, rows = 0, columns = 0;
        for (int r = 0; r < _p.Rows; r++) if (RowSelected(r)) { row = r; rows++; }
        for (int c = 0; c < _p.Columns; c++) if (ColumnSelected(c)) { column = c; columns++; }
        if (rows != 1 || columns != 1) { StrayPulses++; return; }
        if (PulseVolts < 0.5 * _p.NominalPulseVolts) return; // below threshold: no switching
        G[row, column] = _response(G[row, column], Level(_p.Pulse.PolarityPin) == 1);
    }
}
