using System.Device.Gpio;
using System.Device.Spi;
using MortalHil.Hardware.Spi;
using MortalHil.Hardware.Spi.Profile;

namespace MortalHil.Hardware.Tests.Spi;

/// <summary>
/// A small crossbar wired to fake chips exactly as a profile says: DAC outputs through the row
/// amplifier give row voltages, column currents are Σ V·G (ideal), the transimpedance stage gives the
/// ADC inputs; GPIO (or 74HC595) selection plus the fire/polarity lines move a selected cell by one
/// step per pulse when the pulse DAC's amplitude is at least half the nominal pulse. It also records
/// the largest row and pulse voltages the driver ever produced.
/// </summary>
internal sealed class SimulatedFrontEnd
{
    public const double Step = 0.5e-6;
    private readonly SpiBoardProfile _p;
    private readonly bool[] _shift, _outputs;
    private int _data, _lastClock, _lastLatch;
    private readonly Dictionary<int, int> _pinLevels = new();

    public SimulatedFrontEnd(SpiBoardProfile profile, double[,] conductances)
    {
        _p = profile;
        G = conductances;
        Dacs = profile.Dacs.Select(d => new FakeDac8568(d.ReferenceVolts, d.InternalReference) { OutputsChanged = ObserveDacs }).ToArray();
        Adcs = profile.Adcs.Select((a, k) => new FakeMcp3208(a.ReferenceVolts, ch => AdcInput(k, ch))).ToArray();
        _shift = new bool[profile.Rows + profile.Columns];
        _outputs = new bool[profile.Rows + profile.Columns];
        Gpio = new GpioController(new FakeGpioDriver(OnPin));
    }

    public double[,] G { get; }
    public FakeDac8568[] Dacs { get; }
    public FakeMcp3208[] Adcs { get; }
    public GpioController Gpio { get; }
    public double MaxAbsRowVolts { get; private set; }
    public double MaxPulseVolts { get; private set; }
    public long PulsesSeen { get; private set; }
    /// <summary>Pulses that fired while no cell or more than one cell was selected (a driver bug).</summary>
    public long StrayPulses { get; private set; }

    public SpiBoard OpenBoard() => new(_p, OpenSpi, Gpio);

    private SpiDevice OpenSpi(SpiConnectionSettings s)
    {
        int d = _p.Dacs.ToList().FindIndex(x => x.Bus == s.BusId && x.ChipSelect == s.ChipSelectLine);
        if (d >= 0) return Dacs[d];
        int a = _p.Adcs.ToList().FindIndex(x => x.Bus == s.BusId && x.ChipSelect == s.ChipSelectLine);
        return Adcs[a];
    }

    public double RowVolts(int row)
    {
        var ch = _p.RowChannels[row];
        return (Dacs[ch.Chip].Output(ch.Channel) - _p.RowDriver.OffsetVolts) * _p.RowDriver.Gain;
    }

    public double PulseVolts => Dacs[_p.Pulse.AmplitudeChannel.Chip].Output(_p.Pulse.AmplitudeChannel.Channel) * _p.Pulse.AmplitudeGain;

    private void ObserveDacs()
    {
        for (int r = 0; r < _p.Rows; r++) MaxAbsRowVolts = Math.Max(MaxAbsRowVolts, Math.Abs(RowVolts(r)));
        MaxPulseVolts = Math.Max(MaxPulseVolts, PulseVolts);
    }

    private double AdcInput(int chip, int channel)
    {
        int column = _p.ColumnChannels.ToList().FindIndex(c => c.Chip == chip && c.Channel == channel);
        if (column < 0) return _p.ColumnAmplifier.OffsetVolts;
        double current = 0;
        for (int r = 0; r < _p.Rows; r++) current += RowVolts(r) * G[r, column];
        return _p.ColumnAmplifier.OffsetVolts - current * _p.ColumnAmplifier.TransimpedanceOhms;
    }

    private int Level(int pin) => _pinLevels.GetValueOrDefault(pin);

    private void OnPin(int pin, PinValue value)
    {
        int v = value == PinValue.High ? 1 : 0;
        int before = Level(pin);
        _pinLevels[pin] = v;
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
        var rows = Enumerable.Range(0, _p.Rows).Where(RowSelected).ToList();
        var columns = Enumerable.Range(0, _p.Columns).Where(ColumnSelected).ToList();
        if (rows.Count != 1 || columns.Count != 1) { StrayPulses++; return; }
        if (PulseVolts < 0.5 * _p.NominalPulseVolts) return; // below threshold: no switching
        double sign = Level(_p.Pulse.PolarityPin) == 1 ? 1 : -1;
        G[rows[0], columns[0]] = Math.Clamp(G[rows[0], columns[0]] + sign * Step, _p.NominalConductanceMinSiemens, _p.NominalConductanceMaxSiemens);
    }
}
