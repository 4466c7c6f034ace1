using MortalHil.Core.Devices;
using MortalHil.Sim.Persistence;
using MortalHil.Sim.Physics;
using MortalHil.Sim.Presets;
using MortalHil.Sim.Randomness;

namespace MortalHil.Sim;

public sealed partial class SimulatedBoard
{
    /// <summary>
    /// Writes the whole board (preset, hidden physics, conductances, wear, clock, recent pulse ids,
    /// random-generator state) to <paramref name="path"/>, atomically. <see cref="Load"/> gives back a board
    /// that behaves bit-identically from then on.
    /// </summary>
    public void Save(string path)
    {
        string tmp = path + ".tmp";
        using (var stream = new FileStream(tmp, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20))
        using (var w = new BinaryWriter(stream))
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
        }
        File.Move(tmp, path, overwrite: true);
    }

    /// <summary>Loads a board written by <see cref="Save"/>. Throws <see cref="InvalidDataException"/> for a file that is not one.</summary>
    public static SimulatedBoard Load(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20);
        using var r = new BinaryReader(stream);
        try
        {
            if (r.ReadString() != BoardFileFormat.Magic) throw new InvalidDataException($"{path} is not a saved simulated board");
            int version = r.ReadInt32();
            if (version != BoardFileFormat.Version) throw new InvalidDataException($"{path}: board file version {version} is not supported (expected {BoardFileFormat.Version})");
            var preset = DevicePresetJson.Deserialize(r.ReadString());
            string serial = r.ReadString();
            ulong seed = r.ReadUInt64();
            long clock = r.ReadInt64();
            ulong reads = r.ReadUInt64(), measures = r.ReadUInt64(), epoch = r.ReadUInt64();
            var rng = new Xoshiro256(r.ReadUInt64(), r.ReadUInt64(), r.ReadUInt64(), r.ReadUInt64());
            long totalPulses = r.ReadInt64(), totalReads = r.ReadInt64(), maxCell = r.ReadInt64();
            bool dead = r.ReadBoolean();
            string reason = r.ReadString();
            int receiptCount = r.ReadInt32();
            if (receiptCount < 0 || receiptCount > PulseLedger.DefaultCapacity) throw new InvalidDataException($"{path}: corrupt pulse ledger");
            var receipts = new PulseReceipt[receiptCount];
            for (int i = 0; i < receiptCount; i++) receipts[i] = new PulseReceipt(r.ReadUInt64(), r.ReadInt64(), false);

            var tiles = new TileCells[preset.Geometry.Tiles];
            for (int ti = 0; ti < tiles.Length; ti++)
            {
                int rows = r.ReadInt32(), cols = r.ReadInt32();
                if (rows != preset.Geometry.Rows || cols != preset.Geometry.Columns) throw new InvalidDataException($"{path}: tile {ti} is {rows}x{cols}, preset says {preset.Geometry.Rows}x{preset.Geometry.Columns}");
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
            throw new InvalidDataException($"{path}: saved board is truncated", e);
        }
    }
}
