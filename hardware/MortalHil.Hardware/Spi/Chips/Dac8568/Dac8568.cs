using System.Device.Spi;

namespace MortalHil.Hardware.Spi.Chips.Dac8568;

/// <summary>
/// Texas Instruments DAC8568: eight 16-bit voltage-output DACs behind one SPI port (datasheet
/// SBAS430). Every command is one 32-bit word, MSB first, framed by SYNC (the SPI chip select):
/// <code>
/// DB31..28 prefix 0000 | DB27..24 control C3..C0 | DB23..20 address A3..A0 | DB19..4 data | DB3..0 feature
/// </code>
/// The word is latched on the 32nd falling SCLK edge (SPI mode 1). Output: VOUT = 2 x VREF x D / 65536
/// (output buffer gain 2; internal reference 2.5 V). The command set is shared with the
/// pin-compatible Analog Devices AD5668.
/// </summary>
public sealed class Dac8568 : IDisposable
{
    /// <summary>Channels A..H.</summary>
    public const int ChannelCount = 8;
    /// <summary>Internal reference voltage (datasheet: 2.5 V).</summary>
    public const double InternalReferenceVolts = 2.5;
    /// <summary>SPI mode: data latched on the falling clock edge with the clock idling low.</summary>
    public const SpiMode Mode = SpiMode.Mode1;

    /// <summary>Control bits C3..C0 (DB27..24).</summary>
    public enum Command : byte
    {
        WriteInputRegister = 0b0000,
        UpdateDacRegister = 0b0001,
        WriteInputUpdateAll = 0b0010,
        WriteInputUpdateChannel = 0b0011,
        PowerDownUp = 0b0100,
        WriteClearCodeRegister = 0b0101,
        WriteLdacRegister = 0b0110,
        SoftwareReset = 0b0111,
        InternalReferenceStatic = 0b1000,
    }

    /// <summary>Address A3..A0 that selects all eight channels.</summary>
    public const byte AllChannels = 0b1111;

    private readonly SpiDevice _spi;
    private readonly ushort[] _written = new ushort[ChannelCount];
    private readonly bool[] _known = new bool[ChannelCount];

    /// <summary>Drives the chip on <paramref name="spi"/> (owned and disposed by this driver).</summary>
    /// <param name="spi">The chip's SPI device (mode 1, MSB first).</param>
    /// <param name="referenceVolts">VREF: 2.5 for the internal reference, or the external reference voltage.</param>
    /// <param name="useInternalReference">Power up the internal reference (otherwise VREFIN must be driven).</param>
    public Dac8568(SpiDevice spi, double referenceVolts = InternalReferenceVolts, bool useInternalReference = true)
    {
        _spi = spi;
        ReferenceVolts = referenceVolts;
        UseInternalReference = useInternalReference;
    }

    /// <summary>VREF, volts.</summary>
    public double ReferenceVolts { get; }
    /// <summary>True when the internal 2.5 V reference is used.</summary>
    public bool UseInternalReference { get; }
    /// <summary>Largest output voltage: 2 x VREF x 65535/65536.</summary>
    public double MaxOutputVolts => 2 * ReferenceVolts * 65535 / 65536;
    /// <summary>Output voltage of one code step.</summary>
    public double StepVolts => 2 * ReferenceVolts / 65536;
    /// <summary>SPI words sent so far.</summary>
    public long WordsSent { get; private set; }

    /// <summary>Builds the 32-bit word for a command (exposed for byte-level tests).</summary>
    public static uint Word(Command command, byte address, ushort data, byte feature)
        => ((uint)command & 0xF) << 24 | ((uint)address & 0xF) << 20 | (uint)data << 4 | (uint)feature & 0xF;

    /// <summary>Sends one command word, MSB first, as one SYNC frame.</summary>
    public void Send(Command command, byte address, ushort data, byte feature)
    {
        uint w = Word(command, address, data, feature);
        Span<byte> bytes = [(byte)(w >> 24), (byte)(w >> 16), (byte)(w >> 8), (byte)w];
        _spi.Write(bytes);
        WordsSent++;
    }

    /// <summary>Software reset (all registers to power-on state: outputs at zero scale), then the reference set-up.</summary>
    public void Initialize()
    {
        Send(Command.SoftwareReset, 0, 0, 0);
        // Feature bit DB0 = 1 powers the internal reference up (static mode); 0 powers it down.
        Send(Command.InternalReferenceStatic, 0, 0, UseInternalReference ? (byte)1 : (byte)0);
        Array.Clear(_known);
    }

    /// <summary>Code for <paramref name="volts"/> (rounded, clamped to 0..65535).</summary>
    public ushort CodeFor(double volts) => (ushort)Math.Clamp(Math.Round(volts / StepVolts), 0, 65535);

    /// <summary>Output voltage of <paramref name="code"/>.</summary>
    public double VoltsFor(ushort code) => code * StepVolts;

    /// <summary>Writes channel <paramref name="channel"/>'s input register and updates its output at once (command 0011).</summary>
    public void WriteAndUpdate(int channel, ushort code)
    {
        if ((uint)channel >= ChannelCount) throw new ArgumentOutOfRangeException(nameof(channel), $"DAC8568 channel {channel} outside 0..7");
        Send(Command.WriteInputUpdateChannel, (byte)channel, code, 0);
        _written[channel] = code;
        _known[channel] = true;
    }

    /// <summary>Like <see cref="WriteAndUpdate"/> but skips the SPI word when the channel already holds the code.</summary>
    public void SetIfChanged(int channel, ushort code)
    {
        if (_known[channel] && _written[channel] == code) return;
        WriteAndUpdate(channel, code);
    }

    /// <summary>Disposes the SPI device.</summary>
    public void Dispose() => _spi.Dispose();
}
