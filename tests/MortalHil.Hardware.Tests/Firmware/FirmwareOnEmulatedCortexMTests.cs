using MortalHil.Core.Devices;
using MortalHil.Hardware.Serial;

namespace MortalHil.Hardware.Tests.Firmware;

/// <summary>The Cortex-M3 cross build: its size, and the host's serial driver against it on an emulated MPS2 board.</summary>
public class FirmwareOnEmulatedCortexMTests
{
    /// <summary>QEMU's pty backend notices a newly opened port within about a second; the retries cover it.</summary>
    internal static SerialBoardOptions Options => new()
    {
        ResponseTimeout = TimeSpan.FromSeconds(1),
        MaxRetries = 6,
        ReconnectWindow = TimeSpan.FromSeconds(3),
        ReconnectInterval = TimeSpan.FromMilliseconds(50),
    };

    [Fact]
    public void The_cortex_m_build_links_without_a_heap_and_fits_a_small_microcontroller()
    {
        var report = FirmwareBuild.CortexMSizeReport.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var fields = report[1].Split((char[])[' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
        int text = int.Parse(fields[0]), data = int.Parse(fields[1]), bss = int.Parse(fields[2]);
        Assert.True(text + data <= 64 * 1024, $"flash use {text + data} bytes");
        Assert.True(data + bss <= 32 * 1024, $"RAM use {data + bss} bytes (plus a 4 KiB stack)");
        var map = File.ReadAllText(Path.ChangeExtension(FirmwareBuild.CortexMElf, ".map"));
        Assert.DoesNotContain("_sbrk", map);
        Assert.DoesNotMatch(@"\smalloc\s", map);
    }

    [Fact]
    public void The_emulated_microcontroller_serves_the_host_and_answers_reads_bit_for_bit_like_the_host_build()
    {
        using var emulated = EmulatedCortexMBoard.Start();
        using var host = FirmwareHostProcess.Start(serial: "MHFW-M3-0001");
        using var m3 = SerialBoard.Open(emulated.PortPath, Options);
        using var pc = SerialBoard.Open(host.PortPath, FirmwareOnPseudoTerminalTests.Options);
        Assert.Contains("cortex-m3", m3.Description.Firmware);
        Assert.Equal(pc.Description.Geometry, m3.Description.Geometry);
        var w = CrossbarWindow.Whole(0, m3.Description.Geometry);
        var rng = new Random(3);
        var x = Enumerable.Range(0, 4 * w.RowCount).Select(_ => (float)(rng.NextDouble() * 0.4 - 0.2)).ToArray();
        var counts = Enumerable.Range(0, w.CellCount).Select(i => (short)(i % 5 - 2)).ToArray();
        var request = new PulseRequest(4242, 1.5f, 1e-6f);
        var a = m3.ApplyCellPulses(request, w, counts);
        var b = pc.ApplyCellPulses(request, w, counts);
        Assert.Equal(b.PulsesApplied, a.PulsesApplied);
        Assert.True(m3.ApplyCellPulses(request, w, counts).Duplicate);
        var ya = new float[4 * w.ColumnCount];
        var yb = new float[4 * w.ColumnCount];
        foreach (var activation in new[] { AnalogActivation.None, AnalogActivation.Relu })
        {
            m3.Read(w, x, ya, activation);
            pc.Read(w, x, yb, activation);
            Assert.Equal(yb, ya);
        }
        // The analog chain (protocol version 2) too: inputs, injection and taps, bit for bit.
        var chain = m3.Description.AnalogChain!;
        Assert.Equal(2, m3.ProtocolVersion);
        var cx = x.AsSpan(0, 3 * chain.InputCount).ToArray();
        var injection = Enumerable.Range(0, 3 * 2 * chain.NeuronCount).Select(i => (i % 3 - 1) * chain.Injection!.FullScaleAmps / 2).ToArray();
        float[] oa = new float[6 * chain.OutputCount], ob = new float[6 * chain.OutputCount], ta = new float[6 * chain.NeuronCount], tb = new float[6 * chain.NeuronCount];
        m3.ReadChain(cx, 2, injection, oa, ta);
        pc.ReadChain(cx, 2, injection, ob, tb);
        Assert.Equal(ob, oa);
        Assert.Equal(tb, ta);
        var health = m3.ReadHealth();
        Assert.Equal(a.PulsesApplied, health.TotalPulses);
        Assert.True(health.Uptime > TimeSpan.Zero);
    }
}
