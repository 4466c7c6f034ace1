using MortalHil.Core.Devices;
using MortalHil.Hardware.Protocol;
using MortalHil.Hardware.Protocol.Messages;
using MortalHil.Hardware.Serial;
using MortalHil.Tests.Firmware;

namespace MortalHil.Hardware.Tests.Firmware;

/// <summary>
/// The reference firmware's analog chain (protocol version 2) driven by the host's <see cref="SerialBoard"/> on a
/// pseudo-terminal, as <c>sim serve</c>'s chain is: description, reads with injection and taps, refusals, latched
/// updates applied exactly once; and a firmware built without a chain saying so.
/// </summary>
public class FirmwareChainTests
{
    private static SerialBoardOptions Options => FirmwareOnPseudoTerminalTests.Options;

    private static float[] Inputs(int n, int seed)
    {
        var rng = new Random(seed);
        return Enumerable.Range(0, n).Select(_ => (float)(rng.NextDouble() * 0.4 - 0.2)).ToArray();
    }

    private static void AssertOnGrid(float value, float step, float fullScale)
    {
        Assert.InRange(value, -fullScale, fullScale);
        float k = value / step;
        Assert.True(MathF.Abs(k - MathF.Round(k)) < 1e-3f, $"{value} is not a multiple of the converter step {step}");
    }

    [Fact]
    public void The_firmware_states_its_model_boards_operation_costs_and_the_host_reads_them()
    {
        using var firmware = FirmwareHostProcess.Start(serial: "FW-COSTS-1");
        using var board = SerialBoard.Open(firmware.PortPath, Options);
        var c = board.Description.Costs;
        Assert.NotNull(c);
        // The model board's numbers (hal/crossbar_model.c), exactly as sent: f64 on the wire.
        Assert.Equal(0.1e-12, c!.DacConversionJoules);
        Assert.Equal(6.05e-12, c.AdcConversionJoules);
        Assert.Equal(2.2e-12, c.ChainAdcConversionJoules);
        Assert.Equal(0.3e-12, c.TapConversionJoules);
        Assert.Equal(0.2e-12, c.InjectionConversionJoules);
        Assert.Equal(0.2 * 0.2 * 50.5e-6 * 100e-9, c.CellReadJoules, 1e-20); // V^2 G t at mid window, computed from the model's constants
        Assert.Equal(0.1e-12, c.NeuronJoules);
        Assert.Equal(1.5 * 1.5 * 100e-6 * 1e-6, c.PulseJoules, 1e-20);
        Assert.Equal(1e-6, c.WindowReadSeconds);
        Assert.Equal(130e-9, c.ChainStageSeconds);
        // Every number says where it comes from, whole (the text fits the board's payload limit).
        foreach (var cited in new[] { "Murmann", "assumed", "HERMES", "Le Gallo" }) Assert.Contains(cited, c.Source);
        Assert.EndsWith("2023).", c.Source);
    }

    [Fact]
    public void The_firmware_describes_its_chain_and_reads_it_through_the_converters_it_describes()
    {
        using var firmware = FirmwareHostProcess.Start(serial: "FW-CHAIN-1");
        using var board = SerialBoard.Open(firmware.PortPath, Options);
        Assert.Equal(2, board.ProtocolVersion);
        var c = board.Description.AnalogChain;
        Assert.NotNull(c);
        Assert.Equal((8, 4, 2, 2), (c!.InputCount, c.NeuronCount, c.OutputCount, c.Stages.Count));
        Assert.True(c.LatchedUpdates);
        c.Validate(board.Description); // the chain lies on the board

        var x = Inputs(3 * 8, 1);
        var injection = new float[3 * 2 * 4];
        float[] outputs = new float[6 * 2], taps = new float[6 * 4];
        board.ReadChain(x, 2, injection, outputs, taps);
        foreach (var o in outputs) AssertOnGrid(o, c.OutputAdc.StepAmps, c.OutputAdc.FullScaleAmps);
        foreach (var t in taps) { AssertOnGrid(t, c.Taps!.StepVolts, c.Taps.FullScaleVolts); Assert.True(t >= 0); } // rectifying neurons
        Assert.Contains(outputs, o => o != 0);
        // An analog chain without noise: the two repeats of an input with the same (zero) injection agree.
        for (int b = 0; b < 3; b++) Assert.Equal(outputs.AsSpan(4 * b, 2).ToArray(), outputs.AsSpan(4 * b + 2, 2).ToArray());

        // Injecting the full positive current at every neuron cannot lower any neuron's output.
        var pushed = Enumerable.Repeat(c.Injection!.FullScaleAmps, 3 * 4).ToArray();
        float[] outputs2 = new float[3 * 2], taps2 = new float[3 * 4], taps0 = new float[3 * 4];
        board.ReadChain(x, 1, default, new float[3 * 2], taps0);
        board.ReadChain(x, 1, pushed, outputs2, taps2);
        for (int i = 0; i < taps0.Length; i++) Assert.True(taps2[i] >= taps0[i]);
        Assert.Contains(Enumerable.Range(0, taps0.Length), i => taps2[i] > taps0[i]);
    }

