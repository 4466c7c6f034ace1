using System.Text.Json.Nodes;
using MortalHil.Stress.Scenarios;

namespace MortalHil.Sim.Tests.Stress;

public class ScenarioLoaderTests
{
    public static TheoryData<string> ExampleFiles()
    {
        var data = new TheoryData<string>();
        foreach (var f in Directory.GetFiles(StressScenarios.Folder, "*.json").Order()) data.Add(Path.GetFileName(f));
        return data;
    }

    [Theory]
    [MemberData(nameof(ExampleFiles))]
    public void Every_example_scenario_loads(string file)
    {
        var s = ScenarioLoader.Load(Path.Combine(StressScenarios.Folder, file));
        Assert.True(s.FleetSize >= 1);
        Assert.NotEmpty(s.Seeds);
    }

    [Fact]
    public void Defaults_fill_what_a_minimal_file_leaves_out()
    {
        var s = StressScenarios.Parse("""{ "name": "m", "seeds": [1], "duration": { "years": 1 }, "fleet": { "size": 2 }, "devices": { "presets": [ { "preset": "ideal" } ], "geometry": { "tiles": 1, "rows": 32, "columns": 32 } } }""");
        Assert.Null(s.Spares.InitialStock);
        Assert.Equal(4, s.Policy.Temperature);
        Assert.Equal(1.0, s.Devices.Presets[0].Share);
        Assert.Equal(0, s.Faults.Link.ErrorRate);
    }

    /// <summary>Applies <paramref name="edit"/> to the tiny scenario and returns the loader's error.</summary>
    private static ScenarioFieldException ErrorAfter(Action<JsonObject> edit)
    {
        var node = JsonNode.Parse(StressScenarios.TinyEveryFault)!.AsObject();
        edit(node);
        return Assert.Throws<ScenarioFieldException>(() => StressScenarios.Parse(node.ToJsonString()));
    }

    [Fact]
    public void A_fleet_of_zero_boards_is_refused_naming_the_field()
    {
        var e = ErrorAfter(n => n["fleet"]!["size"] = 0);
        Assert.Equal("scenario field 'fleet.size' must be >= 1 (got 0)", e.Message);
    }

    [Theory]
    [InlineData("fleet", "size", "fleet.size", "is required")]
    [InlineData("duration", "years", "duration.years", "is required")]
    public void A_missing_required_field_is_named(string section, string key, string field, string problem)
    {
        var e = ErrorAfter(n => n[section]!.AsObject().Remove(key));
        Assert.Equal(field, e.Field);
        Assert.Contains(problem, e.Message);
    }

    [Fact]
    public void An_unknown_field_is_named_with_its_path()
    {
        var e = ErrorAfter(n => n["faults"]!["host_crashes"]!["per_hour"] = 3);
        Assert.Equal("faults.host_crashes.per_hour", e.Field);
        Assert.Contains("not a known field", e.Message);
    }

    [Fact]
    public void A_value_of_the_wrong_type_is_named()
    {
        var e = ErrorAfter(n => n["fleet"]!["size"] = "ten");
        Assert.Equal("fleet.size", e.Field);
        Assert.Contains("whole number", e.Message);
    }

    [Theory]
    [InlineData("faults.teacher_death_mid_handover", 1.5)]
    [InlineData("faults.link.error_rate", -0.1)]
    [InlineData("spares.provisioning_delay_hours", -1)]
    [InlineData("policy.temperature", 0)]
    [InlineData("hazards.weibull_lifetime.shape", 0)]
    [InlineData("duration.years", 0)]
    public void An_out_of_range_number_is_refused_naming_the_field(string path, double value)
    {
        var e = ErrorAfter(n =>
        {
            var parts = path.Split('.');
            JsonNode node = n;
            foreach (var p in parts[..^1]) node = node[p] ??= new JsonObject();
            node[parts[^1]] = value;
        });
        Assert.Equal(path, e.Field);
        Assert.Single(e.Message.Split('\n'));
    }

    [Fact]
    public void An_unknown_preset_is_named()
    {
        var e = ErrorAfter(n => n["devices"]!["presets"]![0]!["preset"] = "rerram");
        Assert.Equal("devices.presets[0].preset", e.Field);
        Assert.Contains("rerram", e.Message);
    }

    [Fact]
    public void Tiles_too_small_for_the_network_are_refused()
    {
        var e = ErrorAfter(n => n["devices"]!["geometry"] = new JsonObject { ["tiles"] = 1, ["rows"] = 4, ["columns"] = 4 });
        Assert.Equal("devices.geometry", e.Field);
    }

    [Fact]
    public void A_restock_batch_without_a_period_is_refused()
    {
        var e = ErrorAfter(n => n["spares"]!.AsObject().Remove("restock_every_days"));
        Assert.Equal("spares.restock_every_days", e.Field);
    }

    [Fact]
    public void A_repeated_seed_is_refused()
    {
        var e = ErrorAfter(n => n["seeds"] = new JsonArray(3, 3));
        Assert.Equal("seeds[1]", e.Field);
    }

    [Fact]
    public void A_file_error_names_the_file_and_the_field()
    {
        string path = Path.Combine(Path.GetTempPath(), $"bad-scenario-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, StressScenarios.TinyEveryFault.Replace("\"size\": 3", "\"size\": 0"));
        try
        {
            var e = Assert.Throws<ScenarioFieldException>(() => ScenarioLoader.Load(path));
            Assert.Equal($"{path}: scenario field 'fleet.size' must be >= 1 (got 0)", e.Message);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Malformed_json_is_reported_as_a_scenario_error()
    {
        Assert.Throws<ScenarioFieldException>(() => StressScenarios.Parse("{ \"name\": "));
    }
}
