using System.Device.Gpio;
using System.Device.Spi;
using System.Diagnostics;
using MortalHil.Core.Devices;
using MortalHil.Hardware.Protocol.Messages;
using MortalHil.Hardware.Safety;
using MortalHil.Hardware.Spi.DryRun;
using MortalHil.Hardware.Spi.Gpio;
using MortalHil.Hardware.Spi.Chips.Dac8568;
using MortalHil.Hardware.Spi.Chips.Mcp3208;
using MortalHil.Hardware.Spi.Profile;
using MortalHil.Hardware.Spi.Selection;
using MortalHil.Hardware.Virtual;
using UnitsNet;

namespace MortalHil.Hardware.Spi;

/// <summary>
/// A crossbar driven directly by a Raspberry Pi: DAC8568 channels set row voltages through a row
/// amplifier, MCP3208 channels read column currents through transimpedance amplifiers, GPIO lines
/// (or 74HC595 shift registers) connect one cell at a time to the programming-pulse path, whose
/// amplitude another DAC channel sets. The wiring comes from a <see cref="SpiBoardProfile"/>.
/// One tile; no outer-product pulsing (one cell at a time); no analog activations.
/// </summary>
public sealed class SpiBoard : IDevice, ISafeStateDevice
{
    private readonly SpiBoardProfile _profile;
    private readonly Dac8568[] _dacs;
    private readonly Mcp3208Converter[] _adcs;
    private readonly ICellSelector _selector;
    private readonly GpioController _gpio;
    private readonly bool _ownsGpio;
    private readonly PulseReceiptCache _receipts = new(4096);
    private readonly long[] _cellPulses;
    private readonly Stopwatch _uptime = Stopwatch.StartNew();
    private readonly ushort _rowZeroCode;
    private long _totalPulses, _totalReads;
    private readonly IDisposable? _companion;
    private bool _disposed;

    /// <summary>
    /// Opens the board a profile file describes, on this machine's SPI buses and GPIO lines, with the GPIO
    /// driver <paramref name="gpioDriver"/> names (null: the profile's <c>gpioDriver</c>; "auto" detects it,
    /// see <see cref="GpioDriverChoice"/>) on GPIO chip <paramref name="gpioChip"/> (null: the profile's <c>gpioChip</c>).
    /// </summary>
    public static SpiBoard Open(string profilePath, string? gpioDriver = null, int? gpioChip = null)
    {
        var profile = SpiBoardProfileJson.Load(profilePath);
        string requested = string.IsNullOrEmpty(gpioDriver) ? profile.GpioDriver : gpioDriver;
        if (!GpioDriverChoice.Names.Contains(requested))
            throw new InvalidDataException($"GPIO driver '{requested}' is not one of {string.Join(", ", GpioDriverChoice.Names)}");
        int chip = gpioChip ?? profile.GpioChip;
        if (chip is < -1 or > GpioDriverChoice.MaxChip)
            throw new InvalidDataException($"GPIO chip {chip} outside -1..{GpioDriverChoice.MaxChip}");
        GpioController? gpio = null;
        try
        {
            var decision = GpioDriverChoice.Decide(requested, chip, GpioDriverChoice.GpioFacts.Gather());
            gpio = new GpioController(GpioDriverChoice.Open(decision));
            return new SpiBoard(profile, SpiDevice.Create, gpio, ownsGpio: true) { GpioDriverUsed = decision };
        }
        catch (Exception e) when (e is not DeviceLimitException and not InvalidDataException)
        {
            gpio?.Dispose();
            throw new IOException($"cannot open the SPI buses and GPIO lines of {profilePath} on this machine ({e.Message})", e);
        }
    }

    /// <summary>The GPIO driver <see cref="Open"/> chose and why (null on injected or emulated GPIO).</summary>
    public GpioDriverChoice.Decision? GpioDriverUsed { get; private init; }

    /// <summary>
    /// Opens the board a profile file describes on emulated chips (no Pi needed): the same driver
    /// bytes and GPIO edges go to chip emulators wired to an ideal crossbar (<see cref="DryRunFrontEnd"/>).
    /// With <paramref name="tracePath"/>, every SPI frame and GPIO write is logged there, one line each; with
    /// <paramref name="holdAtLine"/> too, the run is held at that line until released (see <see cref="SpiTrace"/>).
    /// </summary>
    public static SpiBoard OpenDryRun(string profilePath, string? tracePath = null, long? holdAtLine = null)
    {
        var profile = SpiBoardProfileJson.Load(profilePath);
        var trace = new SpiTrace(tracePath, holdAtLine);
        var front = new DryRunFrontEnd(profile, trace);
        return new SpiBoard(profile, front.Open, front.Gpio, ownsGpio: true, companion: trace);
    }

