using MortalHil.Core.Devices;
using MortalHil.Hardware.Serial;
using MortalHil.Hardware.Virtual;
using MortalHil.Sim;
using MortalHil.Sim.Presets;

namespace MortalHil.Host.Tests.ChainWire;

/// <summary>A small reram-mortal board (196(+bias) -> 16 neurons -> 10 outputs) and ways to serve it.</summary>
internal static class ChainWireBoards
{
    public const int InputCount = 196, Hidden = 16, Classes = 10;

    /// <summary>The reram-mortal physics on a chain small enough for tests.</summary>
    public static DevicePreset Small { get; } = MortalPresets.Sized(MortalPresets.ReRamMortal, InputCount, Hidden, Classes, 0);

    /// <summary>Writes <see cref="Small"/> as a preset file (what <c>sim serve --board sim:FILE:SERIAL</c> loads).</summary>
    public static string WritePreset(string dir)
    {
        Directory.CreateDirectory(dir);
        var path = Path.Combine(dir, "reram-mortal-small.json");
        DevicePresetJson.Save(Small, path);
        return path;
    }

    public static SimulatedBoard Create(string serial = "42") => SimulatedBoard.Create(Small, serial);

    /// <summary>Short timeouts for fault tests; patient enough for a loaded 2-core machine otherwise.</summary>
    public static SerialBoardOptions Options(bool faults) => new()
    {
        ResponseTimeout = TimeSpan.FromMilliseconds(faults ? 80 : 2000),
        MaxRetries = 12,
        ReconnectWindow = TimeSpan.FromSeconds(3),
        ReconnectInterval = TimeSpan.FromMilliseconds(20),
        FirstSequence = 7000,
    };

    /// <summary>Deterministic inputs within the read range and injections within the injection DACs' range.</summary>
    public static (float[] Volts, float[] Injection) Inputs(AnalogChainDescription chain, float readVolts, int batch, int repeats, int seed, float injectionFraction = 0.9f)
    {
        var rng = new Random(seed);
        var volts = Enumerable.Range(0, batch * chain.InputCount).Select(_ => (float)(rng.NextDouble() * 2 - 1) * readVolts).ToArray();
        float fs = chain.Injection!.FullScaleAmps * injectionFraction;
        var injection = Enumerable.Range(0, batch * repeats * chain.NeuronCount).Select(_ => (float)(rng.NextDouble() * 2 - 1) * fs).ToArray();
        return (volts, injection);
    }
}

/// <summary>A board served on an in-memory link (optionally with faults) and the <see cref="SerialBoard"/> on the host end.</summary>
internal sealed class InMemoryServedBoard : IDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _serving;

    public InMemoryServedBoard(IDevice device, LinkFaults? faults = null, int maxPayload = 1 << 20, byte highestVersion = 2)
    {
        Link = new InMemoryLink();
        Server = new BoardProtocolServer(device, faults, maxPayload, highestVersion: highestVersion);
        _serving = Server.ServeConnectionsAsync(Link, _stop.Token);
        Board = new SerialBoard(Link, ChainWireBoards.Options(faults is { Any: true }));
    }

    public InMemoryLink Link { get; }
    public BoardProtocolServer Server { get; }
    public SerialBoard Board { get; }

    public void Dispose()
    {
        Board.Dispose();
        _stop.Cancel();
        Link.Unplug();
        _serving.Wait(TimeSpan.FromSeconds(5));
    }
}
