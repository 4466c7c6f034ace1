using MortalHil.Core.Devices;
using MortalHil.Hardware.Protocol;
using MortalHil.Hardware.Protocol.Messages;

namespace MortalHil.Hardware.Serial;

/// <summary>
/// A board behind a serial link (a microcontroller running the analog front end), spoken to with
/// the protocol of hardware/PROTOCOL.md. Every request is checked with <see cref="DeviceGuards"/>
/// before a byte is sent; reads and measurements too large for one frame are split into several,
/// and cell-pulse requests into row bands that the board applies exactly once each.
/// </summary>
public sealed class SerialBoard : IDevice
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
            var identity = DescribeMessage.Decode(_client.Exchange(ProtocolCommand.Describe, [], 512));
            Description = identity.Description;
            MaxPayload = identity.MaxPayload;
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