    /// <summary>
    /// Wires a board from <paramref name="profile"/>: <paramref name="openSpi"/> makes each chip's
    /// SpiDevice (real: <see cref="SpiDevice.Create"/>; tests: chip fakes), <paramref name="gpio"/>
    /// drives selection and pulse lines. Resets the DACs, sets every row to 0 V and runs a self test.
    /// </summary>
    public SpiBoard(SpiBoardProfile profile, Func<SpiConnectionSettings, SpiDevice> openSpi, GpioController gpio, bool ownsGpio = false, IDisposable? companion = null)
    {
        _companion = companion;
        SpiBoardProfileValidator.Validate(profile);
        _profile = profile;
        _gpio = gpio;
        _ownsGpio = ownsGpio;
        _dacs = profile.Dacs.Select(d => new Dac8568(openSpi(new SpiConnectionSettings(d.Bus, d.ChipSelect)
        {
            Mode = Dac8568.Mode, ClockFrequency = d.ClockHz, DataBitLength = 8,
        }), d.ReferenceVolts, d.InternalReference)).ToArray();
        _adcs = profile.Adcs.Select(a => new Mcp3208Converter(new Iot.Device.Adc.Mcp3208(openSpi(new SpiConnectionSettings(a.Bus, a.ChipSelect)
        {
            Mode = SpiMode.Mode0, ClockFrequency = a.ClockHz, DataBitLength = 8,
        })), a.ReferenceVolts)).ToArray();
        gpio.OpenPin(profile.Pulse.FirePin, PinMode.Output, PinValue.Low);
        gpio.OpenPin(profile.Pulse.PolarityPin, PinMode.Output, PinValue.Low);
        _selector = profile.Selection.Mode == "gpio"
            ? new GpioCellSelector(gpio, profile.Selection.RowPins, profile.Selection.ColumnPins)
            : new ShiftRegisterCellSelector(gpio, profile.Selection.DataPin, profile.Selection.ClockPin, profile.Selection.LatchPin, profile.Rows, profile.Columns);
        _cellPulses = new long[profile.Rows * profile.Columns];

        foreach (var dac in _dacs) dac.Initialize();
        _rowZeroCode = _dacs[profile.RowChannels[0].Chip].CodeFor(profile.RowDriver.OffsetVolts);
        AllRowsToZero();
        SetPulseAmplitudeCode(0);
        WriteLatency = MeasureWriteLatency();
        if (profile.NominalPulseWidthSeconds < WriteLatency.MinTimeableWidthSeconds)
            throw new DeviceLimitException($"this host cannot time the profile's nominal pulse width {profile.NominalPulseWidthSeconds * 1e6:G3} us: a GPIO write takes {WriteLatency.MedianSeconds * 1e6:G3} us here, so pulses shorter than {WriteLatency.MinTimeableWidthSeconds * 1e6:G3} us are refused (another gpioDriver may be faster)");
        Description = Describe(profile, WriteLatency);
        SelfTestPassed = SelfTest();
    }

    /// <inheritdoc/>
    public DeviceDescription Description { get; }

    /// <summary>Whether the board read near-zero currents with every row at 0 V when it was opened.</summary>
    public bool SelfTestPassed { get; }

    /// <summary>Column full scale: the current that drives the ADC input from its offset to the nearer end of its range.</summary>
    private static double AdcFullScaleAmps(SpiBoardProfile p)
    {
        double vref = p.ColumnChannels.Select(c => p.Adcs[c.Chip].ReferenceVolts).Min();
        return Math.Min(p.ColumnAmplifier.OffsetVolts, vref - p.ColumnAmplifier.OffsetVolts) / p.ColumnAmplifier.TransimpedanceOhms;
    }

    /// <summary>How fast this host writes a GPIO line (measured when the board opened); sets the shortest pulse width accepted.</summary>
    public GpioWriteLatency WriteLatency { get; }

    /// <summary>The measured pulse widths of the last request that fired pulses (null before the first).</summary>
    public PulseTiming? LastPulseTiming { get; private set; }

