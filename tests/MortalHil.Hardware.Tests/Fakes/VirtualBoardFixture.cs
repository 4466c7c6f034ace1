using MortalHil.Core.Devices;
using MortalHil.Hardware.Protocol;
using MortalHil.Hardware.Serial;
using MortalHil.Hardware.Virtual;

namespace MortalHil.Hardware.Tests.Fakes;

/// <summary>A device served by a <see cref="BoardProtocolServer"/> on an in-memory link, and a <see cref="SerialBoard"/> on the host end.</summary>
internal sealed class VirtualBoardFixture : IDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _serving;

    public VirtualBoardFixture(IDevice device, LinkFaults? faults = null, int maxPayload = ProtocolConstants.MaxPayload, SerialBoardOptions? options = null)
    {
        Device = device;
        Link = new InMemoryLink();
        Server = new BoardProtocolServer(device, faults, maxPayload);
        _serving = Server.ServeConnectionsAsync(Link, _stop.Token); // a dedicated thread: no thread-pool dependence
        // Without faults, a timeout would only come from a loaded machine: be patient so counts are exact.
        Board = new SerialBoard(Link, options ?? (faults is { Any: true } ? Fast : Fast with { ResponseTimeout = TimeSpan.FromSeconds(2) }));
    }

    /// <summary>Short timeouts so fault tests finish quickly.</summary>
    public static SerialBoardOptions Fast => new()
    {
        ResponseTimeout = TimeSpan.FromMilliseconds(60),
        MaxRetries = 12,
        ReconnectWindow = TimeSpan.FromSeconds(3),
        ReconnectInterval = TimeSpan.FromMilliseconds(20),
        FirstSequence = 1000,
    };

    public IDevice Device { get; }
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
