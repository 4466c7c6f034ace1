namespace MortalHil.Hardware.Spi.Profile;

/// <summary>
/// How a Raspberry Pi is wired to a crossbar through converters: the board profile JSON of an
/// <c>spi:</c> board (one tile). Plain data; <see cref="SpiBoardProfileValidator"/> checks it and
/// <see cref="SpiBoardProfileJson"/> loads it. Volts, ohms, seconds, siemens throughout.
/// </summary>
public sealed record SpiBoardProfile
{
    public required string SerialNumber { get; init; }
    public string Kind { get; init; } = "spi/pi-front-end";
    public required int Rows { get; init; }
    public required int Columns { get; init; }
    /// <summary>Analog supply of the converters (DAC8568 AVDD, MCP3208 VDD), volts.</summary>
    public double SupplyVolts { get; init; } = 5.0;
    /// <summary>DAC chips; rows and the pulse amplitude refer to them by index.</summary>
    public required IReadOnlyList<SpiDacChip> Dacs { get; init; }
    /// <summary>ADC chips; columns refer to them by index.</summary>
    public required IReadOnlyList<SpiAdcChip> Adcs { get; init; }
    /// <summary>Row i is driven by <c>RowChannels[i]</c> (a DAC chip index and channel).</summary>
    public required IReadOnlyList<ChannelRef> RowChannels { get; init; }
    /// <summary>Column j is read by <c>ColumnChannels[j]</c> (an ADC chip index and channel).</summary>
    public required IReadOnlyList<ChannelRef> ColumnChannels { get; init; }
    public required RowDriver RowDriver { get; init; }
    public required ColumnAmplifier ColumnAmplifier { get; init; }
    /// <summary>Row voltage range the board promises (±), volts: the description's DAC full scale.</summary>
    public required double ReadFullScaleVolts { get; init; }
    /// <summary>Row voltage used for per-cell conductance measurement, volts.</summary>
    public required double MeasureVolts { get; init; }
    /// <summary>Wait after setting row voltages before converting, microseconds.</summary>
    public double SettleMicroseconds { get; init; } = 20;
    public required CellSelection Selection { get; init; }
    public required PulsePath Pulse { get; init; }
    public required ProfileLimits Limits { get; init; }
    public required double NominalConductanceMinSiemens { get; init; }
    public required double NominalConductanceMaxSiemens { get; init; }
    public required double NominalPulseVolts { get; init; }
    public required double NominalPulseWidthSeconds { get; init; }
    /// <summary>A sysfs file with millidegrees Celsius (e.g. /sys/class/thermal/thermal_zone0/temp); absent: <see cref="AmbientCelsius"/>.</summary>
    public string? TemperatureFile { get; init; }
    /// <summary>The Raspberry Pi the header is checked against: "pi3", "pi4" (default) or "pi5" (see Header/PiHeaderCheck).</summary>
    public string PiModel { get; init; } = "pi4";
    /// <summary>GPIO driver: "auto" (default: detected, see Gpio/GpioDriverChoice), "libgpiod" (v1 API), "libgpiod2" (v2 API), "sysfs" or "raspberrypi" (register access, Pi 3/4 only).</summary>
    public string GpioDriver { get; init; } = "auto";
    /// <summary>GPIO chip number for the libgpiod drivers; -1 (default) finds the chip of the header.</summary>
    public int GpioChip { get; init; } = -1;
    public double AmbientCelsius { get; init; } = 25;
}

/// <summary>One SPI DAC chip.</summary>
public sealed record SpiDacChip
{
    /// <summary>Chip type; "DAC8568" is supported.</summary>
    public required string Chip { get; init; }
    public int Bus { get; init; }
    public required int ChipSelect { get; init; }
    public int ClockHz { get; init; } = 10_000_000;
    /// <summary>VREF, volts (2.5 with the internal reference).</summary>
    public double ReferenceVolts { get; init; } = 2.5;
    public bool InternalReference { get; init; } = true;
}

/// <summary>One SPI ADC chip.</summary>
public sealed record SpiAdcChip
{
    /// <summary>Chip type; "MCP3208" is supported.</summary>
    public required string Chip { get; init; }
    public int Bus { get; init; }
    public required int ChipSelect { get; init; }
    public int ClockHz { get; init; } = 1_000_000;
    /// <summary>VREF, volts.</summary>
    public required double ReferenceVolts { get; init; }
}

/// <summary>A converter channel: chip index in the profile's list, channel on that chip.</summary>
public sealed record ChannelRef(int Chip, int Channel);

/// <summary>The row amplifier: row volts = (DAC volts − OffsetVolts) × Gain (level shift and attenuation, so a unipolar DAC gives small bipolar read voltages).</summary>
public sealed record RowDriver(double OffsetVolts, double Gain);

/// <summary>The inverting transimpedance stage before each ADC: ADC volts = OffsetVolts − column current × TransimpedanceOhms.</summary>
public sealed record ColumnAmplifier(double TransimpedanceOhms, double OffsetVolts);

/// <summary>
/// How a cell is connected to the programming path: "gpio" (one GPIO line per row and per column)
/// or "shiftRegister" (a chain of 74HC595: rows first, then columns, bit 0 = row 0; clocked on
/// the rising edge of ClockPin, outputs latched on the rising edge of LatchPin).
/// </summary>
public sealed record CellSelection
{
    public required string Mode { get; init; }
    public IReadOnlyList<int> RowPins { get; init; } = [];
    public IReadOnlyList<int> ColumnPins { get; init; } = [];
    public int DataPin { get; init; } = -1;
    public int ClockPin { get; init; } = -1;
    public int LatchPin { get; init; } = -1;
}

/// <summary>
/// The programming-pulse path: a DAC channel sets the pulse amplitude through an amplifier
/// (pulse volts = DAC volts × AmplitudeGain); PolarityPin high = potentiate; each pulse is
/// FirePin high for the pulse width, then low for GapSeconds.
/// </summary>
public sealed record PulsePath
{
    public required ChannelRef AmplitudeChannel { get; init; }
    public required double AmplitudeGain { get; init; }
    public required int PolarityPin { get; init; }
    public required int FirePin { get; init; }
    public double GapSeconds { get; init; } = 10e-6;
}

/// <summary>The board's safe limits (what <see cref="MortalHil.Core.Devices.SafeLimits"/> will say).</summary>
public sealed record ProfileLimits
{
    public required double MaxReadVolts { get; init; }
    public required double MaxPulseVolts { get; init; }
    public required double MinPulseWidthSeconds { get; init; }
    public required double MaxPulseWidthSeconds { get; init; }
    public int MaxPulsesPerCellPerRequest { get; init; } = 31;
    public int MaxBatch { get; init; } = 256;
}
