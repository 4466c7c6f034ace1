using MortalHil.Core.Randomness;
using MortalHil.Core.Devices;
using MortalHil.Core.Files;
using MortalHil.Sim.Persistence;
using MortalHil.Sim.Physics;
using MortalHil.Sim.Presets;
using MortalHil.Sim.Randomness;

namespace MortalHil.Sim;

public sealed partial class SimulatedBoard
{
    /// <summary>
    /// Writes the whole board (preset, hidden physics, conductances, wear, clock, recent pulse ids,
    /// random-generator state) to <paramref name="path"/>, atomically (<see cref="AtomicFile"/>). <see cref="Load(string)"/>
    /// gives back a board that behaves bit-identically from then on.
    /// </summary>
    public void Save(string path) => AtomicFile.Write(path, Save);

    /// <summary>Writes the board file (<see cref="BoardFileFormat"/>: version 2, XxHash64 checksum) to <paramref name="destination"/>.</summary>
    public void Save(Stream destination)
    {
        var hashing = new HashingStream(destination, writing: true);
        using (var w = new BinaryWriter(hashing, System.Text.Encoding.UTF8, leaveOpen: true))
        {
            w.Write(BoardFileFormat.Magic);
            w.Write(BoardFileFormat.Version);
            w.Write(DevicePresetJson.Serialize(_preset));
            w.Write(Description.SerialNumber);
            w.Write(_seed);
            w.Write(_clockTicks);
            w.Write(_readCount); w.Write(_measureCount); w.Write(_timeEpoch);
            var (s0, s1, s2, s3) = _pulseRng.State;
            w.Write(s0); w.Write(s1); w.Write(s2); w.Write(s3);
            w.Write(_totalPulses); w.Write(_totalReads); w.Write(_maxCellPulses);
            w.Write(_deathReason is not null);
            w.Write(_deathReason ?? "");
            var receipts = _ledger.InOrder.ToArray();
            w.Write(receipts.Length);
            foreach (var r in receipts) { w.Write(r.Id); w.Write(r.PulsesApplied); }
            foreach (var t in _tiles)
            {
                w.Write(t.Rows); w.Write(t.Columns);
                BoardFileFormat.WriteArray(w, t.WMin); BoardFileFormat.WriteArray(w, t.WMax);
                BoardFileFormat.WriteArray(w, t.DwUp); BoardFileFormat.WriteArray(w, t.DwDown);
                BoardFileFormat.WriteArray(w, t.NuDeviation); BoardFileFormat.WriteArray(w, t.Endurance);
                BoardFileFormat.WriteArray(w, t.AgeStuckSeconds);
                BoardFileFormat.WriteArray(w, t.W); BoardFileFormat.WriteArray(w, t.WriteNoise);
                BoardFileFormat.WriteArray(w, t.Stuck); BoardFileFormat.WriteArray(w, t.Flags);
                BoardFileFormat.WriteArray(w, t.Wear); BoardFileFormat.WriteArray(w, t.ProgrammedAt);
                BoardFileFormat.WriteArray(w, t.Nu);
                BoardFileFormat.WriteArray(w, t.ColumnGain); BoardFileFormat.WriteArray(w, t.ColumnOffsetAmps);
                BoardFileFormat.WriteArray(w, t.NeuronGain); BoardFileFormat.WriteArray(w, t.NeuronOffsetAmps);
            }
            w.Write(BoardFileFormat.EndMarker);
            w.Flush();
            hashing.Pause();
            w.Write(hashing.Hash);
        }
    }

