using MortalHil.Core.Devices;
using MortalHil.Hardware.Protocol;
using MortalHil.Hardware.Protocol.Messages;

namespace MortalHil.Hardware.Serial;

/// <summary>
/// A board behind a serial link (a microcontroller running the analog front end), spoken to with
/// the protocol of hardware/PROTOCOL.md. Every request is checked with <see cref="DeviceGuards"/>
/// before a byte is sent; reads and measurements too large for one frame are split into several,
/// and cell-pulse requests into row bands that the board applies exactly once each. A board speaking protocol
/// version 2 may describe an analog chain; its chain reads and latched updates then go over the wire too
/// (<see cref="IAnalogChainDevice"/>), checked with <see cref="ChainGuards"/> before anything is sent.
/// </summary>
public sealed class SerialBoard : IAnalogChainDevice
{
    private readonly ProtocolClient _client;
    private readonly PulseIdMemory _completed = new(4096);
    private BoardLinkCounters _boardCounters;

    /// <summary>Opens the serial port <paramref name="portName"/> (e.g. /dev/ttyACM0, /dev/pts/3) and asks the board to describe itself.</summary>
    public static SerialBoard Open(string portName, SerialBoardOptions? options = null)
    {
        options ??= new SerialBoardOptions();
        return new SerialBoard(new SerialPortConnector(portName, options.BaudRate), options);
    }

    /// <summary>Speaks the protocol over whatever <paramref name="connector"/> opens.</summary>
    public SerialBoard(ILinkConnector connector, SerialBoardOptions? options = null)
    {
        _client = new ProtocolClient(connector, options);
        try
        {
            // The first DESCRIBE goes out in version 1, which every board speaks; its answer says how far the board goes.
            var identity = DescribeMessage.Decode(_client.Exchange(ProtocolCommand.Describe, [], 512));
            MaxPayload = identity.MaxPayload;
            ProtocolVersion = Math.Min(identity.HighestVersion, ProtocolConstants.HighestVersion);
            _client.Version = (byte)ProtocolVersion;
            var description = identity.Description;
            if (ProtocolVersion >= ProtocolConstants.ChainVersion)
            {
                if (identity.DescribesChain)
                    description = description with
                    {
                        AnalogChain = ChainDescriptionMessage.Decode(_client.Exchange(ProtocolCommand.DescribeChain, [], 64 + 14 * ChainDescriptionMessage.MaxStages), description),
                    };
                if (identity.DescribesCosts)
                    description = description with { Costs = CostsMessage.Decode(_client.Exchange(ProtocolCommand.DescribeCosts, [], 2048)) };
            }
            Description = description;
            // After the port comes back, make sure it is still the same board before resending anything.
            _client.AfterReconnect = VerifySameBoard;
        }
        catch
        {
            _client.Dispose();
            throw;
        }
    }

    /// <inheritdoc/>
    public DeviceDescription Description { get; }

    /// <summary>The largest payload the board accepts or sends, as it advertised.</summary>
    public int MaxPayload { get; }

    /// <summary>The protocol version spoken with this board: the highest both sides speak.</summary>
    public int ProtocolVersion { get; }

    /// <summary>The port or link this board is reached through.</summary>
    public string LinkName => _client.Name;

    /// <summary>Host-side link statistics so far (also reported in <see cref="ReadHealth"/>).</summary>
    public LinkStatistics LinkStatistics => _client.Statistics;

    /// <summary>Board-side link counters from the last <see cref="ReadHealth"/>.</summary>
    public BoardLinkCounters BoardLinkCounters => _boardCounters;

    /// <summary>Round trip of an ECHO with <paramref name="payload"/>; returns the echoed bytes (for link tests and benchmarks).</summary>
    public byte[] Echo(ReadOnlySpan<byte> payload) => _client.Exchange(ProtocolCommand.Echo, payload, payload.Length);

