using System.Text.Json.Nodes;
using MortalHil.Sim.Presets;

namespace MortalHil.Sim.Tests;

public class PresetJsonTests
{
    public static TheoryData<string> Presets => new(BuiltInPresets.Names);

    [Theory]
    [MemberData(nameof(Presets))]
    public void Preset_json_round_trips(string name)
    {
        var preset = BuiltInPresets.Find(name)!;
        string json = DevicePresetJson.Serialize(preset);
        var back = DevicePresetJson.Deserialize(json);
        Assert.Equal(json, DevicePresetJson.Serialize(back));
        Assert.Equal(preset.Pulse, back.Pulse);
        Assert.Equal(preset.Drift, back.Drift);
        Assert.Equal(preset.Neurons.Activations, back.Neurons.Activations);
    }

    [Fact]
    public void A_preset_file_round_trips_through_disk()
    {
        string path = Path.Combine(Path.GetTempPath(), $"mh-preset-{Environment.ProcessId}.json");
        try
        {
            DevicePresetJson.Save(BuiltInPresets.Pcm, path);
            Assert.Equal(DevicePresetJson.Serialize(BuiltInPresets.Pcm), DevicePresetJson.Serialize(DevicePresetJson.Load(path)));
        }
        finally { File.Delete(path); }
    }

    private static string Mutate(Action<JsonObject> change)
    {
        var node = JsonNode.Parse(DevicePresetJson.Serialize(BuiltInPresets.ReRam))!.AsObject();
        change(node);
        return node.ToJsonString();
    }

    [Theory]
    [InlineData("pulse", "dw_min", -1.0, "preset field 'pulse.dw_min' must be > 0 (got -1)")]
    [InlineData("adc", "bits", 40.0, "preset field 'adc.bits'")]
    [InlineData("conductance", "g_max_microsiemens", 1.0, "preset field 'conductance.g_max_microsiemens'")]
    [InlineData("stuck", "fraction", 1.5, "preset field 'stuck.fraction'")]
    [InlineData("drift", "t0_seconds", 0.0, "preset field 'drift.t0_seconds'")]
    public void An_out_of_range_field_is_refused_by_name(string section, string field, double value, string expected)
    {
        string json = Mutate(n => n[section]![field] = value);
        var e = Assert.Throws<InvalidDataException>(() => DevicePresetJson.Deserialize(json));
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void A_missing_field_is_refused_by_name()
    {
        string json = Mutate(n => n["pulse"]!.AsObject().Remove("up_down"));
        var e = Assert.Throws<InvalidDataException>(() => DevicePresetJson.Deserialize(json));
        Assert.Contains("up_down", e.Message);
    }

    [Fact]
    public void An_unknown_field_is_refused_by_name()
    {
        string json = Mutate(n => n["read"]!["nosie_rel"] = 0.1);
        var e = Assert.Throws<InvalidDataException>(() => DevicePresetJson.Deserialize(json));
        Assert.Contains("nosie_rel", e.Message);
    }

    [Fact]
    public void A_field_of_the_wrong_type_is_refused_by_name()
    {
        string json = Mutate(n => n["dac"]!["bits"] = "seven");
        var e = Assert.Throws<InvalidDataException>(() => DevicePresetJson.Deserialize(json));
        Assert.Contains("dac.bits", e.Message);
    }

    [Fact]
    public void Malformed_json_is_refused()
        => Assert.Throws<InvalidDataException>(() => DevicePresetJson.Deserialize("{ \"name\": \"x\", "));

    [Fact]
    public void An_unknown_activation_is_refused_by_name()
    {
        string json = Mutate(n => n["neurons"]!["activations"] = new JsonArray("relu", "sigmoid"));
        var e = Assert.Throws<InvalidDataException>(() => DevicePresetJson.Deserialize(json));
        Assert.Contains("neurons.activations[1]", e.Message);
    }
}
