using System.Device.Spi;

namespace MortalHil.Hardware.Spi.DryRun;

/// <summary>
/// An MCP3208 answering bit by bit as Microchip DS21298 Figure 6-1 draws it: after the start bit come
/// SGL/DIFF and D2 D1 D0, one sample clock, a null bit 0, then B11..B0 MSB first.
/// Code = floor(4096 x VIN / VREF), clamped to 0..4095.
/// </summary>
public sealed class EmulatedMcp3208(SpiConnectionSettings settings, double referenceVolts, SpiTrace trace, Func<int, double> channelVolts) : SpiDevice
{
    /// <summary>Full-duplex transfers (conversion requests) received.</summary>
    public long TransfersReceived { get; private set; }

    /// <summary>Called with every full-duplex request as hex, in order (tests check the binding's bits with it).</summary>
    public Action<string>? RequestReceived { get; set; }

    public override SpiConnectionSettings ConnectionSettings => settings;
    public override byte ReadByte() => throw new InvalidOperationException("MCP3208 converts only in full-duplex transfers");
    public override void Read(Span<byte> buffer) => throw new InvalidOperationException("MCP3208 converts only in full-duplex transfers");
    public override void WriteByte(byte value) => trace.Spi(settings.BusId, settings.ChipSelectLine, 'w', [value]);
    public override void Write(ReadOnlySpan<byte> buffer) => trace.Spi(settings.BusId, settings.ChipSelectLine, 'w', buffer);

    public override void TransferFullDuplex(ReadOnlySpan<byte> writeBuffer, Span<byte> readBuffer)
    {
        trace.Spi(settings.BusId, settings.ChipSelectLine, 'x', writeBuffer);
        TransfersReceived++;
        RequestReceived?.Invoke(Convert.ToHexString(writeBuffer));
        readBuffer.Fill(0xFF);
        int bits = writeBuffer.Length * 8, start = -1;
        for (int k = 0; k < bits && start < 0; k++) if (Bit(writeBuffer, k)) start = k;
        if (start < 0 || start + 4 >= bits) return;
        bool single = Bit(writeBuffer, start + 1);
        int channel = (Bit(writeBuffer, start + 2) ? 4 : 0) | (Bit(writeBuffer, start + 3) ? 2 : 0) | (Bit(writeBuffer, start + 4) ? 1 : 0);
        double volts = single ? channelVolts(channel) : channelVolts(channel & ~1) - channelVolts(channel | 1);
        int code = (int)Math.Clamp(Math.Floor(4096 * volts / referenceVolts), 0, 4095);
        int nullBit = start + 6;
        if (nullBit < bits) SetBit(readBuffer, nullBit, false);
        for (int b = 0; b < 12 && nullBit + 1 + b < bits; b++) SetBit(readBuffer, nullBit + 1 + b, (code >> (11 - b) & 1) == 1);
    }

    private static bool Bit(ReadOnlySpan<byte> data, int k) => (data[k / 8] >> (7 - k % 8) & 1) == 1;

    private static void SetBit(Span<byte> data, int k, bool value)
    {
        if (value) data[k / 8] |= (byte)(1 << (7 - k % 8));
        else data[k / 8] &= (byte)~(1 << (7 - k % 8));
    }
}