    /// <inheritdoc/>
    public void Read(CrossbarWindow window, ReadOnlySpan<float> inputVolts, Span<float> outputAmps, AnalogActivation activation = AnalogActivation.None)
    {
        int batch = DeviceGuards.CheckRead(Description, window, inputVolts, outputAmps, activation);
        int perFrame = Math.Min(batch, VectorsPerFrame(window));
        for (int start = 0; start < batch; start += perFrame)
        {
            int n = Math.Min(perFrame, batch - start);
            var payload = ReadMessages.EncodeRequest(window, activation, inputVolts.Slice(start * window.RowCount, n * window.RowCount));
            var answer = _client.Exchange(ProtocolCommand.Read, payload, ReadMessages.ResponseFixedSize + 4 * n * window.ColumnCount);
            ReadMessages.DecodeResponse(answer, n, window.ColumnCount, outputAmps.Slice(start * window.ColumnCount, n * window.ColumnCount));
        }
    }

    /// <summary>Input vectors of <paramref name="window"/> that fit one READ frame both ways.</summary>
    internal int VectorsPerFrame(CrossbarWindow window)
    {
        int byIn = (MaxPayload - ReadMessages.RequestFixedSize) / (4 * window.RowCount);
        int byOut = (MaxPayload - ReadMessages.ResponseFixedSize) / (4 * window.ColumnCount);
        int n = Math.Min(byIn, byOut);
        if (n < 1)
            throw new DeviceLimitException($"one input vector of a {window.RowCount}x{window.ColumnCount} window does not fit the board's {MaxPayload}-byte frames");
        return n;
    }

    /// <inheritdoc/>
    public PulseReceipt ApplyCellPulses(in PulseRequest request, CrossbarWindow window, ReadOnlySpan<short> counts)
    {
        DeviceGuards.CheckCellPulses(Description, request, window, counts);
        int rowsPerPart = Math.Max(1, (MaxPayload - PulseMessages.CellRequestFixedSize) / (2 * window.ColumnCount));
        if ((MaxPayload - PulseMessages.CellRequestFixedSize) / (2 * window.ColumnCount) < 1)
            throw new DeviceLimitException($"one row of {window.ColumnCount} pulse counts does not fit the board's {MaxPayload}-byte frames");
        int parts = (window.RowCount + rowsPerPart - 1) / rowsPerPart;
        if (parts > ushort.MaxValue) throw new DeviceLimitException($"pulse request would need {parts} frames");
        long applied = 0;
        bool allDuplicate = true;
        for (int part = 0; part < parts; part++)
        {
            int row0 = part * rowsPerPart;
            int rows = Math.Min(rowsPerPart, window.RowCount - row0);
            var band = window with { Row0 = window.Row0 + row0, RowCount = rows };
            var bandCounts = counts.Slice(row0 * window.ColumnCount, rows * window.ColumnCount);
            var payload = PulseMessages.EncodeCells(request, part, parts, band, bandCounts);
            var receipt = PulseMessages.DecodeReceipt(_client.Exchange(ProtocolCommand.PulseCells, payload, PulseMessages.ReceiptSize,
                PulseTime(request, SumMagnitudes(bandCounts))));
            CheckReceipt(receipt, request.Id, part);
            receipt = receipt with { Duplicate = IsCallersRepeat(receipt.Duplicate, request.Id) };
            applied += receipt.PulsesApplied;
            allDuplicate &= receipt.Duplicate;
        }
        _completed.Add(request.Id);
        return new PulseReceipt(request.Id, applied, allDuplicate);
    }

    /// <inheritdoc/>
    public PulseReceipt ApplyOuterProductPulses(in PulseRequest request, CrossbarWindow window, in OuterProductTrains trains)
    {
        DeviceGuards.CheckOuterProduct(Description, request, window, trains);
        var payload = PulseMessages.EncodeOuter(request, window, trains);
        if (payload.Length > MaxPayload)
            throw new DeviceLimitException($"outer-product trains of a {window.RowCount}x{window.ColumnCount} window need {payload.Length} bytes, the board takes {MaxPayload}");
        var receipt = PulseMessages.DecodeReceipt(_client.Exchange(ProtocolCommand.PulseOuterProduct, payload, PulseMessages.ReceiptSize,
            PulseTime(request, (long)trains.Slots * window.RowCount)));
        CheckReceipt(receipt, request.Id, 0);
        bool duplicate = IsCallersRepeat(receipt.Duplicate, request.Id);
        _completed.Add(request.Id);
        return new PulseReceipt(request.Id, receipt.PulsesApplied, duplicate);
    }

