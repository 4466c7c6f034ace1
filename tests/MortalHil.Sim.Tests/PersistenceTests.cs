using MortalHil.Core.Devices;
using MortalHil.Sim.Presets;

namespace MortalHil.Sim.Tests;

public class PersistenceTests
{
    [Theory]
    [InlineData("reram")]
    [InlineData("pcm")]
    public void Save_and_load_round_trip_the_board_bit_identically(string name)
    {
        var preset = TestBoards.Small(BuiltInPresets.Find(name)!);
        string path = Path.Combine(Path.GetTempPath(), $"mh-board-{name}-{Environment.ProcessId}.simboard");
        try
        {
            using var original = SimulatedBoard.Create(preset, "save-1", 3);
            DeterminismTests.Script(original, original.AdvanceTime, seed: 1); // wear it in
            original.Save(path);
            using var loaded = SimulatedBoard.Load(path);
            Assert.Equal(original.Description with { Capabilities = null! }, loaded.Description with { Capabilities = null! });
            Assert.Equal(original.Description.Capabilities.Activations, loaded.Description.Capabilities.Activations);
            Assert.Equal(original.Now, loaded.Now);
            // Same future: identical outputs, identical duplicates.
            var a = DeterminismTests.Script(original, original.AdvanceTime, seed: 2);
            var b = DeterminismTests.Script(loaded, loaded.AdvanceTime, seed: 2);
            for (int i = 0; i < a.Count; i++) Assert.Equal(a[i], b[i]);
            var w = CrossbarWindow.Whole(0, loaded.Description.Geometry);
            Assert.True(loaded.ApplyCellPulses(TestBoards.Nominal(loaded, 100), w, new short[w.CellCount]).Duplicate);
            Assert.Equal(original.ReadHealth(), loaded.ReadHealth());
        }
        finally { File.Delete(path); }
    }

    [Fact]
    public void A_file_that_is_not_a_board_is_refused()
    {
        string path = Path.Combine(Path.GetTempPath(), $"mh-notaboard-{Environment.ProcessId}.simboard");
        try
        {
            File.WriteAllText(path, "hello");
            Assert.Throws<MortalHil.Core.Files.CorruptFileException>(() => SimulatedBoard.Load(path));
        }
        finally { File.Delete(path); }
    }
}
