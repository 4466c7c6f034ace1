using System.Reflection;
using MortalHil.Core.Files;
using MortalHil.Sim.Physics;
using MortalHil.Sim.Presets;

namespace MortalHil.Sim.Tests;

/// <summary>A board file defends itself: version, checksum, end marker, nothing after it, and no impossible values.</summary>
public class BoardFileDefenceTests
{
    private static byte[] SavedBoard(Action<TileCells>? tamper = null)
    {
        using var board = SimulatedBoard.Create(TestBoards.Small(BuiltInPresets.ReRam), "defence-1", 3);
        if (tamper is not null)
        {
            var tiles = (TileCells[])typeof(SimulatedBoard).GetField("_tiles", BindingFlags.NonPublic | BindingFlags.Instance)!.GetValue(board)!;
            tamper(tiles[0]);
        }
        using var memory = new MemoryStream();
        board.Save(memory);
        return memory.ToArray();
    }

    private static CorruptFileException Refused(byte[] bytes) =>
        Assert.Throws<CorruptFileException>(() => SimulatedBoard.Load(new MemoryStream(bytes), "test.board"));

    [Fact]
    public void A_board_saved_to_a_stream_loads_back_from_it()
    {
        var bytes = SavedBoard();
        using var loaded = SimulatedBoard.Load(new MemoryStream(bytes), "test.board");
        using var again = new MemoryStream();
        loaded.Save(again);
        Assert.Equal(bytes, again.ToArray());
    }

    [Fact]
    public void Every_single_flipped_bit_in_a_sample_of_positions_is_detected()
    {
        var bytes = SavedBoard();
        var rng = new Random(7);
        for (int k = 0; k < 200; k++)
        {
            var copy = (byte[])bytes.Clone();
            int at = k < 50 ? k : rng.Next(copy.Length);
            copy[at] ^= (byte)(1 << rng.Next(8));
            var e = Refused(copy);
            Assert.Contains("test.board", e.Message);
        }
    }

    [Fact]
    public void Trailing_garbage_is_refused()
    {
        var e = Refused([.. SavedBoard(), 0x00]);
        Assert.Contains("after the end", e.Message);
    }

    [Fact]
    public void A_truncated_file_is_refused()
    {
        var bytes = SavedBoard();
        foreach (int keep in new[] { 0, 10, 100, bytes.Length / 2, bytes.Length - 1 })
            Refused(bytes[..keep]);
    }

    [Fact]
    public void Negative_wear_is_refused_even_with_a_valid_checksum()
        => Assert.Contains("negative wear", Refused(SavedBoard(t => t.Wear[3] = -5)).Message);

    [Fact]
    public void A_nan_state_is_refused_even_with_a_valid_checksum()
        => Assert.Contains("non-finite", Refused(SavedBoard(t => t.W[0] = float.NaN)).Message);

    [Fact]
    public void A_version_one_file_asks_to_be_saved_again()
    {
        var bytes = SavedBoard();
        int versionAt = 1 + "MortalHil simulated board".Length;
        BitConverter.GetBytes(1).CopyTo(bytes, versionAt);
        Assert.Contains("version 1", Refused(bytes).Message);
    }

    [Fact]
    public void A_geometry_beyond_the_cell_limit_is_refused_before_allocation()
    {
        var huge = BuiltInPresets.ReRam with { Geometry = new GeometrySpec { Tiles = 64, Rows = 4096, Columns = 4096 } };
        var e = Assert.Throws<InvalidDataException>(() => DevicePresetValidator.Validate(huge));
        Assert.Contains("8,388,608", e.Message);
    }
}
