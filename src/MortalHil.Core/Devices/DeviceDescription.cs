using UnitsNet;

namespace MortalHil.Core.Devices;

/// <summary>Everything a board says about itself. Datasheet-level facts only: no hidden physics.</summary>
public sealed record DeviceDescription
{
    /// <summary>Serial number; with <see cref="Kind"/> it names the board.</summary>
    public required string SerialNumber { get; init; }
    /// <summary>What the board is, e.g. "sim/reram", "serial/mh-analog-1", "spi/pi-hat".</summary>
    public required string Kind { get; init; }
    public required string Firmware { get; init; }
    /// <summary>Number of identical tiles.</summary>
    public required int TileCount { get; init; }
    public required TileGeometry Geometry { get; init; }
    public required DacSpec Dac { get; init; }
    public required AdcSpec Adc { get; init; }
    public required SafeLimits Limits { get; init; }
    /// <summary>Nominal (datasheet) conductance window of one cell; each real cell differs.</summary>
    public required ElectricConductance NominalConductanceMin { get; init; }
    public required ElectricConductance NominalConductanceMax { get; init; }
    public required DeviceCapabilities Capabilities { get; init; }
    /// <summary>The board's analog chain (see <see cref="IAnalogChainDevice"/>), or null: most boards have none.</summary>
    public AnalogChainDescription? AnalogChain { get; init; }
    /// <summary>Energy and time of each kind of operation, as the datasheet states them, or null when unstated.</summary>
    public OperationCosts? Costs { get; init; }

    /// <summary>Convenience: <see cref="NominalConductanceMin"/> in siemens.</summary>
    public float GMinSiemens => (float)NominalConductanceMin.Siemens;
    /// <summary>Convenience: <see cref="NominalConductanceMax"/> in siemens.</summary>
    public float GMaxSiemens => (float)NominalConductanceMax.Siemens;
}

/// <summary>Row drivers: a bipolar DAC of <see cref="Bits"/> bits spanning ±<see cref="FullScale"/>.</summary>
public sealed record DacSpec(int Bits, ElectricPotential FullScale)
{
    public float FullScaleVolts => (float)FullScale.Volts;
    /// <summary>Voltage of one DAC step.</summary>
    public float StepVolts => 2f * FullScaleVolts / ((1 << Bits) - 2);
}

/// <summary>Column converters: a bipolar ADC of <see cref="Bits"/> bits spanning ±<see cref="FullScale"/> (current after the transimpedance stage).</summary>
public sealed record AdcSpec(int Bits, ElectricCurrent FullScale)
{
    public float FullScaleAmps => (float)FullScale.Amperes;
    /// <summary>Current of one ADC step.</summary>
    public float StepAmps => 2f * FullScaleAmps / ((1 << Bits) - 2);
}

/// <summary>Limits the board must never be asked to exceed. Requests beyond them are refused.</summary>
public sealed record SafeLimits
{
    public required ElectricPotential MaxReadVoltage { get; init; }
    public required ElectricPotential MaxPulseVoltage { get; init; }
    public required Duration MinPulseWidth { get; init; }
    public required Duration MaxPulseWidth { get; init; }
    /// <summary>Largest |count| one cell may receive in one request.</summary>
    public required int MaxPulsesPerCellPerRequest { get; init; }
    /// <summary>Largest batch of input vectors in one <see cref="IDevice.Read"/>.</summary>
    public required int MaxBatch { get; init; }

    public float MaxReadVolts => (float)MaxReadVoltage.Volts;
    public float MaxPulseVolts => (float)MaxPulseVoltage.Volts;
    public float MinPulseWidthSeconds => (float)MinPulseWidth.Seconds;
    public float MaxPulseWidthSeconds => (float)MaxPulseWidth.Seconds;
}

/// <summary>What a board can do beyond the basic read and per-cell pulse.</summary>
public sealed record DeviceCapabilities
{
    /// <summary>Supports <see cref="IDevice.ApplyOuterProductPulses"/>.</summary>
    public required bool OuterProductPulses { get; init; }
    /// <summary>Analog activations the board's neurons offer (always includes None).</summary>
    public required IReadOnlyList<AnalogActivation> Activations { get; init; }
    /// <summary>The typical programming pulse the board was characterised with.</summary>
    public required ElectricPotential NominalPulseVoltage { get; init; }
    public required Duration NominalPulseWidth { get; init; }

    public bool Supports(AnalogActivation a) => a == AnalogActivation.None || Activations.Contains(a);
}
