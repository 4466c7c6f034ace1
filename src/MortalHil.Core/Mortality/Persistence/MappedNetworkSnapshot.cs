using System.Text.Json;
using System.Text.Json.Serialization;
using MortalHil.Core.Devices;
using MortalHil.Core.Learning.Mapping;

namespace MortalHil.Core.Mortality.Persistence;

/// <summary>
/// The host side of a <see cref="MappedNetwork"/> as JSON: shape, where each block sits, scales,
/// ranges, read voltages, measured converter offsets and gains, biases and the measured pulse
/// response. The board holds the weights; this holds everything else, so the pair (board state,
/// snapshot) reopens the network exactly as it was. The snapshot names the board it belongs to and
/// refuses another.
/// </summary>
public static class MappedNetworkSnapshot
{
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = false, DefaultIgnoreCondition = JsonIgnoreCondition.Never };

    /// <summary>Serialises the host state of <paramref name="net"/>.</summary>
    public static byte[] Save(MappedNetwork net)
    {
        var dto = new NetworkDto
        {
            Format = "mortalhil-mapped-network/1",
            Serial = net.Description.SerialNumber,
            Kind = net.Description.Kind,
            Sizes = net.Shape.Sizes.ToArray(),
            Layers = net.Layers.Select(ToDto).ToArray(),
            LocalReadouts = net.LocalReadouts.Select(l => l is null ? null : ToDto(l)).ToArray(),
            ReadoutGroups = net.ReadoutGroups,
            Pulse = new PulseDto(net.Pulse.UpSiemens, net.Pulse.DownSiemens, net.Pulse.AmplitudeVolts, net.Pulse.WidthSeconds),
        };
        return JsonSerializer.SerializeToUtf8Bytes(dto, Json);
    }

    /// <summary>
    /// Reopens the network on <paramref name="device"/> from a snapshot. Throws <see cref="InvalidDataException"/>
    /// when the bytes are not a snapshot or belong to another board.
    /// </summary>
    public static MappedNetwork Load(IDevice device, ReadOnlySpan<byte> snapshot, PulseIdSource? ids = null)
    {
        NetworkDto dto;
        try { dto = JsonSerializer.Deserialize<NetworkDto>(snapshot, Json) ?? throw new InvalidDataException("empty network snapshot"); }
        catch (JsonException e) { throw new InvalidDataException($"not a mapped-network snapshot: {e.Message}", e); }
        if (dto.Format != "mortalhil-mapped-network/1") throw new InvalidDataException($"unknown network snapshot format '{dto.Format}'");
        var d = device.Description;
        if (dto.Serial != d.SerialNumber || dto.Kind != d.Kind)
            throw new InvalidDataException($"network snapshot belongs to board {dto.Kind} {dto.Serial}, not {d.Kind} {d.SerialNumber}");
        try
        {
            var layers = dto.Layers.Select(l => FromDto(l, d)).ToArray();
            var readouts = dto.LocalReadouts.Length == 0 ? null : dto.LocalReadouts.Select(l => l is null ? null : FromDto(l, d)).ToArray();
            var p = dto.Pulse;
            return new MappedNetwork(device, new NetworkShape(dto.Sizes), layers, new PulseCalibration(p.Up, p.Down, p.Volts, p.Width),
                readouts, dto.ReadoutGroups, ids);
        }
        catch (ArgumentException e) { throw new InvalidDataException($"network snapshot does not fit board {d.SerialNumber}: {e.Message}", e); }
    }

    /// <summary>Writes a snapshot file atomically (temp name, then rename).</summary>
    public static void SaveFile(MappedNetwork net, string path)
    {
        var tmp = path + ".tmp";
        File.WriteAllBytes(tmp, Save(net));
        File.Move(tmp, path, overwrite: true);
    }

    /// <summary>Reads a snapshot file for <paramref name="device"/>.</summary>
    public static MappedNetwork LoadFile(IDevice device, string path) => Load(device, File.ReadAllBytes(path));

    private static LayerDto ToDto(MappedLayer l) => new()
    {
        Name = l.Name, Inputs = l.Inputs, Outputs = l.Outputs, Activation = l.Activation.ToString(),
        WeightScale = l.WeightScale, InputRange = l.InputRange, Bias = l.Bias.ToArray(),
        Blocks = l.Blocks.Select(b => new BlockDto
        {
            Tile = b.Window.Tile, Row0 = b.Window.Row0, Rows = b.Window.RowCount, Column0 = b.Window.Column0, Columns = b.Window.ColumnCount,
            Pairs = b.Pairs.ToString(), InputStart = b.InputStart, InputCount = b.InputCount, OutputStart = b.OutputStart, OutputCount = b.OutputCount,
            ReadVolts = b.ReadVolts, ColumnOffsetAmps = b.ColumnOffsetAmps.ToArray(), ColumnGain = b.ColumnGain.ToArray(),
        }).ToArray(),
    };

    private static MappedLayer FromDto(LayerDto l, DeviceDescription d)
    {
        var blocks = l.Blocks.Select(b =>
        {
            var window = new CrossbarWindow(b.Tile, b.Row0, b.Rows, b.Column0, b.Columns);
            window.Validate(d);
            var block = new LayerBlock(window, Enum.Parse<PairOrientation>(b.Pairs), b.InputStart, b.InputCount, b.OutputStart, b.OutputCount)
            {
                ReadVolts = b.ReadVolts,
            };
            if (b.ColumnOffsetAmps.Length != block.ColumnOffsetAmps.Length || b.ColumnGain.Length != block.ColumnGain.Length)
                throw new ArgumentException($"block {window}: calibration has the wrong number of columns");
            b.ColumnOffsetAmps.CopyTo(block.ColumnOffsetAmps, 0);
            b.ColumnGain.CopyTo(block.ColumnGain, 0);
            return block;
        }).ToArray();
        var layer = new MappedLayer(l.Name, l.Inputs, l.Outputs, Enum.Parse<LayerActivation>(l.Activation), blocks, l.WeightScale, l.InputRange);
        if (l.Bias.Length != layer.Bias.Length) throw new ArgumentException($"layer {l.Name}: {l.Bias.Length} biases for {l.Outputs} outputs");
        l.Bias.CopyTo(layer.Bias, 0);
        return layer;
    }

    private sealed class NetworkDto
    {
        public string Format { get; set; } = "";
        public string Serial { get; set; } = "";
        public string Kind { get; set; } = "";
        public int[] Sizes { get; set; } = [];
        public LayerDto[] Layers { get; set; } = [];
        public LayerDto?[] LocalReadouts { get; set; } = [];
        public int ReadoutGroups { get; set; }
        public PulseDto Pulse { get; set; } = new(0, 0, 0, 0);
    }

    private sealed record PulseDto(float Up, float Down, float Volts, float Width);

    private sealed class LayerDto
    {
        public string Name { get; set; } = "";
        public int Inputs { get; set; }
        public int Outputs { get; set; }
        public string Activation { get; set; } = "";
        public float WeightScale { get; set; }
        public float InputRange { get; set; }
        public float[] Bias { get; set; } = [];
        public BlockDto[] Blocks { get; set; } = [];
    }

    private sealed class BlockDto
    {
        public int Tile { get; set; }
        public int Row0 { get; set; }
        public int Rows { get; set; }
        public int Column0 { get; set; }
        public int Columns { get; set; }
        public string Pairs { get; set; } = "";
        public int InputStart { get; set; }
        public int InputCount { get; set; }
        public int OutputStart { get; set; }
        public int OutputCount { get; set; }
        public float ReadVolts { get; set; }
        public float[] ColumnOffsetAmps { get; set; } = [];
        public float[] ColumnGain { get; set; } = [];
    }
}
