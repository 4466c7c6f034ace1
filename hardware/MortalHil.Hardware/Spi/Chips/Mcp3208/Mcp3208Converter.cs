using Iot.Device.Adc;

namespace MortalHil.Hardware.Spi.Chips.Mcp3208;

/// <summary>
/// Microchip MCP3208 8-channel 12-bit SAR ADC, read through the dotnet/iot binding
/// (<see cref="Iot.Device.Adc.Mcp3208"/>), with the code-to-volts conversion of datasheet
/// DS21298: code = 4096 x VIN / VREF, so VIN = code x VREF / 4096.
/// </summary>
public sealed class Mcp3208Converter(Iot.Device.Adc.Mcp3208 adc, double referenceVolts) : IDisposable
{
    /// <summary>Single-ended channels.</summary>
    public const int ChannelCount = 8;
    /// <summary>Resolution, bits.</summary>
    public const int Bits = 12;
    /// <summary>Largest supply (and so reference) voltage, datasheet DS21298: VDD 2.7 .. 5.5 V, VREF ≤ VDD.</summary>
    public const double MaxSupplyVolts = 5.5;

    /// <summary>VREF, volts.</summary>
    public double ReferenceVolts { get; } = referenceVolts;

    /// <summary>Conversions done so far.</summary>
    public long Conversions { get; private set; }

    /// <summary>Raw 12-bit code of single-ended channel <paramref name="channel"/>.</summary>
    public int ReadCode(int channel)
    {
        Conversions++;
        return adc.Read(channel);
    }

    /// <summary>Input voltage of single-ended channel <paramref name="channel"/>.</summary>
    public double ReadVolts(int channel) => ReadCode(channel) * ReferenceVolts / 4096;

    /// <summary>Disposes the binding (which disposes its SPI device).</summary>
    public void Dispose() => adc.Dispose();
}