    /// <summary>Median of 64 writes of the polarity line to the level it already has (nothing moves: the pulse path is disarmed).</summary>
    private GpioWriteLatency MeasureWriteLatency()
    {
        var ticks = new long[64];
        for (int k = 0; k < ticks.Length; k++)
        {
            long t0 = Stopwatch.GetTimestamp();
            _gpio.Write(_profile.Pulse.PolarityPin, PinValue.Low);
            ticks[k] = Stopwatch.GetTimestamp() - t0;
        }
        Array.Sort(ticks);
        return new GpioWriteLatency(Math.Max(ticks[ticks.Length / 2], 1) / (double)Stopwatch.Frequency);
    }

    private sealed class PulseTimingRecorder(double requested, double limit)
    {
        private double _shortest = double.MaxValue, _longest, _sum;
        private long _overLimit;
        public long Pulses { get; private set; }

        public void Add(long innerTicks, long outerTicks)
        {
            double inner = innerTicks / (double)Stopwatch.Frequency, outer = outerTicks / (double)Stopwatch.Frequency;
            _shortest = Math.Min(_shortest, inner);
            _longest = Math.Max(_longest, outer);
            _sum += 0.5 * (inner + outer);
            if (outer > limit) _overLimit++;
            Pulses++;
        }

        public PulseTiming Result() => new(requested, Pulses, _shortest, _longest, _sum / Pulses, _overLimit);
    }

    private static DeviceDescription Describe(SpiBoardProfile p, GpioWriteLatency latency) => new()
    {
        SerialNumber = p.SerialNumber,
        Kind = p.Kind,
        Firmware = "MortalHil SpiBoard (host-driven, DAC8568 + MCP3208)",
        TileCount = 1,
        Geometry = new TileGeometry(p.Rows, p.Columns),
        Dac = new DacSpec(16, ElectricPotential.FromVolts(p.ReadFullScaleVolts)),
        Adc = new AdcSpec(Mcp3208Converter.Bits, ElectricCurrent.FromAmperes(AdcFullScaleAmps(p))),
        Limits = new SafeLimits
        {
            MaxReadVoltage = ElectricPotential.FromVolts(p.Limits.MaxReadVolts),
            MaxPulseVoltage = ElectricPotential.FromVolts(p.Limits.MaxPulseVolts),
            // Never narrower than this host can time (see GpioWriteLatency).
            MinPulseWidth = Duration.FromSeconds(Math.Max(p.Limits.MinPulseWidthSeconds, latency.MinTimeableWidthSeconds)),
            MaxPulseWidth = Duration.FromSeconds(p.Limits.MaxPulseWidthSeconds),
            MaxPulsesPerCellPerRequest = p.Limits.MaxPulsesPerCellPerRequest,
            MaxBatch = p.Limits.MaxBatch,
        },
        NominalConductanceMin = ElectricConductance.FromSiemens(p.NominalConductanceMinSiemens),
        NominalConductanceMax = ElectricConductance.FromSiemens(p.NominalConductanceMaxSiemens),
        Capabilities = new DeviceCapabilities
        {
            OuterProductPulses = false,
            Activations = [],
            NominalPulseVoltage = ElectricPotential.FromVolts(p.NominalPulseVolts),
            NominalPulseWidth = Duration.FromSeconds(p.NominalPulseWidthSeconds),
        },
    };

    /// <inheritdoc/>
    public void Read(CrossbarWindow window, ReadOnlySpan<float> inputVolts, Span<float> outputAmps, AnalogActivation activation = AnalogActivation.None)
    {
        int batch = DeviceGuards.CheckRead(Description, window, inputVolts, outputAmps, activation);
        ThrowIfDisposed();
        _selector.DeselectAll();
        try
        {
            for (int b = 0; b < batch; b++)
            {
                for (int r = 0; r < _profile.Rows; r++)
                {
                    int i = r - window.Row0;
                    double v = i >= 0 && i < window.RowCount ? inputVolts[b * window.RowCount + i] : 0;
                    SetRow(r, v);
                }
                Settle();
                for (int j = 0; j < window.ColumnCount; j++)
                    outputAmps[b * window.ColumnCount + j] = (float)ReadColumnAmps(window.Column0 + j);
            }
            _totalReads += batch;
        }
        finally { AllRowsToZero(); }
    }

