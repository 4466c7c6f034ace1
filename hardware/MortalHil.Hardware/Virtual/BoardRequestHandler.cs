using MortalHil.Core.Devices;
using MortalHil.Hardware.Protocol;
using MortalHil.Hardware.Protocol.Messages;

namespace MortalHil.Hardware.Virtual;

/// <summary>
/// The board side of the protocol without any I/O: turns one checked request frame into the frame
/// to send back, executing it on an <see cref="IDevice"/> at most once. It keeps the two memories
/// PROTOCOL.md §6 requires: the last answer (a retransmitted request is answered from it) and the
/// receipts of recent pulse ids (a repeated pulse request is answered with its first receipt).
/// </summary>
public sealed class BoardRequestHandler
{
    private readonly IDevice _device;
    private readonly int _maxPayload;
    private readonly PulseReceiptCache _receipts;
    private uint _lastSequence;
    private uint _lastCrc;
    private byte[]? _lastAnswer;
    private readonly TimeProvider _clock;
    private readonly long _startedAt;
    private readonly byte _highestVersion;
    private int _latchedRows;

    /// <summary>Serves <paramref name="device"/>, advertising a payload limit of <paramref name="maxPayload"/> bytes.</summary>
    /// <param name="device">The device served.</param>
    /// <param name="maxPayload">The payload limit advertised in DESCRIBE.</param>
    /// <param name="rememberedPulseIds">Pulse receipts remembered (at least 256).</param>
    /// <param name="clock">The board's own clock: HEALTH reports the time since this handler started as the uptime.</param>
    /// <param name="highestVersion">The highest protocol version this board speaks: 2 (chains and costs on the wire) or 1 (as a board built before them).</param>
    public BoardRequestHandler(IDevice device, int maxPayload = ProtocolConstants.MaxPayload, int rememberedPulseIds = 4096, TimeProvider? clock = null,
        byte highestVersion = ProtocolConstants.HighestVersion)
    {
        if (highestVersion is < ProtocolConstants.Version or > ProtocolConstants.HighestVersion)
            throw new ArgumentOutOfRangeException(nameof(highestVersion), $"a board speaks protocol version {ProtocolConstants.Version}..{ProtocolConstants.HighestVersion}");
        _highestVersion = highestVersion;
        if (maxPayload < ProtocolConstants.MinBoardMaxPayload || maxPayload > ProtocolConstants.MaxPayload)
            throw new ArgumentOutOfRangeException(nameof(maxPayload), $"payload limit must be {ProtocolConstants.MinBoardMaxPayload}..{ProtocolConstants.MaxPayload}");
        if (rememberedPulseIds < ProtocolConstants.MinRememberedPulseIds)
            throw new ArgumentOutOfRangeException(nameof(rememberedPulseIds), $"a board must remember at least {ProtocolConstants.MinRememberedPulseIds} pulse ids");
        _device = device;
        _maxPayload = maxPayload;
        _receipts = new PulseReceiptCache(rememberedPulseIds);
        _clock = clock ?? TimeProvider.System;
        _startedAt = _clock.GetTimestamp();
    }

    /// <summary>Time since this board started (its uptime in HEALTH): restarts from zero when the board does.</summary>
    public TimeSpan Uptime => _clock.GetElapsedTime(_startedAt);

    /// <summary>Answers written but thrown away unread by the line (set by the server that owns the line).</summary>
    public long AnswersDropped { get; set; }

    /// <summary>The board's payload limit.</summary>
    public int MaxPayload => _maxPayload;

    public long FramesReceived { get; private set; }
    public long BadFrames { get; private set; }
    public long Replays { get; private set; }
    public long DuplicatePulses { get; private set; }
    public long PulseCallsForwarded { get; private set; }

    /// <summary>
    /// Handles one block received between delimiters. Returns the encoded frame to send (delimiter
    /// included), or null when nothing is to be answered.
    /// </summary>
    public byte[]? Handle(ReadOnlySpan<byte> block)
    {
        var parse = FrameCodec.TryParse(block, out var frame, out var damaged);
        if (parse == FrameParseError.Empty) return null;
        if (parse != FrameParseError.None)
        {
            BadFrames++;
            // Answer only when the header survived well enough to address the host; otherwise stay
            // silent and let the host's timeout resend (line noise must not provoke a flood of errors).
            if (damaged is { } h && !h.IsResponse && Speaks(h.Version) && Knows(h.Command, h.Version))
                return Error(h.Command, h.Version, h.Sequence, ProtocolErrorCode.BadCrc, $"frame failed its {parse} check");
            return null;
        }
        var header = frame!.Header;
        if (header.IsResponse)
        {
            BadFrames++; // a board never receives responses (a looped-back line)
            return null;
        }
        FramesReceived++;
        if (_lastAnswer is not null && header.Sequence == _lastSequence && frame.Crc == _lastCrc)
        {
            Replays++;
            return _lastAnswer;
        }
        var answer = Execute(frame, out bool cacheable);
        if (cacheable)
        {
            _lastSequence = header.Sequence;
            _lastCrc = frame.Crc;
            _lastAnswer = answer;
        }
        return answer;
    }

