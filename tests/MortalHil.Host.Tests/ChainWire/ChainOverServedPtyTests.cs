using MortalHil.Core.Devices;
using MortalHil.Hardware.Protocol;
using MortalHil.Hardware.Protocol.Messages;
using MortalHil.Hardware.Serial;

namespace MortalHil.Host.Tests.ChainWire;

/// <summary>
/// The analog chain of a <c>reram-mortal</c> board served by <c>mortalhil sim serve --pty</c> (a separate process), read
/// by the host's <see cref="SerialBoard"/> over the pseudo-terminal: the same numbers as the same board in process.
/// </summary>
public class ChainOverServedPtyTests
{
    private static SerialBoardOptions Options => ChainWireBoards.Options(faults: false);

    [Fact]
    public void A_chain_read_over_sim_serve_equals_the_same_board_in_process_bit_for_bit()
    {
        var dir = Path.Combine(Path.GetTempPath(), $"mortalhil-chain-pty-{Guid.NewGuid():N}");
        try
        {
            var preset = ChainWireBoards.WritePreset(dir);
            using var server = ServedSim.Start($"sim:{preset}:42");
            using var board = SerialBoard.Open(server.Port, Options);
            using var local = ChainWireBoards.Create("42");
            Assert.Equal(2, board.ProtocolVersion);

            // The description crossed the wire whole: chain, converters and the datasheet costs with their source.
            var want = local.Description.AnalogChain!;
            var got = board.Description.AnalogChain!;
            Assert.Equal(want.Stages, got.Stages);
            Assert.Equal((want.Neurons.InputFullScaleAmps, want.Neurons.OutputFullScaleVolts, want.Neurons.BiasVolts),
                (got.Neurons.InputFullScaleAmps, got.Neurons.OutputFullScaleVolts, got.Neurons.BiasVolts));
            Assert.Equal((want.OutputAdc.Bits, want.OutputAdc.FullScaleAmps), (got.OutputAdc.Bits, got.OutputAdc.FullScaleAmps));
            Assert.Equal((want.Injection!.Bits, want.Injection.FullScaleAmps, (float)want.Injection.NoiseRms.Amperes),
                (got.Injection!.Bits, got.Injection.FullScaleAmps, (float)got.Injection.NoiseRms.Amperes));
            Assert.Equal((want.Taps!.Bits, want.Taps.FullScaleVolts), (got.Taps!.Bits, got.Taps.FullScaleVolts));
            Assert.Equal(want.LatchedUpdates, got.LatchedUpdates);
            Assert.Equal(local.Description.Costs, board.Description.Costs);

            float v = local.Description.Limits.MaxReadVolts;
            // With injection and taps, 3 repeats per input; then a plain read; then one more with taps only.
            foreach (var (batch, repeats, inject, taps, seed) in new[] { (5, 3, true, true, 1), (4, 1, false, false, 2), (7, 2, false, true, 3) })
            {
                var (volts, injection) = ChainWireBoards.Inputs(want, v, batch, repeats, seed);
                int rows = batch * repeats;
                float[] outA = new float[rows * want.OutputCount], outB = new float[rows * want.OutputCount];
                float[] tapA = taps ? new float[rows * want.NeuronCount] : [], tapB = taps ? new float[rows * want.NeuronCount] : [];
                local.ReadChain(volts, repeats, inject ? injection : default, outA, tapA);
                board.ReadChain(volts, repeats, inject ? injection : default, outB, tapB);
                Assert.Equal(outA, outB);
                Assert.Equal(tapA, tapB);
                Assert.Contains(outA, x => x != 0); // a read that saw something
            }
            server.Stop();
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [Fact]
    public void Injection_beyond_the_described_range_is_refused_by_the_host_before_sending_and_by_the_board_with_LIMIT_REFUSED()
    {
        var dir = Path.Combine(Path.GetTempPath(), $"mortalhil-chain-pty-{Guid.NewGuid():N}");
        try
        {
            var preset = ChainWireBoards.WritePreset(dir);
            using var server = ServedSim.Start($"sim:{preset}:42");
            using var local = ChainWireBoards.Create("42");
            var c = local.Description.AnalogChain!;
            float v = local.Description.Limits.MaxReadVolts;
            var (volts, injection) = ChainWireBoards.Inputs(c, v, 2, 2, 5);
            var beyond = injection.ToArray();
            beyond[3] = c.Injection!.FullScaleAmps * 1.01f;
            float[] outputs = new float[4 * c.OutputCount];

            using (var board = SerialBoard.Open(server.Port, Options))
            {
                long sent = board.LinkStatistics.FramesSent;
                var e = Assert.Throws<DeviceLimitException>(() => board.ReadChain(volts, 2, beyond, outputs, default));
                Assert.Contains("injection", e.Message);
                Assert.Equal(sent, board.LinkStatistics.FramesSent); // refused before anything was sent
                // A NaN injection is refused the same way.
                beyond[3] = float.NaN;
                Assert.Throws<DeviceLimitException>(() => board.ReadChain(volts, 2, beyond, outputs, default));
                Assert.Equal(sent, board.LinkStatistics.FramesSent);
            }

            // A client that skips the host's checks: the board refuses with LIMIT_REFUSED and executes nothing.
            using (var raw = new ProtocolClient(new SerialPortConnector(server.Port, 921_600), Options))
            {
                Assert.Equal(2, DescribeMessage.Decode(raw.Exchange(ProtocolCommand.Describe, [], 512)).HighestVersion);
                raw.Version = 2;
                beyond[3] = c.Injection.FullScaleAmps * 1.01f;
                var payload = ChainReadMessages.EncodeRequest(2, false, c.InputCount, volts, beyond);
                var refused = Assert.Throws<DeviceLimitException>(() => raw.Exchange(ProtocolCommand.ReadChain, payload, 4096));
                Assert.StartsWith("board refused ReadChain", refused.Message); // LIMIT_REFUSED (other codes raise BoardErrorException)
                // The same request in a version-1 frame does not exist for the board: UNKNOWN_COMMAND.
                raw.Version = 1;
                var unknown = Assert.Throws<BoardErrorException>(() => raw.Exchange(ProtocolCommand.ReadChain, payload, 4096));
                Assert.Equal(ProtocolErrorCode.UnknownCommand, unknown.Code);
            }

            // Nothing was executed: the next chain read is the board's first, as in process.
            using (var board = SerialBoard.Open(server.Port, Options))
            {
                float[] a = new float[4 * c.OutputCount], b = new float[4 * c.OutputCount];
                local.ReadChain(volts, 2, injection, a, default);
                board.ReadChain(volts, 2, injection, b, default);
                Assert.Equal(a, b);
            }
            server.Stop();
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [Fact]
    public void Sim_serve_with_protocol_version_1_serves_the_chain_board_as_a_plain_board()
    {
        var err = new StringWriter();
        Assert.Equal(2, Cli.CliRunner.Run(Program.BuildRoot(), ["sim", "serve", "--board", "sim:reram:1", "--protocol-version", "3"], err));
        Assert.StartsWith("error:", err.ToString());

        var dir = Path.Combine(Path.GetTempPath(), $"mortalhil-chain-pty-{Guid.NewGuid():N}");
        try
        {
            var preset = ChainWireBoards.WritePreset(dir);
            using var server = ServedSim.Start($"sim:{preset}:42", "--protocol-version", "1");
            using var local = ChainWireBoards.Create("42");
            using (var board = SerialBoard.Open(server.Port, Options))
            {
                Assert.Equal(1, board.ProtocolVersion);
                Assert.Null(board.Description.AnalogChain);
                Assert.Null(board.Description.Costs);
                var w = new CrossbarWindow(0, 0, 8, 0, 4);
                var x = Enumerable.Range(0, 16).Select(i => (i % 5 - 2) * 0.05f).ToArray();
                float[] a = new float[8], b = new float[8];
                local.Read(w, x, a);
                board.Read(w, x, b);
                Assert.Equal(a, b); // everything version 1 had is unchanged
            }
            server.Stop();
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }
}