    /// <inheritdoc/>
    public PulseReceipt ApplyCellPulses(in PulseRequest request, CrossbarWindow window, ReadOnlySpan<short> counts)
    {
        long total = DeviceGuards.CheckCellPulses(Description, request, window, counts);
        ThrowIfDisposed();
        if (_receipts.TryGet(request.Id, 0, out var first)) return new PulseReceipt(request.Id, first.PulsesApplied, true);
        var amplitude = _dacs[_profile.Pulse.AmplitudeChannel.Chip];
        // Floor, not round: the pulse is never above the requested (and guarded) amplitude.
        ushort code = (ushort)Math.Clamp(Math.Floor(request.AmplitudeVolts / _profile.Pulse.AmplitudeGain / amplitude.StepVolts), 0, 65535);
        if (amplitude.VoltsFor(code) * _profile.Pulse.AmplitudeGain > _profile.Limits.MaxPulseVolts)
            throw new DeviceLimitException($"pulse amplitude code {code} would exceed {_profile.Limits.MaxPulseVolts} V");
        long applied = 0;
        var timing = new PulseTimingRecorder(request.WidthSeconds, _profile.Limits.MaxPulseWidthSeconds);
        try
        {
            AllRowsToZero();
            SetPulseAmplitudeCode(code);
            for (int i = 0; i < window.RowCount; i++)
                for (int j = 0; j < window.ColumnCount; j++)
                {
                    int c = counts[i * window.ColumnCount + j];
                    if (c == 0) continue;
                    int row = window.Row0 + i, column = window.Column0 + j;
                    _selector.Select(row, column);
                    _gpio.Write(_profile.Pulse.PolarityPin, c > 0 ? PinValue.High : PinValue.Low);
                    for (int k = Math.Abs(c); k > 0; k--)
                    {
                        long t0 = Stopwatch.GetTimestamp();
                        _gpio.Write(_profile.Pulse.FirePin, PinValue.High);
                        long t1 = Stopwatch.GetTimestamp();
                        BusyWait(request.WidthSeconds);
                        long t2 = Stopwatch.GetTimestamp();
                        _gpio.Write(_profile.Pulse.FirePin, PinValue.Low);
                        long t3 = Stopwatch.GetTimestamp();
                        timing.Add(t2 - t1, t3 - t0);
                        BusyWait(_profile.Pulse.GapSeconds);
                        applied++;
                        _cellPulses[row * _profile.Columns + column]++;
                    }
                }
        }
        finally
        {
            _gpio.Write(_profile.Pulse.FirePin, PinValue.Low);
            _selector.DeselectAll();
            SetPulseAmplitudeCode(0);
            _totalPulses += applied;
            if (timing.Pulses > 0) LastPulseTiming = timing.Result();
        }
        Debug.Assert(applied == total);
        _receipts.Remember(new PartReceipt(request.Id, 0, applied, false));
        return new PulseReceipt(request.Id, applied, false);
    }

    /// <inheritdoc/>
    public PulseReceipt ApplyOuterProductPulses(in PulseRequest request, CrossbarWindow window, in OuterProductTrains trains)
    {
        DeviceGuards.CheckOuterProduct(Description, request, window, trains); // refuses: this board pulses one cell at a time
        throw new DeviceLimitException("board does not support outer-product pulsing");
    }

    /// <inheritdoc/>
    public void MeasureConductances(CrossbarWindow window, Span<float> siemens)
    {
        DeviceGuards.CheckMeasure(Description, window, siemens);
        ThrowIfDisposed();
        _selector.DeselectAll();
        try
        {
            for (int i = 0; i < window.RowCount; i++)
            {
                int row = window.Row0 + i;
                AllRowsToZero();
                double v = SetRow(row, _profile.MeasureVolts);
                Settle();
                for (int j = 0; j < window.ColumnCount; j++)
                    siemens[i * window.ColumnCount + j] = (float)(ReadColumnAmps(window.Column0 + j) / v);
            }
        }
        finally { AllRowsToZero(); }
    }

    /// <inheritdoc/>
    public DeviceHealth ReadHealth()
    {
        ThrowIfDisposed();
        return new DeviceHealth
        {
            Alive = true,
            Temperature = Temperature.FromDegreesCelsius(ReadTemperatureCelsius()),
            Uptime = _uptime.Elapsed,
            TotalPulses = _totalPulses,
            MaxCellPulses = _cellPulses.Length == 0 ? 0 : _cellPulses.Max(),
            TotalReads = _totalReads,
            SelfTestPassed = SelfTestPassed,
        };
    }