    // Result rows of the last chain read as a whole, and those the board latched (its last READ_CHAIN frame).
    private int _chainRows, _latchedFrom, _latchedCount;

    /// <inheritdoc/>
    public void ReadChain(ReadOnlySpan<float> inputVolts, int repeats, ReadOnlySpan<float> injectionAmps, Span<float> outputAmps, Span<float> tapVolts)
    {
        int rows = ChainGuards.CheckRead(Description, inputVolts, repeats, injectionAmps, outputAmps, tapVolts);
        var chain = Description.AnalogChain!;
        int n = chain.InputCount, outs = chain.OutputCount, neurons = chain.NeuronCount, batch = rows / repeats;
        bool injected = !injectionAmps.IsEmpty, tapped = !tapVolts.IsEmpty;
        int perFrame = ChainVectorsPerFrame(repeats, injected, tapped);
        _chainRows = 0; // until this read completes, no latched row is known
        for (int start = 0; start < batch; start += perFrame)
        {
            int m = Math.Min(perFrame, batch - start), row0 = start * repeats, frameRows = m * repeats;
            var payload = ChainReadMessages.EncodeRequest(repeats, tapped, n, inputVolts.Slice(start * n, m * n),
                injected ? injectionAmps.Slice(row0 * neurons, frameRows * neurons) : default);
            var answer = _client.Exchange(ProtocolCommand.ReadChain, payload, (int)ChainReadMessages.ResponseSize(m, repeats, outs, neurons, tapped));
            ChainReadMessages.DecodeResponse(answer, frameRows, outputAmps.Slice(row0 * outs, frameRows * outs),
                tapped ? tapVolts.Slice(row0 * neurons, frameRows * neurons) : default);
            _latchedFrom = row0;
            _latchedCount = frameRows;
        }
        _chainRows = rows;
    }

    /// <summary>Inputs of one chain read that fit one READ_CHAIN frame both ways (a longer read is split into frames of this many).</summary>
    public int ChainVectorsPerFrame(int repeats, bool injected, bool tapped)
    {
        var chain = ChainGuards.Chain(Description);
        long perInputIn = ChainReadMessages.RequestSize(1, repeats, chain.InputCount, chain.NeuronCount, injected) - ChainReadMessages.RequestFixedSize;
        long perInputOut = ChainReadMessages.ResponseSize(1, repeats, chain.OutputCount, chain.NeuronCount, tapped) - ChainReadMessages.ResponseFixedSize;
        long n = Math.Min((MaxPayload - ChainReadMessages.RequestFixedSize) / perInputIn, (MaxPayload - ChainReadMessages.ResponseFixedSize) / perInputOut);
        if (n < 1)
            throw new DeviceLimitException($"one chain input with {repeats} repeats does not fit the board's {MaxPayload}-byte frames");
        return (int)Math.Min(n, int.MaxValue);
    }

    /// <inheritdoc/>
    public PulseReceipt ApplyLatchedOuterProduct(in PulseRequest request, int stage, int example, float rowProbability, int slots,
        ReadOnlySpan<ulong> columnTrains, ReadOnlySpan<sbyte> columnPolarity)
    {
        ChainGuards.CheckLatched(Description, request, stage, example, rowProbability, slots, columnTrains, columnPolarity, _chainRows);
        // A board latches the rows of its last READ_CHAIN frame only (PROTOCOL.md §4.9): a read split into several
        // frames leaves the earlier frames' rows unlatched, and an update from them cannot be made.
        if (example < _latchedFrom || example >= _latchedFrom + _latchedCount)
            throw new DeviceLimitException($"result row {example} of the last chain read is not latched: the read was split into frames to fit the board's {MaxPayload}-byte payload limit and the board holds only rows {_latchedFrom}..{_latchedFrom + _latchedCount - 1}; read at most {_latchedCount} rows at once");
        var payload = LatchedPulseMessages.Encode(request, stage, example - _latchedFrom, rowProbability, slots, columnTrains, columnPolarity);
        if (payload.Length > MaxPayload)
            throw new DeviceLimitException($"latched-update trains of {columnTrains.Length} columns need {payload.Length} bytes, the board takes {MaxPayload}");
        var w = Description.AnalogChain!.Stages[stage].Window;
        var receipt = PulseMessages.DecodeReceipt(_client.Exchange(ProtocolCommand.PulseLatched, payload, PulseMessages.ReceiptSize,
            PulseTime(request, (long)slots * w.RowCount)));
        CheckReceipt(receipt, request.Id, 0);
        bool duplicate = IsCallersRepeat(receipt.Duplicate, request.Id);
        _completed.Add(request.Id);
        return new PulseReceipt(request.Id, receipt.PulsesApplied, duplicate);
    }