    /// <summary>Loads a board written by <see cref="Save(string)"/>; a file that is not one, or is damaged, gives a <see cref="CorruptFileException"/> naming it.</summary>
    public static SimulatedBoard Load(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20);
        return Load(stream, path);
    }

    /// <summary>Loads a board file from <paramref name="source"/> (read to its end); <paramref name="name"/> names it in errors.</summary>
    public static SimulatedBoard Load(Stream source, string name)
    {
        var hashing = new HashingStream(source, writing: false);
        using var r = new BinaryReader(hashing, System.Text.Encoding.UTF8, leaveOpen: true);
        try
        {
            if (source.CanSeek && source.Length - source.Position < 64) throw new CorruptFileException(name, "is too short to be a saved simulated board");
            if (ReadShortString(r, 64) != BoardFileFormat.Magic) throw new CorruptFileException(name, "is not a saved simulated board");
            int version = r.ReadInt32();
            if (version != BoardFileFormat.Version)
                throw new CorruptFileException(name, $"board file version {version} is not supported (expected {BoardFileFormat.Version}{(version == 1 ? "; version 1 files carry no checksum: save the board again" : "")})");
            var preset = DevicePresetJson.Deserialize(ReadShortString(r, 1 << 20));
            long cells = (long)preset.Geometry.Tiles * preset.Geometry.Rows * preset.Geometry.Columns;
            // Before anything is allocated for the tiles: the file must hold at least a few bytes per cell.
            if (source.CanSeek && source.Length - source.Position < cells * 8)
                throw new CorruptFileException(name, $"holds {source.Length:N0} bytes, too few for the {cells:N0} cells its preset describes");
            string serial = ReadShortString(r, 4096);
            ulong seed = r.ReadUInt64();
            long clock = r.ReadInt64();
            ulong reads = r.ReadUInt64(), measures = r.ReadUInt64(), epoch = r.ReadUInt64();
            var rng = new Xoshiro256StarStar(r.ReadUInt64(), r.ReadUInt64(), r.ReadUInt64(), r.ReadUInt64());
            long totalPulses = r.ReadInt64(), totalReads = r.ReadInt64(), maxCell = r.ReadInt64();
            bool dead = r.ReadBoolean();
            string reason = ReadShortString(r, 1 << 16);
            int receiptCount = r.ReadInt32();
            if (receiptCount < 0 || receiptCount > PulseLedger.DefaultCapacity) throw new CorruptFileException(name, "corrupt pulse ledger");
            var receipts = new PulseReceipt[receiptCount];
            for (int i = 0; i < receiptCount; i++) receipts[i] = new PulseReceipt(r.ReadUInt64(), r.ReadInt64(), false);

            var tiles = new TileCells[preset.Geometry.Tiles];
            for (int ti = 0; ti < tiles.Length; ti++)
            {
                int rows = r.ReadInt32(), cols = r.ReadInt32();
                if (rows != preset.Geometry.Rows || cols != preset.Geometry.Columns) throw new CorruptFileException(name, $"tile {ti} is {rows}x{cols}, preset says {preset.Geometry.Rows}x{preset.Geometry.Columns}");
                var t = tiles[ti] = new TileCells(rows, cols);
                BoardFileFormat.ReadArrayInto(r, t.WMin, "w_min"); BoardFileFormat.ReadArrayInto(r, t.WMax, "w_max");
                BoardFileFormat.ReadArrayInto(r, t.DwUp, "dw_up"); BoardFileFormat.ReadArrayInto(r, t.DwDown, "dw_down");
                BoardFileFormat.ReadArrayInto(r, t.NuDeviation, "nu deviation"); BoardFileFormat.ReadArrayInto(r, t.Endurance, "endurance");
                BoardFileFormat.ReadArrayInto(r, t.AgeStuckSeconds, "age stuck");
                BoardFileFormat.ReadArrayInto(r, t.W, "state"); BoardFileFormat.ReadArrayInto(r, t.WriteNoise, "write noise");
                BoardFileFormat.ReadArrayInto(r, t.Stuck, "stuck"); BoardFileFormat.ReadArrayInto(r, t.Flags, "flags");
                BoardFileFormat.ReadArrayInto(r, t.Wear, "wear"); BoardFileFormat.ReadArrayInto(r, t.ProgrammedAt, "programmed at");
                BoardFileFormat.ReadArrayInto(r, t.Nu, "nu");
                BoardFileFormat.ReadArrayInto(r, t.ColumnGain, "column gain"); BoardFileFormat.ReadArrayInto(r, t.ColumnOffsetAmps, "column offset");
                BoardFileFormat.ReadArrayInto(r, t.NeuronGain, "neuron gain"); BoardFileFormat.ReadArrayInto(r, t.NeuronOffsetAmps, "neuron offset");
            }
            if (ReadShortString(r, 64) != BoardFileFormat.EndMarker) throw new CorruptFileException(name, "has no end marker where the board should end");
            ulong computed = hashing.Hash;
            hashing.Pause();
            ulong stored = r.ReadUInt64();
            if (stored != computed) throw new CorruptFileException(name, $"checksum mismatch (stored {stored:x16}, computed {computed:x16}): the file is damaged");
            Span<byte> extra = stackalloc byte[1];
            if (hashing.Read(extra) != 0) throw new CorruptFileException(name, "has bytes after the end of the board");
            if (clock < 0 || totalPulses < 0 || totalReads < 0 || maxCell < 0) throw new CorruptFileException(name, "holds a negative clock or counter");
            for (int ti = 0; ti < tiles.Length; ti++)
                if (BoardStateCheck.FirstProblem(tiles[ti]) is { } problem) throw new CorruptFileException(name, $"tile {ti}: {problem}");
            var board = new SimulatedBoard(preset, serial, seed, tiles)
            {
                _clockTicks = clock, _readCount = reads, _measureCount = measures, _timeEpoch = epoch, _pulseRng = rng,
                _totalPulses = totalPulses, _totalReads = totalReads, _maxCellPulses = maxCell,
                _deathReason = dead ? reason : null,
            };
            foreach (var receipt in receipts) board._ledger.Record(receipt);
            board.RefreshAll();
            return board;
        }
        catch (EndOfStreamException e)
        {
            throw new CorruptFileException(name, "saved board is truncated", e);
        }
        catch (InvalidDataException e)
        {
            throw new CorruptFileException(name, e.Message, e);
        }
        // A damaged byte can make any field undecodable before the checksum at the end is reached: a length prefix
        // that is not a 7-bit integer, text that is not JSON, a preset or state the simulator refuses.
        catch (Exception e) when (e is FormatException or System.Text.Json.JsonException or ArgumentException or OverflowException or System.Text.DecoderFallbackException)
        {
            throw new CorruptFileException(name, $"is damaged ({e.Message})", e);
        }
    }

    /// <summary>A length-prefixed string, refused if its length is above <paramref name="max"/> bytes (a damaged prefix must not allocate gigabytes).</summary>
    private static string ReadShortString(BinaryReader r, int max)
    {
        int length = r.Read7BitEncodedInt();
        if (length < 0 || length > max) throw new InvalidDataException($"a text field claims {length:N0} bytes (limit {max:N0})");
        var bytes = r.ReadBytes(length);
        if (bytes.Length != length) throw new EndOfStreamException();
        return System.Text.Encoding.UTF8.GetString(bytes);
    }
}