    private double ReadTemperatureCelsius()
    {
        if (_profile.TemperatureFile is { } f && File.Exists(f)
            && double.TryParse(File.ReadAllText(f).Trim(), System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var milli))
            return milli / 1000;
        return _profile.AmbientCelsius;
    }

    /// <summary>Sets row <paramref name="row"/> to <paramref name="volts"/> and returns the voltage the DAC code really gives.</summary>
    private double SetRow(int row, double volts)
    {
        var ch = _profile.RowChannels[row];
        var dac = _dacs[ch.Chip];
        var d = _profile.RowDriver;
        ushort code = dac.CodeFor(volts / d.Gain + d.OffsetVolts);
        double actual = (dac.VoltsFor(code) - d.OffsetVolts) * d.Gain;
        // Last line of defence: never send a code whose row voltage is past the safe read limit.
        if (Math.Abs(actual) > _profile.Limits.MaxReadVolts + dac.StepVolts * d.Gain)
            throw new DeviceLimitException($"row {row}: code {code} would drive {actual:G4} V, past the safe read limit {_profile.Limits.MaxReadVolts} V");
        dac.SetIfChanged(ch.Channel, code);
        return actual;
    }

    private void AllRowsToZero()
    {
        foreach (var ch in _profile.RowChannels) _dacs[ch.Chip].SetIfChanged(ch.Channel, _rowZeroCode);
    }

    /// <summary>Writes the 0 V code to every row channel even when the driver believes it is there already.</summary>
    private void ForceAllRowsToZero()
    {
        foreach (var ch in _profile.RowChannels) _dacs[ch.Chip].WriteAndUpdate(ch.Channel, _rowZeroCode);
    }

    private void ForcePulseAmplitudeCode(ushort code)
    {
        var ch = _profile.Pulse.AmplitudeChannel;
        _dacs[ch.Chip].WriteAndUpdate(ch.Channel, code);
    }

    private void SetPulseAmplitudeCode(ushort code)
    {
        var ch = _profile.Pulse.AmplitudeChannel;
        _dacs[ch.Chip].SetIfChanged(ch.Channel, code);
    }

    private double ReadColumnAmps(int column)
    {
        var ch = _profile.ColumnChannels[column];
        double v = _adcs[ch.Chip].ReadVolts(ch.Channel);
        return (_profile.ColumnAmplifier.OffsetVolts - v) / _profile.ColumnAmplifier.TransimpedanceOhms;
    }

    private bool SelfTest()
    {
        // With every row at 0 V no current flows: each column must read within 4 ADC steps of zero.
        AllRowsToZero();
        Settle();
        double lsbAmps = _profile.Adcs.Max(a => a.ReferenceVolts) / 4096 / _profile.ColumnAmplifier.TransimpedanceOhms;
        for (int j = 0; j < _profile.Columns; j++)
            if (Math.Abs(ReadColumnAmps(j)) > 4 * lsbAmps) return false;
        return true;
    }

    private void Settle() => BusyWait(_profile.SettleMicroseconds * 1e-6);

    /// <summary>Spins for short waits (Linux sleeps are far coarser than a programming pulse).</summary>
    private static void BusyWait(double seconds)
    {
        if (seconds <= 0) return;
        long until = Stopwatch.GetTimestamp() + (long)(seconds * Stopwatch.Frequency);
        if (seconds > 2e-3) Thread.Sleep(TimeSpan.FromSeconds(seconds - 1e-3));
        while (Stopwatch.GetTimestamp() < until) Thread.SpinWait(10);
    }

    private void ThrowIfDisposed()
    {
        if (_disposed) throw new DeviceFailedException("SPI board is closed");
    }

    /// <inheritdoc/>
    public void EnterSafeState()
    {
        if (_disposed) return;
        _gpio.Write(_profile.Pulse.FirePin, PinValue.Low);
        _selector.ReleaseAllLines();
        ForceAllRowsToZero();
        ForcePulseAmplitudeCode(0);
        _gpio.Write(_profile.Pulse.PolarityPin, PinValue.Low);
    }

    public void Dispose()
    {
        if (_disposed) return;
        try
        {
            EnterSafeState();
        }
        finally
        {
            _disposed = true;
            foreach (var d in _dacs) d.Dispose();
            foreach (var a in _adcs) a.Dispose();
            if (_ownsGpio) _gpio.Dispose();
            _companion?.Dispose();
        }
    }
}
