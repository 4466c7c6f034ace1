using System.Device.Spi;

namespace MortalHil.Hardware.Tests.Spi;

/// <summary>
/// An MCP3208 answering bit by bit as Microchip DS21298 Figure 6-1 draws it: after the first 1
/// (start bit) come SGL/DIFF and D2 D1 D0, one sample clock (DOUT high impedance, read here as 1),
/// a null bit 0, then B11..B0 MSB first. Code = floor(4096 x VIN / VREF), clamped to 0..4095.
/// </summary>
internal sealed class FakeMcp3208(double referenceVolts, Func<int, double> channelVolts) : SpiDevice
{
    /// <summary>Every request as hex, in order.</summary>
    public List<string> Requests { get; } = [];

    public override SpiConnectionSettings ConnectionSettings => new(0, 1) { Mode = SpiMode.Mode0 };
    public override byte ReadByte() => throw new InvalidOperationException("MCP3208 converts only in full-duplex transfers");
    public override void Read(Span<byte> buffer) => throw new InvalidOperationException("MCP3208 converts only in full-duplex transfers");
    public override void WriteByte(byte value) { }
    public override void Write(ReadOnlySpan<byte> buffer) { }

    public override void TransferFullDuplex(ReadOnlySpan<byte> writeBuffer, Span<byte> readBuffer)
    {
        Requests.Add(Convert.ToHexString(writeBuffer));
        readBuffer.Fill(0xFF); // high impedance before the start bit
        int bits = writeBuffer.Length * 8;
        int start = -1;
        for (int k = 0; k < bits && start < 0; k++) if (Bit(writeBuffer, k)) start = k;
        if (start < 0 || start + 4 >= bits) return; // no complete command: DOUT stays high impedance
        bool single = Bit(writeBuffer, start + 1);
        int channel = (Bit(writeBuffer, start + 2) ? 4 : 0) | (Bit(writeBuffer, start + 3) ? 2 : 0) | (Bit(writeBuffer, start + 4) ? 1 : 0);
        double volts = single ? channelVolts(channel) : channelVolts(channel & ~1) - channelVolts(channel | 1);
        int code = (int)Math.Clamp(Math.Floor(4096 * volts / referenceVolts), 0, 4095);
        int nullBit = start + 6; // start+5 is the sample clock
        if (nullBit < bits) SetBit(readBuffer, nullBit, false);
        for (int b = 0; b < 12 && nullBit + 1 + b < bits; b++)
            SetBit(readBuffer, nullBit + 1 + b, (code >> (11 - b) & 1) == 1);
    }

    private static bool Bit(ReadOnlySpan<byte> data, int k) => (data[k / 8] >> (7 - k % 8) & 1) == 1;

    private static void SetBit(Span<byte> data, int k, bool value)
    {
        if (value) data[k / 8] |= (byte)(1 << (7 - k % 8));
        else data[k / 8] &= (byte)~(1 << (7 - k % 8));
    }
}