    [Fact]
    public void Injection_beyond_range_is_refused_by_the_host_unsent_and_by_the_firmware_with_LIMIT_REFUSED()
    {
        using var firmware = FirmwareHostProcess.Start();
        var x = Inputs(2 * 8, 2);
        var injection = new float[2 * 4];
        using (var board = SerialBoard.Open(firmware.PortPath, Options))
        {
            var c = board.Description.AnalogChain!;
            injection[5] = -c.Injection!.FullScaleAmps * 1.01f;
            long sent = board.LinkStatistics.FramesSent;
            Assert.Throws<DeviceLimitException>(() => board.ReadChain(x, 1, injection, new float[2 * 2], default));
            Assert.Equal(sent, board.LinkStatistics.FramesSent);
        }
        {
            // One reader on the line at a time: the host's board is closed before a raw client opens the port.
            using var raw = new ProtocolClient(new SerialPortConnector(firmware.PortPath), Options) { Version = 2 };
            var e = Assert.Throws<DeviceLimitException>(() => raw.Exchange(ProtocolCommand.ReadChain, ChainReadMessages.EncodeRequest(1, false, 8, x, injection), 256));
            Assert.StartsWith("board refused ReadChain", e.Message);
            // An injection flag with one value missing: a layout fault, MALFORMED_PAYLOAD.
            var malformed = ChainReadMessages.EncodeRequest(1, false, 8, x, injection)[..^4];
            Assert.Equal(ProtocolErrorCode.MalformedPayload,
                Assert.Throws<BoardErrorException>(() => raw.Exchange(ProtocolCommand.ReadChain, malformed, 256)).Code);
            // Field values whose products would overflow 64 bits do not make a short payload fit.
            var hostile = new byte[] { 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 1, 0, 0, 0, 0, 0 };
            Assert.Equal(ProtocolErrorCode.MalformedPayload,
                Assert.Throws<BoardErrorException>(() => raw.Exchange(ProtocolCommand.ReadChain, hostile, 256)).Code);
            raw.Version = 1; // the chain commands do not exist in version-1 frames
            Assert.Equal(ProtocolErrorCode.UnknownCommand,
                Assert.Throws<BoardErrorException>(() => raw.Exchange(ProtocolCommand.DescribeChain, [], 256)).Code);
        }
    }