    /// <summary>The highest protocol version this board speaks.</summary>
    public byte HighestVersion => _highestVersion;

    private bool Speaks(byte version) => version >= ProtocolConstants.Version && version <= _highestVersion;

    /// <summary>A command exists in a version: the chain and cost commands only from version 2 on (PROTOCOL.md §2.1).</summary>
    private static bool Knows(ProtocolCommand c, byte version)
        => Enum.IsDefined(c) && (version >= ProtocolConstants.ChainVersion || !ProtocolConstants.IsVersion2Command(c));

    /// <summary>Counts a block that was dropped before parsing (over-long garbage).</summary>
    public void NoteBadFrame() => BadFrames++;

    /// <summary>Board-side counters in the form the HEALTH answer carries.</summary>
    public BoardLinkCounters LinkCounters => new((uint)FramesReceived, (uint)BadFrames, (uint)Replays, (uint)DuplicatePulses, (uint)AnswersDropped);

    private byte[] Execute(Frame frame, out bool cacheable)
    {
        var h = frame.Header;
        cacheable = true;
        if (!Speaks(h.Version))
            return Error(h.Command, Math.Clamp(h.Version, ProtocolConstants.Version, _highestVersion), h.Sequence, ProtocolErrorCode.UnsupportedVersion,
                $"board speaks protocol versions {ProtocolConstants.Version}..{_highestVersion}, request has {h.Version}");
        if (frame.Payload.Length > _maxPayload)
            return Error(h.Command, h.Version, h.Sequence, ProtocolErrorCode.TooLarge, $"payload of {frame.Payload.Length} bytes exceeds the board's limit {_maxPayload}");
        try
        {
            if (!Knows(h.Command, h.Version)) throw new UnknownCommandException(h.Command);
            byte[] payload = h.Command switch
            {
                ProtocolCommand.Describe => Describe(frame.Payload),
                ProtocolCommand.Read => Read(frame.Payload),
                ProtocolCommand.PulseCells => PulseCells(frame.Payload),
                ProtocolCommand.PulseOuterProduct => PulseOuter(frame.Payload),
                ProtocolCommand.Measure => Measure(frame.Payload),
                ProtocolCommand.Health => Health(frame.Payload),
                ProtocolCommand.Echo => frame.Payload,
                ProtocolCommand.DescribeChain => DescribeChain(frame.Payload),
                ProtocolCommand.ReadChain => ReadChain(frame.Payload),
                ProtocolCommand.PulseLatched => PulseLatched(frame.Payload),
                ProtocolCommand.DescribeCosts => DescribeCosts(frame.Payload),
                _ => throw new UnknownCommandException(h.Command),
            };
            if (payload.Length > _maxPayload)
                return Error(h.Command, h.Version, h.Sequence, ProtocolErrorCode.TooLarge, $"the answer of {payload.Length} bytes would exceed the board's limit {_maxPayload}; ask for less");
            // An answer is in its request's version (PROTOCOL.md §2.1).
            return FrameCodec.Encode(h.Command, FrameFlags.Response, h.Sequence, payload, h.Version);
        }
        catch (UnknownCommandException e) { return Error(h.Command, h.Version, h.Sequence, ProtocolErrorCode.UnknownCommand, e.Message); }
        catch (AnswerTooLargeException e) { return Error(h.Command, h.Version, h.Sequence, ProtocolErrorCode.TooLarge, e.Message); }
        catch (MalformedFrameException e) { return Error(h.Command, h.Version, h.Sequence, ProtocolErrorCode.MalformedPayload, e.Message); }
        catch (DeviceLimitException e) { return Error(h.Command, h.Version, h.Sequence, ProtocolErrorCode.LimitRefused, e.Message); }
        catch (DeviceFailedException e) { return Error(h.Command, h.Version, h.Sequence, ProtocolErrorCode.DeviceFailed, e.Message); }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return Error(h.Command, h.Version, h.Sequence, ProtocolErrorCode.Internal, $"{e.GetType().Name}: {e.Message}");
        }
    }

    /// <summary>Refuses, before anything is allocated, a request whose answer would hold more than the board's payload limit.</summary>
    private void RefuseAnswerAbove(long answerBytes)
    {
        if (answerBytes > _maxPayload)
            throw new AnswerTooLargeException($"the answer of at least {answerBytes:N0} bytes would exceed the board's limit {_maxPayload:N0}; ask for less");
    }

    private sealed class AnswerTooLargeException(string message) : Exception(message);

    private byte[] Describe(byte[] payload)
    {
        if (payload.Length != 0) throw new MalformedFrameException("DESCRIBE takes no payload");
        return DescribeMessage.Encode(_device.Description, _maxPayload, _highestVersion, ServedChain is not null, _device.Description.Costs is not null);
    }

    /// <summary>The chain this board serves, or null (a device without one, or a board speaking only version 1).</summary>
    private AnalogChainDescription? ServedChain => _device is IAnalogChainDevice ? _device.Description.AnalogChain : null;

    private (IAnalogChainDevice Device, AnalogChainDescription Chain) RequireChain()
        => ServedChain is { } chain
            ? ((IAnalogChainDevice)_device, chain)
            : throw new DeviceLimitException($"board {_device.Description.Kind} #{_device.Description.SerialNumber} describes no analog chain");

    private byte[] DescribeChain(byte[] payload)
    {
        if (payload.Length != 0) throw new MalformedFrameException("DESCRIBE_CHAIN takes no payload");
        return ServedChain is { } chain ? ChainDescriptionMessage.Encode(chain) : ChainDescriptionMessage.EncodeNone();
    }

    private byte[] DescribeCosts(byte[] payload)
    {
        if (payload.Length != 0) throw new MalformedFrameException("DESCRIBE_COSTS takes no payload");
        return _device.Description.Costs is { } costs ? CostsMessage.Encode(costs, _maxPayload) : CostsMessage.EncodeNone();
    }

    private byte[] ReadChain(byte[] payload)
    {
        // Without a chain the layout itself is unknown: refused whatever its length (PROTOCOL.md §5.1).
        var (device, chain) = RequireChain();
        var request = ChainReadMessages.DecodeRequest(payload, chain.InputCount, chain.NeuronCount);
        var d = device.Description;
        if (request.Batch == 0 || request.Repeats == 0 || request.Rows > d.Limits.MaxBatch)
            throw new DeviceLimitException($"chain read of {request.Batch} inputs x {request.Repeats} repeats: both must be at least 1 and their product at most the batch limit {d.Limits.MaxBatch}");
        if (request.WantTaps && chain.Taps is null) throw new DeviceLimitException("this chain has no monitor taps");
        int rows = (int)request.Rows;
        RefuseAnswerAbove(ChainReadMessages.ResponseSize(request.Batch, request.Repeats, chain.OutputCount, chain.NeuronCount, request.WantTaps));
        var outputs = new float[rows * chain.OutputCount];
        var taps = request.WantTaps ? new float[rows * chain.NeuronCount] : [];
        device.ReadChain(request.InputVolts, request.Repeats, request.InjectionAmps, outputs, taps);
        _latchedRows = rows; // the board now holds these rows' activity (PROTOCOL.md §4.9)
        return ChainReadMessages.EncodeResponse(rows, outputs, taps);
    }

    private byte[] PulseLatched(byte[] payload)
    {
        var (device, chain) = RequireChain();
        var p = LatchedPulseMessages.Decode(payload);
        if (p.Request.Id == 0) throw new DeviceLimitException("pulse request id must be non-zero");
        if ((uint)p.Stage < (uint)chain.Stages.Count && p.ColumnTrains.Length != chain.Stages[p.Stage].Window.ColumnCount)
            throw new DeviceLimitException($"PULSE_LATCHED gives {p.ColumnTrains.Length} column trains; stage {p.Stage} has {chain.Stages[p.Stage].Window.ColumnCount} columns");
        // Values before the receipt memory, as for every pulse (PROTOCOL.md §5.1).
        ChainGuards.CheckLatched(device.Description, p.Request, p.Stage, p.Example, p.RowProbability, p.Slots, p.ColumnTrains, p.ColumnPolarity, _latchedRows);
        if (_receipts.TryGet(p.Request.Id, 0, out var first))
        {
            DuplicatePulses++;
            return PulseMessages.EncodeReceipt(first with { Duplicate = true });
        }
        PulseCallsForwarded++;
        var inner = device.ApplyLatchedOuterProduct(p.Request, p.Stage, p.Example, p.RowProbability, p.Slots, p.ColumnTrains, p.ColumnPolarity);
        return Remember(p.Request.Id, 0, inner);
    }

    private byte[] Read(byte[] payload)
    {
        var request = ReadMessages.DecodeRequest(payload);
        // Any activation code the board does not offer (3..255 included) is a refused value, not a layout error.
        if (!Enum.IsDefined(request.Activation)) throw new DeviceLimitException($"activation {(int)request.Activation} is not one this board offers");
        request.Window.Validate(_device.Description);
        RefuseAnswerAbove(4L * request.Batch * request.Window.ColumnCount);
        var outputs = new float[(long)request.Batch * request.Window.ColumnCount];
        _device.Read(request.Window, request.InputVolts, outputs, request.Activation);
        return ReadMessages.EncodeResponse(request.Batch, request.Window.ColumnCount, outputs);
    }

    private byte[] PulseCells(byte[] payload)
    {
        var p = PulseMessages.DecodeCells(payload);
        if (p.Request.Id == 0) throw new DeviceLimitException("pulse request id must be non-zero");
        if (p.PartCount == 0 || p.Part >= p.PartCount)
            throw new DeviceLimitException($"pulse part {p.Part} of {p.PartCount} is out of range");
        // Values are checked before the receipt memory (PROTOCOL.md §5.1), so a refused request is
        // refused the same way whether or not its id was seen before.
        DeviceGuards.CheckCellPulses(_device.Description, p.Request, p.Window, p.Counts);
        if (_receipts.TryGet(p.Request.Id, p.Part, out var first))
        {
            DuplicatePulses++;
            return PulseMessages.EncodeReceipt(first with { Duplicate = true });
        }
        PulseCallsForwarded++;
        var inner = _device.ApplyCellPulses(p.Request with { Id = InnerId(p.Request.Id, p.Part) }, p.Window, p.Counts);
        return Remember(p.Request.Id, p.Part, inner);
    }

    private byte[] PulseOuter(byte[] payload)
    {
        var p = PulseMessages.DecodeOuter(payload);
        if (p.Request.Id == 0) throw new DeviceLimitException("pulse request id must be non-zero");
        DeviceGuards.CheckOuterProduct(_device.Description, p.Request, p.Window,
            new OuterProductTrains(p.Slots, p.RowTrains, p.RowPolarity, p.ColumnTrains, p.ColumnPolarity));
        if (_receipts.TryGet(p.Request.Id, 0, out var first))
        {
            DuplicatePulses++;
            return PulseMessages.EncodeReceipt(first with { Duplicate = true });
        }
        PulseCallsForwarded++;
        var trains = new OuterProductTrains(p.Slots, p.RowTrains, p.RowPolarity, p.ColumnTrains, p.ColumnPolarity);
        var inner = _device.ApplyOuterProductPulses(p.Request, p.Window, trains);
        return Remember(p.Request.Id, 0, inner);
    }

    private byte[] Remember(ulong id, int part, PulseReceipt inner)
    {
        // The served device may itself have recognised the id (e.g. after this server restarted):
        // its receipt then already says Duplicate.
        if (inner.Duplicate) DuplicatePulses++;
        var receipt = new PartReceipt(id, part, inner.PulsesApplied, false);
        _receipts.Remember(receipt);
        return PulseMessages.EncodeReceipt(receipt with { Duplicate = inner.Duplicate });
    }

    /// <summary>
    /// Part 0 keeps the wire id, so the served device's own exactly-once memory also covers it; later
    /// parts get a distinct id derived by a SplitMix64 step (Steele, Lea, Flood 2014), deterministic
    /// so a restarted server maps a retried part to the same device id.
    /// </summary>
    internal static ulong InnerId(ulong id, int part)
    {
        if (part == 0) return id;
        ulong z = Core.Randomness.SplitMix64.Mix(id + Core.Randomness.SplitMix64.Golden * (ulong)part);
        return z == 0 ? 1 : z;
    }

    private byte[] Measure(byte[] payload)
    {
        var window = MeasureMessages.DecodeRequest(payload);
        // Checked before allocating: a 65535 x 65535 window used to overflow the cell count and answer "OverflowException".
        window.Validate(_device.Description);
        RefuseAnswerAbove(4L * window.RowCount * window.ColumnCount);
        var siemens = new float[window.CellCount];
        _device.MeasureConductances(window, siemens);
        return MeasureMessages.EncodeResponse(siemens);
    }

    private byte[] Health(byte[] payload)
    {
        if (payload.Length != 0) throw new MalformedFrameException("HEALTH takes no payload");
        // Uptime on the wire is the board's time since it started (PROTOCOL.md §4.6), so a host sees
        // a restart as uptime going backwards; the served device's own (possibly simulated) age is not it.
        return HealthMessage.Encode(_device.ReadHealth() with { Uptime = Uptime }, LinkCounters);
    }

    private static byte[] Error(ProtocolCommand command, byte version, uint sequence, ProtocolErrorCode code, string message)
        => FrameCodec.Encode(command, FrameFlags.Response | FrameFlags.Error, sequence, ErrorMessage.Encode(code, message), version);

    private sealed class UnknownCommandException(ProtocolCommand c) : Exception($"unknown command 0x{(byte)c:X2}");
}
