using System.Diagnostics;
using MortalHil.Core.Devices;
using MortalHil.Hardware.Protocol;
using MortalHil.Hardware.Protocol.Messages;

namespace MortalHil.Hardware.Serial;

/// <summary>
/// The host side of the link: one outstanding request at a time (stop-and-wait), one reader thread
/// per connection, resends with the same sequence number on timeout or on a corrupt answer,
/// reopening the link when it disappears, and link statistics. It knows frames, not devices.
/// </summary>
public sealed class ProtocolClient : IDisposable
{
    private readonly ILinkConnector _connector;
    private readonly SerialBoardOptions _options;
    private readonly object _exchangeLock = new();
    private readonly object _gate = new();
    private Stream? _stream;
    private Thread? _reader;
    private int _connectionId;
    private bool _disposed;
    private uint _nextSequence;

    // Guarded by _gate: the slot the reader fills for the waiting exchange.
    private uint _pendingSequence;
    private bool _pending;
    private Frame? _reply;
    private bool _linkLost;

    private long _framesSent, _framesReceived, _crcErrors, _retries, _timeouts, _reconnects, _staleFrames;

    /// <summary>Opens the link (waiting up to the reconnect window for it to appear).</summary>
    public ProtocolClient(ILinkConnector connector, SerialBoardOptions? options = null)
    {
        _connector = connector;
        _options = options ?? new SerialBoardOptions();
        _nextSequence = _options.FirstSequence ?? (uint)Random.Shared.Next();
        Connect(isReconnect: false);
    }

    /// <summary>The link's name (port path).</summary>
    public string Name => _connector.Name;

    /// <summary>Called after every reconnect, inside the exchange lock, before the interrupted request is resent.</summary>
    public Action? AfterReconnect { get; set; }

    /// <summary>Host-side link counters so far.</summary>
    public LinkStatistics Statistics => new(
        Interlocked.Read(ref _framesSent), Interlocked.Read(ref _framesReceived), Interlocked.Read(ref _crcErrors),
        Interlocked.Read(ref _retries), Interlocked.Read(ref _timeouts), Interlocked.Read(ref _reconnects));

    /// <summary>
    /// The protocol version of the frames this client sends: 1 until the board's DESCRIBE says it speaks more, then
    /// the highest version both sides speak (PROTOCOL.md §2.1).
    /// </summary>
    public byte Version { get; set; } = ProtocolConstants.Version;

    /// <summary>Attempts the last completed exchange needed (1 = answered first time).</summary>
    public int LastExchangeAttempts { get; private set; }

    /// <summary>Answers that arrived for a request no longer outstanding (late or duplicated replies), dropped.</summary>
    public long StaleFrames => Interlocked.Read(ref _staleFrames);

    /// <summary>
    /// Sends one request and returns the board's (non-error) answer payload. Resends the identical
    /// frame on timeout (a lost or corrupt answer), on BUSY and on BAD_CRC, reconnecting if the link
    /// vanished. Error answers become exceptions: LIMIT_REFUSED → <see cref="DeviceLimitException"/>,
    /// DEVICE_FAILED → <see cref="DeviceFailedException"/>, others → <see cref="BoardErrorException"/>.
    /// Giving up throws <see cref="DeviceFailedException"/>.
    /// </summary>
    public byte[] Exchange(ProtocolCommand command, ReadOnlySpan<byte> payload, int expectedAnswerBytes = 64, TimeSpan extraTime = default)
    {
        lock (_exchangeLock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            uint sequence = _nextSequence++;
            var wire = FrameCodec.Encode(command, FrameFlags.None, sequence, payload, Version);
            var timeout = _options.ResponseTimeout + extraTime + TransferTime(wire.Length + expectedAnswerBytes);
            int attempt = 0;
            while (true)
            {
                if (attempt > _options.MaxRetries)
                    throw new DeviceFailedException($"board on {Name} did not answer {command} after {attempt} attempts");
                if (attempt > 0) Interlocked.Increment(ref _retries);
                attempt++;
                var outcome = SendAndWait(sequence, wire, timeout, out var reply);
                LastExchangeAttempts = attempt;
                switch (outcome)
                {
                    case Outcome.Answered:
                        if (!reply!.Header.IsError)
                        {
                            if (reply.Header.Command != command)
                                throw new MalformedFrameException($"board answered {command} with {reply.Header.Command}");
                            return reply.Payload;
                        }
                        var (code, message) = ErrorMessage.Decode(reply.Payload);
                        switch (code)
                        {
                            case ProtocolErrorCode.BadCrc:
                                continue;
                            case ProtocolErrorCode.Busy:
                                Thread.Sleep(TimeSpan.FromMilliseconds(Math.Min(10 << Math.Min(attempt, 6), 500)));
                                continue;
                            case ProtocolErrorCode.LimitRefused:
                                throw new DeviceLimitException($"board refused {command}: {message}");
                            case ProtocolErrorCode.DeviceFailed:
                                throw new DeviceFailedException($"board reports failure: {message}");
                            default:
                                throw new BoardErrorException(code, message);
                        }
                    case Outcome.TimedOut:
                        Interlocked.Increment(ref _timeouts);
                        continue;
                    case Outcome.LinkLost:
                        Reconnect();
                        continue;
                }
            }
        }
    }

    private enum Outcome { Answered, TimedOut, LinkLost }

