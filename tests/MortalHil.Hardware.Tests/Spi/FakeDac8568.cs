using System.Device.Spi;

namespace MortalHil.Hardware.Tests.Spi;

/// <summary>
/// A DAC8568 as its SPI port sees it (TI SBAS430): each chip-select frame must carry exactly one
/// 32-bit word, MSB first; the control nibble DB27..24 picks the command. Output = 2 x VREF x D / 65536,
/// and only once the reference is powered (internal) or VREF is supplied (external).
/// </summary>
internal sealed class FakeDac8568(double referenceVolts, bool internalReference) : SpiDevice
{
    private readonly ushort[] _input = new ushort[8];
    private readonly ushort[] _dac = new ushort[8];
    private bool _referenceOn = !internalReference;

    /// <summary>Every word received, in order.</summary>
    public List<uint> Words { get; } = [];
    /// <summary>Frames that were not exactly 32 bits (the chip would ignore them).</summary>
    public int BadFrames { get; private set; }
    /// <summary>Called after any output changed.</summary>
    public Action? OutputsChanged { get; set; }

    public double Output(int channel) => _referenceOn ? 2 * referenceVolts * _dac[channel] / 65536.0 : 0;

    public override SpiConnectionSettings ConnectionSettings => new(0, 0) { Mode = SpiMode.Mode1 };
    public override byte ReadByte() => throw new InvalidOperationException("DAC8568 has no data output");
    public override void Read(Span<byte> buffer) => throw new InvalidOperationException("DAC8568 has no data output");
    public override void WriteByte(byte value) => Write([value]);
    public override void TransferFullDuplex(ReadOnlySpan<byte> writeBuffer, Span<byte> readBuffer)
    {
        Write(writeBuffer);
        readBuffer.Clear();
    }

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        if (buffer.Length != 4) { BadFrames++; return; }
        uint w = (uint)buffer[0] << 24 | (uint)buffer[1] << 16 | (uint)buffer[2] << 8 | buffer[3];
        Words.Add(w);
        if (w >> 28 != 0) { BadFrames++; return; } // prefix bits must be 0000
        int command = (int)(w >> 24) & 0xF, address = (int)(w >> 20) & 0xF;
        var data = (ushort)(w >> 4);
        int feature = (int)w & 0xF;
        IEnumerable<int> targets = address == 0xF ? Enumerable.Range(0, 8) : address < 8 ? [address] : [];
        switch (command)
        {
            case 0b0000: foreach (var c in targets) _input[c] = data; break;
            case 0b0001: foreach (var c in targets) _dac[c] = _input[c]; break;
            case 0b0010: foreach (var c in targets) _input[c] = data; Array.Copy(_input, _dac, 8); break;
            case 0b0011: foreach (var c in targets) { _input[c] = data; _dac[c] = data; } break;
            case 0b0111: Array.Clear(_input); Array.Clear(_dac); _referenceOn = !internalReference; break;
            case 0b1000: if (internalReference) _referenceOn = (feature & 1) == 1; break;
            default: break; // power-down, clear code, LDAC register: not used by the driver
        }
        OutputsChanged?.Invoke();
    }
}
