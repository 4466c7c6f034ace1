using System.Text.Json;
using System.Text.Json.Serialization;
using MortalHil.Core.Devices;

namespace MortalHil.Core.Learning.Mapping;

/// <summary>
/// Saves and loads the host-side half of a mapped network (layout, scales, ranges, biases, calibration,
/// pulse response, local readouts) as JSON. The board keeps the other half, its conductances; together they
/// are a usable trained network. Files are written to a temporary name and renamed, never left half-written.
/// Version 2 files carry an XxHash64 checksum of their content (<c>"checksum": "xxh64:..."</c>, computed over the file as
/// serialised without it), so a damaged or hand-edited network is refused instead of silently mis-mapping a board;
/// version 1 files (no checksum, written before) are still read.
/// </summary>
public static class MappedNetworkStore
{
    /// <summary>File format version written and accepted.</summary>
    public const int FormatVersion = 2;

    /// <summary>The version before checksums; still read (journals hold copies of such files).</summary>
    public const int UncheckedFormatVersion = 1;

    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
    };

    /// <summary>The conventional companion file of a saved board: <c>BOARDFILE.net.json</c>.</summary>
    public static string CompanionPath(string boardFile) => boardFile + ".net.json";

    /// <summary>Writes the network file of <paramref name="net"/> to <paramref name="path"/>, atomically.</summary>
    public static void Save(MappedNetwork net, string path) => Files.AtomicFile.WriteAllBytes(path, ToBytes(net));

    /// <summary>Loads a network file held in memory (a journal's copy); <paramref name="name"/> names it in errors.</summary>
    public static MappedNetwork FromBytes(IDevice device, ReadOnlySpan<byte> bytes, string name, bool requireSameBoard = true) =>
        Parse(device, System.Text.Encoding.UTF8.GetString(bytes), name, requireSameBoard);

    /// <summary>The network file of <paramref name="net"/> as bytes (UTF-8 JSON).</summary>
    public static byte[] ToBytes(MappedNetwork net)
    {
        var d = net.Description;
        var file = new NetworkFile(FormatVersion, d.SerialNumber, d.Kind, d.TileCount, d.Geometry.Rows, d.Geometry.Columns,
            net.Shape.Sizes.ToArray(), net.ReadoutGroups,
            new PulseDto(net.Pulse.UpSiemens, net.Pulse.DownSiemens, net.Pulse.AmplitudeVolts, net.Pulse.WidthSeconds),
            net.Layers.Select(ToDto).ToArray(),
            net.LocalReadouts.Select(r => r is null ? null : ToDto(r)).ToArray(), Checksum: null);
        return JsonSerializer.SerializeToUtf8Bytes(file with { Checksum = Checksum(file) }, Json);
    }

    /// <summary>XxHash64 of the file's content serialised without its checksum field; System.Text.Json writes floats in their
    /// shortest round-trip form, so re-serialising what was read gives back the bytes that were hashed.</summary>
    private static string Checksum(NetworkFile file) =>
        "xxh64:" + System.IO.Hashing.XxHash64.HashToUInt64(JsonSerializer.SerializeToUtf8Bytes(file with { Checksum = null }, Json)).ToString("x16");

    /// <summary>
    /// Loads a saved network onto <paramref name="device"/>. The board must have the same geometry; with
    /// <paramref name="requireSameBoard"/> it must also be the board it was saved from (same serial and kind).
    /// Problems are <see cref="InvalidDataException"/>s naming the file.
    /// </summary>
    public static MappedNetwork Load(IDevice device, string path, bool requireSameBoard = true)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"network file '{path}' does not exist", path);
        if (new FileInfo(path).Length > MaxFileBytes) throw new InvalidDataException($"network file '{path}' is larger than the {MaxFileBytes:N0}-byte limit");
        return Parse(device, Files.BoundedRead.Text(path, MaxFileBytes), path, requireSameBoard);
    }

    /// <summary>
    /// Checks a network file on its own (no board): its format version and, for version-2 files, its checksum.
    /// Returns the version; a file that fails gives an <see cref="InvalidDataException"/> naming it.
    /// </summary>
    public static int Verify(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"network file '{path}' does not exist", path);
        NetworkFile? file;
        try
        {
            file = JsonSerializer.Deserialize<NetworkFile>(Files.BoundedRead.Text(path, MaxFileBytes), Json);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"network file '{path}' is not valid JSON: {e.Message}");
        }
        if (file is null || file.FormatVersion is not (FormatVersion or UncheckedFormatVersion))
            throw new InvalidDataException($"network file '{path}' has format {file?.FormatVersion}, expected {FormatVersion}");
        if (file.FormatVersion == UncheckedFormatVersion)
            throw new InvalidDataException($"network file '{path}' is format {UncheckedFormatVersion}, which carries no checksum: save the board again");
        if (file.Checksum != Checksum(file))
            throw new InvalidDataException($"network file '{path}' fails its checksum (stored {file.Checksum ?? "none"}, computed {Checksum(file)}): the file is damaged or was edited");
        return file.FormatVersion;
    }

    /// <summary>Largest network file read (a 16-million-parameter network is about 200 MB of JSON).</summary>
    public const long MaxFileBytes = 256L * 1024 * 1024;

    private static MappedNetwork Parse(IDevice device, string text, string path, bool requireSameBoard)
    {
        NetworkFile? file;
        try
        {
            file = JsonSerializer.Deserialize<NetworkFile>(text, Json);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"network file '{path}' is not valid JSON: {e.Message}");
        }
        if (file is null || file.FormatVersion is not (FormatVersion or UncheckedFormatVersion))
            throw new InvalidDataException($"network file '{path}' has format {file?.FormatVersion}, expected {FormatVersion}");
        if (file.FormatVersion == FormatVersion && file.Checksum != Checksum(file))
            throw new InvalidDataException($"network file '{path}' fails its checksum (stored {file.Checksum ?? "none"}, computed {Checksum(file)}): the file is damaged or was edited");
        var d = device.Description;
        if (file.TileCount != d.TileCount || file.TileRows != d.Geometry.Rows || file.TileColumns != d.Geometry.Columns)
            throw new InvalidDataException($"network file '{path}' was laid out for {file.TileCount} tiles of {file.TileRows}x{file.TileColumns}; this board has {d.TileCount} of {d.Geometry}");
        if (requireSameBoard && (file.SerialNumber != d.SerialNumber || file.Kind != d.Kind))
            throw new InvalidDataException($"network file '{path}' belongs to board {file.Kind} #{file.SerialNumber}, not {d.Kind} #{d.SerialNumber}");
        try
        {
            var shape = new NetworkShape(file.Shape);
            var layers = file.Layers.Select(l => FromDto(l, d)).ToArray();
            var readouts = file.Readouts?.Select(r => r is null ? null : FromDto(r, d)).ToArray();
            var pulse = new PulseCalibration(file.Pulse.UpSiemens, file.Pulse.DownSiemens, file.Pulse.AmplitudeVolts, file.Pulse.WidthSeconds);
            // A network laid on an analog chain (its hidden layers are the board's own neurons) is read through that chain again.
            bool onChain = layers.Any(l => l.Activation == LayerActivation.BoardNeurons);
            if (onChain && !Chains.ChainMapper.HasChain(device))
                throw new ArgumentException($"it was laid on an analog chain and board {d.Kind} #{d.SerialNumber} describes none");
            var chain = onChain ? new Chains.ChainRouting((IAnalogChainDevice)device) : null;
            return new MappedNetwork(device, shape, layers, pulse, readouts is { Length: > 0 } ? readouts : null, file.ReadoutGroups, chain: chain);
        }
        catch (Exception e) when (e is ArgumentException or NullReferenceException or DeviceLimitException)
        {
            throw new InvalidDataException($"network file '{path}' is inconsistent: {e.Message}");
        }
    }

    private static LayerDto ToDto(MappedLayer l) => new(l.Name, l.Inputs, l.Outputs, l.Activation, l.WeightScale, l.InputRange, l.Bias,
        l.Blocks.Select(b => new BlockDto(b.Window.Tile, b.Window.Row0, b.Window.RowCount, b.Window.Column0, b.Window.ColumnCount, b.Pairs,
            b.InputStart, b.InputCount, b.OutputStart, b.OutputCount, b.ReadVolts, b.ColumnOffsetAmps, b.ColumnGain)).ToArray());

    private static MappedLayer FromDto(LayerDto l, DeviceDescription d)
    {
        var blocks = l.Blocks.Select(b =>
        {
            var window = new CrossbarWindow(b.Tile, b.Row0, b.Rows, b.Column0, b.Columns);
            window.Validate(d);
            var block = new LayerBlock(window, b.Pairs, b.InputStart, b.InputCount, b.OutputStart, b.OutputCount) { ReadVolts = b.ReadVolts };
            if (b.OffsetsAmps.Length != block.ColumnOffsetAmps.Length || b.Gains.Length != block.ColumnGain.Length)
                throw new ArgumentException($"block {window} has {b.OffsetsAmps.Length} offsets / {b.Gains.Length} gains for {block.ColumnGain.Length} columns");
            b.OffsetsAmps.CopyTo(block.ColumnOffsetAmps, 0);
            b.Gains.CopyTo(block.ColumnGain, 0);
            return block;
        }).ToArray();
        var layer = new MappedLayer(l.Name, l.Inputs, l.Outputs, l.Activation, blocks, l.WeightScale, l.InputRange);
        if (l.Bias.Length != layer.Outputs) throw new ArgumentException($"layer {l.Name} has {l.Bias.Length} biases for {layer.Outputs} outputs");
        l.Bias.CopyTo(layer.Bias, 0);
        return layer;
    }

    private sealed record NetworkFile(int FormatVersion, string SerialNumber, string Kind, int TileCount, int TileRows, int TileColumns,
        int[] Shape, int ReadoutGroups, PulseDto Pulse, LayerDto[] Layers, LayerDto?[]? Readouts, string? Checksum);

    private sealed record PulseDto(float UpSiemens, float DownSiemens, float AmplitudeVolts, float WidthSeconds);

    private sealed record LayerDto(string Name, int Inputs, int Outputs, LayerActivation Activation, float WeightScale, float InputRange,
        float[] Bias, BlockDto[] Blocks);

    private sealed record BlockDto(int Tile, int Row0, int Rows, int Column0, int Columns, PairOrientation Pairs, int InputStart, int InputCount,
        int OutputStart, int OutputCount, float ReadVolts, float[] OffsetsAmps, float[] Gains);
}
