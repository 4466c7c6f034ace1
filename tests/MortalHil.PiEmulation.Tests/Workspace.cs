using System.Text.Json.Nodes;

namespace MortalHil.PiEmulation.Tests;

/// <summary>
/// Small inputs for the emulated runs (emulation is 14-30x slower, so boards and data are small) and the
/// x86-64 reference characterization they are compared with.
/// </summary>
public sealed class Workspace : IDisposable
{
    private readonly Lazy<JsonObject> _nativeCharacterization;

    public Workspace()
    {
        Root = Path.Combine(Path.GetTempPath(), $"mortalhil-pi-{Guid.NewGuid():N}");
        Directory.CreateDirectory(Root);
        // One 64x32 tile of the reram preset (its noise, stuck cells and asymmetry, so there is something to measure).
        CharacterizePreset = Path.Combine(Root, "reram-64x32.json");
        File.WriteAllText(CharacterizePreset, """{"base": "reram", "name": "reram-pi-ci", "geometry": {"tiles": 1, "rows": 64, "columns": 32}}""");
        TrainPreset = Path.Combine(Root, "reram-2x64x64.json");
        File.WriteAllText(TrainPreset, """{"base": "reram", "name": "reram-pi-train", "geometry": {"tiles": 2, "rows": 64, "columns": 64}}""");
        Data = StripeImages.Write(Path.Combine(Root, "data"));
        _nativeCharacterization = new(() => Characterization(PiBuild.Native(), $"sim:{CharacterizePreset}:42", "native-characterize"));
    }

    public string Root { get; }
    public string CharacterizePreset { get; }
    public string TrainPreset { get; }
    public string Data { get; }

    /// <summary>characterize.json of the x86-64 host on the characterization preset, serial 42.</summary>
    public JsonObject NativeCharacterization => (JsonObject)_nativeCharacterization.Value.DeepClone();

    public string Dir(string name) => Path.Combine(Root, name);

    /// <summary>Runs <c>characterize</c> with <paramref name="host"/> into DIR/<paramref name="outName"/> and returns its report.</summary>
    public JsonObject Characterization(HostProcess host, string board, string outName)
    {
        var run = host.Run(TimeSpan.FromMinutes(5), "characterize", "--board", board, "--out", Dir(outName));
        Assert.True(run.ExitCode == 0, $"{host.Description} characterize --board {board}: {run}");
        return JsonNode.Parse(File.ReadAllText(Path.Combine(Dir(outName), "characterize.json")))!.AsObject();
    }

    public void Dispose()
    {
        try { Directory.Delete(Root, true); } catch (IOException) { }
    }
}