    private Outcome SendAndWait(uint sequence, byte[] wire, TimeSpan timeout, out Frame? reply)
    {
        reply = null;
        Stream? stream;
        lock (_gate)
        {
            if (_linkLost || _stream is null) return Outcome.LinkLost;
            stream = _stream;
            _pendingSequence = sequence;
            _pending = true;
            _reply = null;
        }
        try
        {
            stream.Write(wire);
            stream.Flush();
            Interlocked.Increment(ref _framesSent);
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or InvalidOperationException or TimeoutException or UnauthorizedAccessException)
        {
            MarkLost();
            return Outcome.LinkLost;
        }
        var deadline = Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
        lock (_gate)
        {
            try
            {
                while (true)
                {
                    if (_reply is not null) { reply = _reply; return Outcome.Answered; }
                    if (_linkLost) return Outcome.LinkLost;
                    long left = deadline - Stopwatch.GetTimestamp();
                    if (left <= 0) return Outcome.TimedOut;
                    Monitor.Wait(_gate, TimeSpan.FromSeconds((double)left / Stopwatch.Frequency));
                }
            }
            finally { _pending = false; }
        }
    }

    /// <summary>Time the bytes need on the line at the configured baud rate (10 bits per byte, COBS overhead included).</summary>
    private TimeSpan TransferTime(int bytes)
        => TimeSpan.FromSeconds(10.0 * Cobs.MaxEncodedLength(bytes + ProtocolConstants.HeaderSize + ProtocolConstants.CrcSize) / _options.BaudRate);

    private void Connect(bool isReconnect)
    {
        var deadline = DateTime.UtcNow + _options.ReconnectWindow;
        Exception? last = null;
        while (true)
        {
            try
            {
                var stream = _connector.Connect();
                int id;
                lock (_gate)
                {
                    _stream = stream;
                    _linkLost = false;
                    id = ++_connectionId;
                }
                _reader = new Thread(() => ReadLoop(stream, id)) { IsBackground = true, Name = $"mortalhil-link-{Name}" };
                _reader.Start();
                if (isReconnect) Interlocked.Increment(ref _reconnects);
                return;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidOperationException or ArgumentException)
            {
                last = e;
            }
            if (DateTime.UtcNow >= deadline)
                throw new DeviceFailedException($"cannot open the link to the board on {Name} ({last?.Message}); gave up after {_options.ReconnectWindow.TotalSeconds:0.#} s", last);
            Thread.Sleep(_options.ReconnectInterval);
        }
    }

    private void Reconnect()
    {
        CloseStream();
        Connect(isReconnect: true);
        AfterReconnect?.Invoke();
    }

    private void MarkLost()
    {
        lock (_gate)
        {
            _linkLost = true;
            Monitor.PulseAll(_gate);
        }
    }

    private void CloseStream()
    {
        Stream? s;
        lock (_gate)
        {
            s = _stream;
            _stream = null;
            _linkLost = true;
            _connectionId++;
        }
        try { s?.Dispose(); } catch (Exception e) when (e is IOException or InvalidOperationException) { }
        if (_reader is { } r && r != Thread.CurrentThread) r.Join(TimeSpan.FromSeconds(2));
        _reader = null;
    }

    private void ReadLoop(Stream stream, int connectionId)
    {
        var splitter = new FrameSplitter();
        var buffer = new byte[64 * 1024];
        while (true)
        {
            lock (_gate)
                if (_connectionId != connectionId || _disposed) return;
            int n;
            try { n = stream.Read(buffer, 0, buffer.Length); }
            catch (TimeoutException) { continue; }
            catch (Exception e) when (e is IOException or ObjectDisposedException or InvalidOperationException or OperationCanceledException or UnauthorizedAccessException)
            {
                n = 0;
            }
            if (n == 0)
            {
                lock (_gate)
                {
                    if (_connectionId == connectionId) _linkLost = true;
                    Monitor.PulseAll(_gate);
                }
                return;
            }
            long overflowBefore = splitter.OverflowedBlocks;
            splitter.Feed(buffer.AsSpan(0, n), OnBlock);
            if (splitter.OverflowedBlocks != overflowBefore) OnBad();
        }
    }

    private void OnBlock(ReadOnlySpan<byte> block)
    {
        var result = FrameCodec.TryParse(block, out var frame, out _);
        if (result == FrameParseError.Empty) return;
        if (result != FrameParseError.None)
        {
            OnBad();
            return;
        }
        if (!frame!.Header.IsResponse) { OnBad(); return; } // our own request echoed back: not an answer
        Interlocked.Increment(ref _framesReceived);
        lock (_gate)
        {
            if (_pending && _reply is null && frame.Header.Sequence == _pendingSequence)
            {
                _reply = frame;
                Monitor.PulseAll(_gate);
            }
            else Interlocked.Increment(ref _staleFrames);
        }
    }

    /// <summary>
    /// Counts a block that failed its checks. It does not trigger a resend by itself: one noisy
    /// burst can yield several bad blocks, and resending on each would flood the link; the
    /// timeout (or the board's BAD_CRC answer) paces the retry instead.
    /// </summary>
    private void OnBad() => Interlocked.Increment(ref _crcErrors);

    public void Dispose()
    {
        lock (_exchangeLock)
        {
            if (_disposed) return;
            _disposed = true;
            CloseStream();
        }
    }
}
