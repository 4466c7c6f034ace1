using MortalHil.Core.Learning.Mapping;
using MortalHil.Core.Mortality.Lifecycle;
using MortalHil.Host.Commands.Mortality;
using MortalHil.Sim;
using MortalHil.Sim.Presets;

namespace MortalHil.Host.Tests.Mortality;

/// <summary>
/// Shared by the mortality command tests: a synthetic IDX dataset, a small-board preset (the ideal
/// physics on 2 tiles of 64x64, so board files are small), and a teacher trained on it and saved as
/// simfile + network.
/// </summary>
public sealed class MortalityFixture : IDisposable
{
    public MortalityFixture()
    {
        Root = Directory.CreateTempSubdirectory("mh-mortality-").FullName;
        DataDir = Path.Combine(Root, "data");
        SyntheticIdx.Write(DataDir, train: 3000, test: 600, seed: 11);
        PresetFile = Path.Combine(Root, "tiny.json");
        File.WriteAllText(PresetFile, DevicePresetJson.Serialize(BuiltInPresets.Ideal with
        {
            Name = "tiny-ideal",
            Geometry = new GeometrySpec { Tiles = 2, Rows = 64, Columns = 64 },
        }));
        AgeingPresetFile = Path.Combine(Root, "tiny-ageing.json");
        File.WriteAllText(AgeingPresetFile, DevicePresetJson.Serialize(AgeingPreset));
        TeacherFile = Path.Combine(Root, "teacher.board");
        var data = MnistForBoards.Load("idx:" + DataDir, 4, null, TextWriter.Null);
        var board = SimulatedBoard.Create(DevicePresetJson.Load(PresetFile), "T1");
        var net = OnChipTraining.Map(board, NetworkShape.Parse("49-16-10"), "np", data.Train.Pixels, 128, 1);
        var trainer = OnChipTraining.Trainer("np", OnChipTraining.Settings("np", 1, 1f, 0.3f));
        OnChipTraining.TrainOnLabels(net, trainer, data.Train, 2000, 400, 16, 1);
        TeacherAccuracy = Core.Mortality.Ports.ClassifierEvaluation.Accuracy(net, MnistForBoards.Labelled(data.Test, 0, 600));
        BoardBundle.Save(board, net, TeacherFile);
    }

    public string Root { get; }
    public string DataDir { get; }
    public string PresetFile { get; }
    /// <summary>A preset file of <see cref="AgeingPreset"/>.</summary>
    public string AgeingPresetFile { get; }

    /// <summary>
    /// Ideal physics (no noise, so every measurement is exact) on small tiles, with ageing on: 3 % of cells
    /// stick per year, no sudden death, the board dies when half its cells are stuck (about 23 years).
    /// </summary>
    public static DevicePreset AgeingPreset { get; } = BuiltInPresets.Ideal with
    {
        Name = "tiny-ageing",
        Geometry = new GeometrySpec { Tiles = 2, Rows = 64, Columns = 64 },
        Ageing = BuiltInPresets.Ideal.Ageing with
        {
            Enabled = true, StuckPerCellPerYear = 0.03, LifetimeYears = 0, LifetimeShape = 1, DeadStuckFraction = 0.5,
        },
    };
    public string TeacherFile { get; }
    public double TeacherAccuracy { get; }
    public string StudentSpec(string serial) => $"sim:{PresetFile}:{serial}";

    /// <summary>Arguments of a small, fast handover into <paramref name="dir"/>.</summary>
    public string[] HandoverArgs(string dir, string journal, params string[] extra) =>
    [
        "handover", "--teacher", "simfile:" + TeacherFile, "--student", StudentSpec("7"), "--journal", journal, "--out", dir,
        "--dataset", "idx:" + DataDir, "--transfer", "256", "--query-batch", "32", "--steps", "240", "--steps-per-round", "12",
        "--batch", "16", "--evaluate-every", "5", "--canary", "100", "--test", "600", "--lr", "0.3", "--temperature", "2",
        // A student of 240 steps on 256 examples gets within 20 points of this small teacher, not within the default 1.
        "--knowledge-budget", "0.2", .. extra,
    ];

    /// <summary>The built mortalhil program, run as a child process the way a user runs it.</summary>
    public static System.Diagnostics.ProcessStartInfo Child(IEnumerable<string> args)
    {
        var psi = new System.Diagnostics.ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, UseShellExecute = false,
        };
        psi.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "mortalhil.dll"));
        foreach (var a in args) psi.ArgumentList.Add(a);
        return psi;
    }

    public void Dispose()
    {
        try { Directory.Delete(Root, recursive: true); } catch (IOException) { }
    }
}
