using System.Device.Gpio;
using System.Device.Spi;
using MortalHil.Hardware.Spi.Profile;

namespace MortalHil.Hardware.Spi.DryRun;

/// <summary>
/// A profile's wiring with emulated chips instead of hardware, for running an SPI profile without a
/// Pi (<c>spi-dry:profile.json</c>): DAC outputs through the row amplifier give row voltages; column
/// currents are Σ V·G over an ideal crossbar; the transimpedance stage gives the ADC inputs; the
/// selection lines (GPIO or 74HC595 chain) and the fire/polarity lines move the one selected cell.
/// The crossbar is an assumption, not a device model: conductances drawn uniformly in the profile's
/// nominal window (seeded by its serial number), and soft-bounds steps of 1/100 of the remaining
/// window per pulse when the pulse amplitude is at least half the nominal pulse.
/// </summary>
public sealed class DryRunFrontEnd
{
    private const double StepFraction = 0.01;
    private readonly SpiBoardProfile _p;
    private readonly bool[] _shift, _outputs;
    private readonly Dictionary<int, int> _levels = new();
    private readonly EmulatedDac8568[] _dacs;
    private readonly EmulatedMcp3208[] _adcs;
    private int _data, _lastClock, _lastLatch;

    public DryRunFrontEnd(SpiBoardProfile profile, SpiTrace trace)
    {
        _p = profile;
        Trace = trace;
        var rng = new Random(StableSeed(profile.SerialNumber));
        G = new double[profile.Rows, profile.Columns];
        double lo = profile.NominalConductanceMinSiemens, hi = profile.NominalConductanceMaxSiemens;
        for (int r = 0; r < profile.Rows; r++)
            for (int c = 0; c < profile.Columns; c++) G[r, c] = lo + (0.2 + 0.6 * rng.NextDouble()) * (hi - lo);
        _dacs = profile.Dacs.Select(d => new EmulatedDac8568(new SpiConnectionSettings(d.Bus, d.ChipSelect) { Mode = SpiMode.Mode1 }, d.ReferenceVolts, d.InternalReference, trace, () => { })).ToArray();
        _adcs = profile.Adcs.Select((a, k) => new EmulatedMcp3208(new SpiConnectionSettings(a.Bus, a.ChipSelect), a.ReferenceVolts, trace, ch => AdcInput(k, ch))).ToArray();
        _shift = new bool[profile.Rows + profile.Columns];
        _outputs = new bool[profile.Rows + profile.Columns];
        Gpio = new GpioController(new EmulatedGpioDriver(trace, OnPin));
    }

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

    private double RowVolts(int row)
    {
        var ch = _p.RowChannels[row];
        return (_dacs[ch.Chip].Output(ch.Channel) - _p.RowDriver.OffsetVolts) * _p.RowDriver.Gain;
    }

    private double PulseVolts => _dacs[_p.Pulse.AmplitudeChannel.Chip].Output(_p.Pulse.AmplitudeChannel.Channel) * _p.Pulse.AmplitudeGain;

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
        int row = -1, column = -1, rows = 0, columns = 0;
        for (int r = 0; r < _p.Rows; r++) if (RowSelected(r)) { row = r; rows++; }
        for (int c = 0; c < _p.Columns; c++) if (ColumnSelected(c)) { column = c; columns++; }
        if (rows != 1 || columns != 1 || PulseVolts < 0.5 * _p.NominalPulseVolts) return;
        double lo = _p.NominalConductanceMinSiemens, hi = _p.NominalConductanceMaxSiemens, g = G[row, column];
        G[row, column] = Level(_p.Pulse.PolarityPin) == 1
            ? g + StepFraction * (hi - g)
            : g - StepFraction * (g - lo);
    }
}
