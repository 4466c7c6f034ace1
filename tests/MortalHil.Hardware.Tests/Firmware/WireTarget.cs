using MortalHil.Hardware.Protocol;
using MortalHil.Hardware.Protocol.Messages;
using MortalHil.Hardware.Serial;
using MortalHil.Hardware.Tests.Fakes;
using MortalHil.Hardware.Virtual;

namespace MortalHil.Hardware.Tests.Firmware;

/// <summary>
/// One board implementation reached at the byte level: the virtual board (C#, served on an in-memory
/// link) or the reference firmware (C, host build on a pseudo-terminal). The same wire tests run
/// against both, so the two implementations of PROTOCOL.md cannot drift apart.
/// </summary>
internal sealed class WireTarget : IDisposable
{
    /// <summary>The payload limit both are given, so block limits agree too.</summary>
    public const int MaxPayload = 2048;

    private readonly string _kind;
    private CancellationTokenSource? _stop;
    private FirmwareHostProcess? _firmware;
    private PseudoTerminal? _pty;

    private WireTarget(string kind)
    {
        _kind = kind;
        Start();
    }

    public static WireTarget Open(string kind) => new(kind);

    public RawWireClient Client { get; private set; } = null!;
    public BoardIdentity Identity { get; private set; } = null!;
    private uint _sequence = 100;
    public uint NextSequence() => ++_sequence;

    private void Start()
    {
        if (_kind == "virtual")
        {
            _stop = new CancellationTokenSource();
            var link = new InMemoryLink();
            new BoardProtocolServer(new IdealCrossbarFake(), maxPayload: MaxPayload).ServeConnectionsAsync(link, _stop.Token);
            Client = new RawWireClient(link.Connect());
        }
        else if (_kind == "virtual-pty")
        {
            _stop = new CancellationTokenSource();
            _pty = PseudoTerminal.Open();
            new BoardProtocolServer(new IdealCrossbarFake(), maxPayload: MaxPayload).ServeAsync(_pty.Master, _stop.Token);
            Client = new RawWireClient(new SerialPortConnector(_pty.SlavePath).Connect());
        }
        else
        {
            _firmware = FirmwareHostProcess.Start();
            Client = new RawWireClient(new SerialPortConnector(_firmware.PortPath).Connect());
        }
        var answer = Client.Exchange(ProtocolCommand.Describe, NextSequence(), []);
        Identity = DescribeMessage.Decode(answer.Payload);
        Assert.Equal(MaxPayload, Identity.MaxPayload);
    }

    /// <summary>Power-cycles the board: a new server (virtual) or a new firmware process.</summary>
    public void Restart()
    {
        Stop();
        Start();
    }

    private void Stop()
    {
        Client.Dispose();
        _stop?.Cancel();
        _firmware?.Dispose();
        _pty?.Dispose();
    }

    public void Dispose() => Stop();

    public static TheoryData<string> Kinds => new() { "virtual", "firmware" };
}
