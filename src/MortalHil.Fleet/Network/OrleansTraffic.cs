using System.Diagnostics.Metrics;

namespace MortalHil.Fleet.Network;

/// <summary>
/// Bytes of the Orleans messages this process sent and received over the network, as Orleans' own messaging
/// instruments record them (meter "Microsoft.Orleans", histograms "orleans-messaging-sent-messages-size" and
/// "orleans-messaging-received-messages-size": every message written to or read from a connection, header and body as
/// framed on the socket; calls between grains of one silo never reach a connection and are not counted). TCP/IP headers
/// are below this layer and not counted.
/// </summary>
public static class OrleansTraffic
{
    public const string MeterName = "Microsoft.Orleans";
    public const string SentInstrument = "orleans-messaging-sent-messages-size";
    public const string ReceivedInstrument = "orleans-messaging-received-messages-size";

    private static readonly object Gate = new();
    private static MeterListener? _listener;
    private static long _sent, _received, _messagesSent;

    /// <summary>Starts counting (once per process; Orleans records the sizes only while someone listens).</summary>
    public static void Start()
    {
        lock (Gate)
        {
            if (_listener is not null) return;
            var listener = new MeterListener
            {
                InstrumentPublished = (instrument, l) =>
                {
                    if (instrument.Meter.Name == MeterName && instrument.Name is SentInstrument or ReceivedInstrument) l.EnableMeasurementEvents(instrument);
                },
            };
            listener.SetMeasurementEventCallback<int>((instrument, bytes, _, _) =>
            {
                if (instrument.Name == SentInstrument)
                {
                    Interlocked.Add(ref _sent, bytes);
                    Interlocked.Increment(ref _messagesSent);
                }
                else Interlocked.Add(ref _received, bytes);
            });
            listener.Start();
            _listener = listener;
        }
    }

    /// <summary>Bytes of messages this process sent since <see cref="Start"/>.</summary>
    public static long SentBytes => Interlocked.Read(ref _sent);
    /// <summary>Bytes of messages this process received since <see cref="Start"/>.</summary>
    public static long ReceivedBytes => Interlocked.Read(ref _received);
    /// <summary>Messages this process sent since <see cref="Start"/>.</summary>
    public static long MessagesSent => Interlocked.Read(ref _messagesSent);
}
