using MortalHil.Core.Devices;
using UnitsNet;

namespace MortalHil.Hardware.Protocol.Messages;

/// <summary>
/// DESCRIBE_CHAIN answer payload (PROTOCOL.md §4.8): one byte 0 for a board without a chain, otherwise the chain's
/// datasheet facts (flags, converters, neurons) in 64 bytes and 14 bytes per stage. Nothing about the neurons'
/// real transfer functions or the board's wiring faults travels: the board does not know them either.
/// </summary>
public static class ChainDescriptionMessage
{
    /// <summary>Bytes before the stages.</summary>
    public const int FixedSize = 64;
    /// <summary>Bytes of one stage.</summary>
    public const int StageSize = WindowField.Size + 4;
    /// <summary>Most stages a chain may describe.</summary>
    public const int MaxStages = 64;

    private const byte InjectionFlag = 1, TapsFlag = 2, LatchedFlag = 4;
    private const byte BiasRowFlag = 1, AdcSinkFlag = 2;

    /// <summary>The answer of a board without a chain: one byte, 0.</summary>
    public static byte[] EncodeNone() => [0];

    public static byte[] Encode(AnalogChainDescription c)
    {
        if (c.Stages.Count is < 1 or > MaxStages) throw new ArgumentException($"a chain on the wire has 1..{MaxStages} stages, not {c.Stages.Count}");
        var w = new PayloadWriter(FixedSize + StageSize * c.Stages.Count);
        byte flags = (byte)((c.Injection is null ? 0 : InjectionFlag) | (c.Taps is null ? 0 : TapsFlag) | (c.LatchedUpdates ? LatchedFlag : 0));
        w.U8(1).U8(flags).U8((byte)c.Stages.Count).U8((byte)c.OutputAdc.Bits)
            .U8((byte)(c.Injection?.Bits ?? 0)).U8((byte)(c.Taps?.Bits ?? 0)).U16(0);
        w.F64(c.Neurons.NominalInputFullScale.Amperes).F64(c.Neurons.OutputFullScale.Volts).F64(c.Neurons.BiasVoltage.Volts);
        w.F64(c.OutputAdc.FullScale.Amperes);
        w.F64(c.Injection?.FullScale.Amperes ?? 0).F64(c.Injection?.NoiseRms.Amperes ?? 0);
        w.F64(c.Taps?.FullScale.Volts ?? 0);
        foreach (var s in c.Stages)
        {
            WindowField.Write(w, s.Window);
            w.I8(checked((sbyte)s.Source)).U8((byte)((s.BiasRow ? BiasRowFlag : 0) | (s.Sink == ChainSink.Adc ? AdcSinkFlag : 0))).U16(0);
        }
        return w.ToArray();
    }

    /// <summary>
    /// Decodes the answer: null for a board without a chain. The chain is checked against <paramref name="board"/>
    /// (<see cref="AnalogChainDescription.Validate"/>); a chain that does not lie on the board is a malformed answer.
    /// </summary>
    public static AnalogChainDescription? Decode(ReadOnlySpan<byte> payload, DeviceDescription board)
    {
        var r = new PayloadReader(payload);
        byte present = r.U8();
        if (present == 0)
        {
            r.ExpectEnd();
            return null;
        }
        if (present != 1) throw new MalformedFrameException($"DESCRIBE_CHAIN says 'chain present' = {present}, not 0 or 1");
        byte flags = r.U8();
        int stages = r.U8(), adcBits = r.U8(), injectionBits = r.U8(), tapBits = r.U8();
        r.U16();
        double inputFs = r.F64(), outputFs = r.F64(), bias = r.F64(), adcFs = r.F64(), injectionFs = r.F64(), injectionNoise = r.F64(), tapFs = r.F64();
        if (stages is < 1 or > MaxStages) throw new MalformedFrameException($"DESCRIBE_CHAIN describes {stages} stages, not 1..{MaxStages}");
        if (r.Remaining != StageSize * stages) throw new MalformedFrameException($"DESCRIBE_CHAIN carries {r.Remaining} stage bytes for {stages} stages of {StageSize}");
        bool injection = (flags & InjectionFlag) != 0, taps = (flags & TapsFlag) != 0;
        foreach (double v in new[] { inputFs, outputFs, adcFs })
            if (!double.IsFinite(v) || v <= 0) throw new MalformedFrameException("DESCRIBE_CHAIN has a non-positive or non-finite full scale");
        if (!double.IsFinite(bias) || !double.IsFinite(injectionNoise) || injectionNoise < 0)
            throw new MalformedFrameException("DESCRIBE_CHAIN has a non-finite bias voltage or injection noise");
        if (adcBits is < 2 or > 31 || (injection && (injectionBits is < 2 or > 31 || !(injectionFs > 0) || !double.IsFinite(injectionFs)))
            || (taps && (tapBits is < 2 or > 31 || !(tapFs > 0) || !double.IsFinite(tapFs))))
            throw new MalformedFrameException("DESCRIBE_CHAIN has an impossible converter");
        var list = new ChainStage[stages];
        for (int s = 0; s < stages; s++)
        {
            var window = WindowField.Read(ref r);
            int source = r.I8();
            byte stageFlags = r.U8();
            r.U16();
            bool biasRow = (stageFlags & BiasRowFlag) != 0;
            if (window.ColumnCount % 2 != 0) throw new MalformedFrameException($"chain stage {s} has {window.ColumnCount} columns, not pairs");
            list[s] = new ChainStage(window, source, window.RowCount - (biasRow ? 1 : 0), biasRow, window.ColumnCount / 2,
                (stageFlags & AdcSinkFlag) != 0 ? ChainSink.Adc : ChainSink.Neurons);
        }
        var chain = new AnalogChainDescription
        {
            Stages = list,
            Neurons = new ChainNeuronDatasheet(ElectricCurrent.FromAmperes(inputFs), ElectricPotential.FromVolts(outputFs), ElectricPotential.FromVolts(bias)),
            OutputAdc = new AdcSpec(adcBits, ElectricCurrent.FromAmperes(adcFs)),
            Injection = injection ? new ChainInjectionSpec(injectionBits, ElectricCurrent.FromAmperes(injectionFs), ElectricCurrent.FromAmperes(injectionNoise)) : null,
            Taps = taps ? new ChainTapSpec(tapBits, ElectricPotential.FromVolts(tapFs)) : null,
            LatchedUpdates = (flags & LatchedFlag) != 0,
        };
        try { chain.Validate(board); }
        catch (DeviceLimitException e) { throw new MalformedFrameException($"the board's chain does not lie on the board: {e.Message}"); }
        return chain;
    }
}
