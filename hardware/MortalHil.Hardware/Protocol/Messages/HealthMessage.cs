using MortalHil.Core.Devices;
using UnitsNet;

namespace MortalHil.Hardware.Protocol.Messages;

/// <summary>Link counters the board keeps about what it received (PROTOCOL.md §4.6).</summary>
/// <param name="FramesReceived">Valid frames received.</param>
/// <param name="BadFrames">Blocks dropped for COBS, length or CRC errors, over-long or abandoned partial blocks.</param>
/// <param name="Replays">Requests answered from the last-answer memory.</param>
/// <param name="DuplicatePulses">Pulse parts answered as duplicates.</param>
/// <param name="AnswersDropped">Answers the board wrote but had to throw away because nobody read the line.</param>
public readonly record struct BoardLinkCounters(uint FramesReceived, uint BadFrames, uint Replays, uint DuplicatePulses, uint AnswersDropped = 0);

/// <summary>HEALTH response payload (PROTOCOL.md §4.6).</summary>
public static class HealthMessage
{
    public const int Size = 4 + 8 + 8 * 4 + 5 * 4;

    public static byte[] Encode(DeviceHealth h, BoardLinkCounters link)
    {
        var w = new PayloadWriter(Size);
        w.U8(h.Alive ? (byte)1 : (byte)0).U8(h.SelfTestPassed ? (byte)1 : (byte)0).U16(0);
        w.F64(h.Temperature.DegreesCelsius).I64(h.Uptime.Ticks).I64(h.TotalPulses).I64(h.MaxCellPulses).I64(h.TotalReads);
        w.U32(link.FramesReceived).U32(link.BadFrames).U32(link.Replays).U32(link.DuplicatePulses).U32(link.AnswersDropped);
        return w.ToArray();
    }

    public static (DeviceHealth Health, BoardLinkCounters Link) Decode(ReadOnlySpan<byte> payload)
    {
        var r = new PayloadReader(payload);
        byte alive = r.U8(), selfTest = r.U8();
        r.U16();
        double celsius = r.F64();
        long uptime = r.I64(), pulses = r.I64(), maxCell = r.I64(), reads = r.I64();
        var link = new BoardLinkCounters(r.U32(), r.U32(), r.U32(), r.U32(), r.U32());
        r.ExpectEnd();
        if (alive > 1 || selfTest > 1 || !double.IsFinite(celsius) || uptime < 0 || pulses < 0 || maxCell < 0 || reads < 0)
            throw new MalformedFrameException("health answer has impossible values");
        var health = new DeviceHealth
        {
            Alive = alive == 1,
            SelfTestPassed = selfTest == 1,
            Temperature = Temperature.FromDegreesCelsius(celsius),
            Uptime = TimeSpan.FromTicks(uptime),
            TotalPulses = pulses,
            MaxCellPulses = maxCell,
            TotalReads = reads,
        };
        return (health, link);
    }
}
