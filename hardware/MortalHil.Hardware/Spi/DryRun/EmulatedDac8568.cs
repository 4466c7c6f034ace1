using System.Device.Spi;

namespace MortalHil.Hardware.Spi.DryRun;

/// <summary>
/// A DAC8568 as its SPI port sees it (TI SBAS430): one 32-bit word per chip-select frame, MSB first;
/// control nibble DB27..24 picks the command; VOUT = 2 x VREF x D / 65536 once the reference is up.
/// Frames of another length are ignored, as the chip ignores them.
/// </summary>
public sealed class EmulatedDac8568(SpiConnectionSettings settings, double referenceVolts, bool internalReference, SpiTrace trace, Action outputsChanged) : SpiDevice
{
    private readonly ushort[] _input = new ushort[8];
    private readonly ushort[] _dac = new ushort[8];
    private bool _referenceOn = !internalReference;

    /// <summary>Chip-select frames received, well-formed or not.</summary>
    public long FramesReceived { get; private set; }

    /// <summary>Frames the chip ignored: not exactly one 32-bit word, or a word whose prefix bits DB31..28 are not 0000.</summary>
    public int BadFrames { get; private set; }

    /// <summary>Called with every well-formed word received, in order (tests check the driver's words with it).</summary>
    public Action<uint>? WordReceived { get; set; }

    /// <summary>Output voltage of channel <paramref name="channel"/> (0 while the internal reference is off).</summary>
    public double Output(int channel) => _referenceOn ? 2 * referenceVolts * _dac[channel] / 65536.0 : 0;

    public override SpiConnectionSettings ConnectionSettings => settings;
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
        trace.Spi(settings.BusId, settings.ChipSelectLine, 'w', buffer);
        FramesReceived++;
        if (buffer.Length != 4) { BadFrames++; return; }
        uint w = (uint)buffer[0] << 24 | (uint)buffer[1] << 16 | (uint)buffer[2] << 8 | buffer[3];
        if (w >> 28 != 0) { BadFrames++; return; }
        WordReceived?.Invoke(w);
        int command = (int)(w >> 24) & 0xF, address = (int)(w >> 20) & 0xF;
        var data = (ushort)(w >> 4);
        bool all = address == 0xF;
        for (int c = 0; c < 8; c++)
        {
            if (!all && c != address) continue;
            switch (command)
            {
                case 0b0000: _input[c] = data; break;
                case 0b0001: _dac[c] = _input[c]; break;
                case 0b0010: _input[c] = data; break;
                case 0b0011: _input[c] = data; _dac[c] = data; break;
            }
        }
        if (command == 0b0010) Array.Copy(_input, _dac, 8);
        if (command == 0b0111) { Array.Clear(_input); Array.Clear(_dac); _referenceOn = !internalReference; }
        if (command == 0b1000 && internalReference) _referenceOn = (w & 1) == 1;
        outputsChanged();
    }
}