    [Fact]
    public void A_latched_update_is_applied_once_whether_its_frame_is_resent_or_its_id_repeated()
    {
        using var firmware = FirmwareHostProcess.Start();
        var x = Inputs(4 * 8, 3);
        var board = SerialBoard.Open(firmware.PortPath, Options);
        var c = board.Description.AnalogChain!;
        board.ReadChain(x, 1, default, new float[4 * 2], default);
        var stage = c.Stages[1];
        var before = new float[stage.Window.CellCount];
        board.MeasureConductances(stage.Window, before);
        var trains = Enumerable.Repeat(ulong.MaxValue >> 48, stage.Window.ColumnCount).ToArray(); // 16 slots, all firing
        var polarity = new sbyte[] { 1, -1, -1, 1 };
        var request = new PulseRequest(4242, 1.5f, 1e-6f);
        var receipt = board.ApplyLatchedOuterProduct(request, 1, 2, 1f, 16, trains, polarity);
        Assert.False(receipt.Duplicate);
        Assert.True(receipt.PulsesApplied > 0);
        var after = new float[stage.Window.CellCount];
        board.MeasureConductances(stage.Window, after);
        // The model moves a cell 1/200 of its window per pulse: the conductance change counts the pulses applied.
        float step = (board.Description.GMaxSiemens - board.Description.GMinSiemens) / 200f;
        double moved = Enumerable.Range(0, before.Length).Sum(i => Math.Abs(after[i] - before[i]) / step);
        Assert.Equal(receipt.PulsesApplied, Math.Round(moved));

        board.Dispose(); // one reader on the line at a time

        // The answer lost: the identical frame again is answered from memory, nothing applied.
        var raw = new RawWireClient(new SerialPortConnector(firmware.PortPath).Connect());
        var frame = FrameCodec.Encode(ProtocolCommand.PulseLatched, FrameFlags.None, 900,
            LatchedPulseMessages.Encode(new PulseRequest(5151, 1.5f, 1e-6f), 1, 3, 1f, 16, trains, polarity), 2);
        var first = raw.ExchangeWire(frame);
        var again = raw.ExchangeWire(frame);
        Assert.Equal(first.Payload, again.Payload);
        Assert.Equal(2, again.Header.Version);
        var r1 = PulseMessages.DecodeReceipt(first.Payload);
        Assert.False(r1.Duplicate);
        // The caller repeating the id in a new frame: the stored receipt, marked duplicate.
        var repeat = PulseMessages.DecodeReceipt(raw.ExchangeWire(FrameCodec.Encode(ProtocolCommand.PulseLatched, FrameFlags.None, 901,
            LatchedPulseMessages.Encode(new PulseRequest(5151, 1.5f, 1e-6f), 1, 3, 1f, 16, trains, polarity), 2)).Payload);
        Assert.True(repeat.Duplicate);
        Assert.Equal(r1.PulsesApplied, repeat.PulsesApplied);
        raw.Dispose();
        using var again2 = SerialBoard.Open(firmware.PortPath, Options);
        var health = again2.ReadHealth();
        Assert.Equal(receipt.PulsesApplied + r1.PulsesApplied, health.TotalPulses);
        Assert.True(again2.BoardLinkCounters.Replays >= 1);
        Assert.True(again2.BoardLinkCounters.DuplicatePulses >= 1);
        // A row that the last chain read did not latch is refused (this host has read nothing yet; the board holds 4 rows).
        Assert.Throws<DeviceLimitException>(() => again2.ApplyLatchedOuterProduct(new PulseRequest(6000, 1.5f, 1e-6f), 1, 4, 1f, 16, trains, polarity));
    }

    [Fact]
    public void A_firmware_built_without_a_chain_says_so_and_keeps_working()
    {
        using var firmware = FirmwareHostProcess.Start(executable: FirmwareBuild.HostExecutableWithoutChain);
        using (var board = SerialBoard.Open(firmware.PortPath, Options))
        {
            Assert.Equal(2, board.ProtocolVersion);
            Assert.Null(board.Description.AnalogChain);
            Assert.Throws<DeviceLimitException>(() => board.ReadChain(new float[8], 1, default, new float[2], default));
            var outputs = new float[4];
            board.Read(new CrossbarWindow(0, 0, 2, 0, 4), [0.1f, -0.1f], outputs);
            Assert.Contains(outputs, o => o != 0);
        }
        using var raw = new ProtocolClient(new SerialPortConnector(firmware.PortPath), Options) { Version = 2 };
        Assert.Equal([0], raw.Exchange(ProtocolCommand.DescribeChain, [], 16));
        Assert.StartsWith("board refused ReadChain", Assert.Throws<DeviceLimitException>(() => raw.Exchange(ProtocolCommand.ReadChain, [1, 0, 0, 0, 1, 0, 0, 0], 64)).Message);
    }
}
