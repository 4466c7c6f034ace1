using MortalHil.Core.Devices;
using UnitsNet;

namespace MortalHil.Hardware.Protocol.Messages;

/// <summary>What a board answers to DESCRIBE: its <see cref="DeviceDescription"/> and its payload limit.</summary>
/// <param name="Description">The description (without chain and costs: those come from DESCRIBE_CHAIN and DESCRIBE_COSTS).</param>
/// <param name="MaxPayload">The board's payload limit.</param>
/// <param name="HighestVersion">The highest protocol version the board speaks.</param>
/// <param name="DescribesChain">Capability bit 1 (version 2): DESCRIBE_CHAIN answers a chain.</param>
/// <param name="DescribesCosts">Capability bit 2 (version 2): DESCRIBE_COSTS answers the operation costs.</param>
public sealed record BoardIdentity(DeviceDescription Description, int MaxPayload, byte HighestVersion, bool DescribesChain = false, bool DescribesCosts = false);

/// <summary>DESCRIBE response payload (PROTOCOL.md §4.1): fixed fields first, the three strings last.</summary>
public static class DescribeMessage
{
    /// <summary>Capability bit 0: PULSE_OUTER.</summary>
    public const byte OuterProductBit = 1;
    /// <summary>Capability bit 1 (version 2): the board describes an analog chain (DESCRIBE_CHAIN).</summary>
    public const byte ChainBit = 2;
    /// <summary>Capability bit 2 (version 2): the board states its operation costs (DESCRIBE_COSTS).</summary>
    public const byte CostsBit = 4;

    /// <summary>
    /// Encodes the answer. The layout is the same in versions 1 and 2 (a version-1 host reads it unchanged); a board
    /// speaking version 2 says so in byte 0 and sets capability bits 1 and 2 for what its DESCRIBE_CHAIN and
    /// DESCRIBE_COSTS answer. Those bits are set only for a board whose <paramref name="highestVersion"/> is at least 2.
    /// </summary>
    public static byte[] Encode(DeviceDescription d, int maxPayload, byte highestVersion = ProtocolConstants.Version, bool describesChain = false, bool describesCosts = false)
    {
        var w = new PayloadWriter(192);
        bool v2 = highestVersion >= ProtocolConstants.ChainVersion;
        w.U8(highestVersion).U8(0).U16(0).U32((uint)maxPayload);
        w.U16(checked((ushort)d.TileCount)).U16(checked((ushort)d.Geometry.Rows)).U16(checked((ushort)d.Geometry.Columns));
        w.U8((byte)d.Dac.Bits).U8((byte)d.Adc.Bits);
        w.F64(d.Dac.FullScale.Volts).F64(d.Adc.FullScale.Amperes);
        var l = d.Limits;
        w.F64(l.MaxReadVoltage.Volts).F64(l.MaxPulseVoltage.Volts).F64(l.MinPulseWidth.Seconds).F64(l.MaxPulseWidth.Seconds);
        w.U32((uint)l.MaxPulsesPerCellPerRequest).U32((uint)l.MaxBatch);
        w.F64(d.NominalConductanceMin.Siemens).F64(d.NominalConductanceMax.Siemens);
        var c = d.Capabilities;
        byte activations = 0;
        foreach (var a in c.Activations)
            if (a != AnalogActivation.None) activations |= (byte)(1 << ((int)a - 1));
        byte caps = (byte)((c.OuterProductPulses ? OuterProductBit : 0) | (v2 && describesChain ? ChainBit : 0) | (v2 && describesCosts ? CostsBit : 0));
        w.U8(caps).U8(activations).U16(0);
        w.F64(c.NominalPulseVoltage.Volts).F64(c.NominalPulseWidth.Seconds);
        w.String8(d.SerialNumber).String8(d.Kind).String8(d.Firmware);
        return w.ToArray();
    }

    public static BoardIdentity Decode(ReadOnlySpan<byte> payload)
    {
        var r = new PayloadReader(payload);
        byte version = r.U8();
        if (version < 1) throw new MalformedFrameException("board says the highest protocol version it speaks is 0");
        r.U8();
        r.U16();
        uint maxPayload = r.U32();
        if (maxPayload < ProtocolConstants.MinBoardMaxPayload || maxPayload > ProtocolConstants.MaxPayload)
            throw new MalformedFrameException($"board advertises a payload limit of {maxPayload} bytes, outside {ProtocolConstants.MinBoardMaxPayload}..{ProtocolConstants.MaxPayload}");
        int tiles = r.U16(), rows = r.U16(), columns = r.U16();
        int dacBits = r.U8(), adcBits = r.U8();
        double dacFull = r.F64(), adcFull = r.F64();
        double maxRead = r.F64(), maxPulse = r.F64(), minWidth = r.F64(), maxWidth = r.F64();
        uint maxPulses = r.U32(), maxBatch = r.U32();
        double gMin = r.F64(), gMax = r.F64();
        byte caps = r.U8(), activationMask = r.U8();
        r.U16();
        double nominalV = r.F64(), nominalW = r.F64();
        string serial = r.String8(), kind = r.String8(), firmware = r.String8();
        r.ExpectEnd();
        if (tiles < 1 || rows < 1 || columns < 1 || dacBits is < 2 or > 31 || adcBits is < 2 or > 31
            || maxPulses < 1 || maxPulses > short.MaxValue || maxBatch < 1 || maxBatch > int.MaxValue)
            throw new MalformedFrameException("board description has an impossible geometry, converter or limit");
        foreach (double v in new[] { dacFull, adcFull, maxRead, maxPulse, minWidth, maxWidth, gMin, gMax, nominalV, nominalW })
            if (!double.IsFinite(v) || v < 0) throw new MalformedFrameException("board description has a negative or non-finite quantity");
        var activations = new List<AnalogActivation>();
        foreach (var a in Enum.GetValues<AnalogActivation>())
            if (a != AnalogActivation.None && (activationMask & (1 << ((int)a - 1))) != 0) activations.Add(a);
        var description = new DeviceDescription
        {
            SerialNumber = serial,
            Kind = kind,
            Firmware = firmware,
            TileCount = tiles,
            Geometry = new TileGeometry(rows, columns),
            Dac = new DacSpec(dacBits, ElectricPotential.FromVolts(dacFull)),
            Adc = new AdcSpec(adcBits, ElectricCurrent.FromAmperes(adcFull)),
            Limits = new SafeLimits
            {
                MaxReadVoltage = ElectricPotential.FromVolts(maxRead),
                MaxPulseVoltage = ElectricPotential.FromVolts(maxPulse),
                MinPulseWidth = Duration.FromSeconds(minWidth),
                MaxPulseWidth = Duration.FromSeconds(maxWidth),
                MaxPulsesPerCellPerRequest = (int)maxPulses,
                MaxBatch = (int)maxBatch,
            },
            NominalConductanceMin = ElectricConductance.FromSiemens(gMin),
            NominalConductanceMax = ElectricConductance.FromSiemens(gMax),
            Capabilities = new DeviceCapabilities
            {
                OuterProductPulses = (caps & OuterProductBit) != 0,
                Activations = activations,
                NominalPulseVoltage = ElectricPotential.FromVolts(nominalV),
                NominalPulseWidth = Duration.FromSeconds(nominalW),
            },
        };
        // Bits 1 and 2 mean something only from version 2 on; a version-1 board's other bits are ignored.
        bool v2 = version >= ProtocolConstants.ChainVersion;
        return new BoardIdentity(description, (int)maxPayload, version, v2 && (caps & ChainBit) != 0, v2 && (caps & CostsBit) != 0);
    }
}