    /// <inheritdoc/>
    public void MeasureConductances(CrossbarWindow window, Span<float> siemens)
    {
        DeviceGuards.CheckMeasure(Description, window, siemens);
        int rowsPerFrame = (MaxPayload - 4) / (4 * window.ColumnCount);
        if (rowsPerFrame < 1)
            throw new DeviceLimitException($"one row of {window.ColumnCount} conductances does not fit the board's {MaxPayload}-byte frames");
        for (int row0 = 0; row0 < window.RowCount; row0 += rowsPerFrame)
        {
            int rows = Math.Min(rowsPerFrame, window.RowCount - row0);
            var band = window with { Row0 = window.Row0 + row0, RowCount = rows };
            var answer = _client.Exchange(ProtocolCommand.Measure, MeasureMessages.EncodeRequest(band), 4 + 4 * band.CellCount,
                TimeSpan.FromMilliseconds(band.CellCount * 0.1)); // a slow per-cell readout: allow 100 µs a cell
            MeasureMessages.DecodeResponse(answer, siemens.Slice(row0 * window.ColumnCount, band.CellCount));
        }
    }

    /// <inheritdoc/>
    public DeviceHealth ReadHealth()
    {
        var (health, board) = HealthMessage.Decode(_client.Exchange(ProtocolCommand.Health, [], HealthMessage.Size));
        _boardCounters = board;
        var host = _client.Statistics;
        // CRC errors of both directions: what the host saw plus what the board reports it saw.
        return health with { Link = host with { CrcErrors = host.CrcErrors + board.BadFrames } };
    }

    private bool _verifying;

    private void VerifySameBoard()
    {
        if (_verifying) return; // the link dropped again while verifying: the outer check still runs
        _verifying = true;
        try { VerifyIdentity(); }
        finally { _verifying = false; }
    }

    private void VerifyIdentity()
    {
        var identity = DescribeMessage.Decode(_client.Exchange(ProtocolCommand.Describe, [], 512));
        if (identity.Description.SerialNumber != Description.SerialNumber || identity.Description.Kind != Description.Kind)
            throw new DeviceFailedException($"the board on {LinkName} is now {identity.Description.Kind} {identity.Description.SerialNumber}, not {Description.Kind} {Description.SerialNumber}; refusing to continue");
    }

    /// <summary>
    /// A board says "duplicate" also when our own first attempt of this very call was applied and
    /// its answer lost across a reconnect. That is not the caller repeating a request: the pulses
    /// were applied once, by this call. So a duplicate counts as the caller's repeat only if the
    /// exchange went through first time, or this host already completed a call with the id.
    /// </summary>
    private bool IsCallersRepeat(bool boardSaysDuplicate, ulong id)
        => boardSaysDuplicate && (_client.LastExchangeAttempts == 1 || _completed.Contains(id));

    private static void CheckReceipt(PartReceipt receipt, ulong id, int part)
    {
        if (receipt.Id != id || receipt.Part != part)
            throw new MalformedFrameException($"receipt is for pulse {receipt.Id} part {receipt.Part}, expected {id} part {part}");
    }

    private static long SumMagnitudes(ReadOnlySpan<short> counts)
    {
        long s = 0;
        foreach (var c in counts) s += Math.Abs((int)c);
        return s;
    }

    /// <summary>Worst case a board applying pulses one at a time needs: each pulse plus 1 µs of switching.</summary>
    private static TimeSpan PulseTime(in PulseRequest r, long pulses) => TimeSpan.FromSeconds(pulses * (r.WidthSeconds + 1e-6));

    /// <inheritdoc/>
    public void Dispose() => _client.Dispose();
}
