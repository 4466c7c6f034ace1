using System.Text.Json.Nodes;
using MortalHil.Hardware.Spi.Profile;

namespace MortalHil.Hardware.Tests.Spi;

public class ProfileValidationTests
{
    private static readonly string ExamplePath = Path.Combine(AppContext.BaseDirectory, "profiles", "pi-hat-8x4.json");

    private static JsonNode Example() => JsonNode.Parse(File.ReadAllText(ExamplePath), documentOptions: new() { CommentHandling = System.Text.Json.JsonCommentHandling.Skip })!;

    [Fact]
    public void The_example_profile_is_valid() => Assert.Equal(8, SpiBoardProfileJson.Load(ExamplePath).Rows);

    [Theory]
    [InlineData("readFullScaleVolts", "0.25", "readFullScaleVolts")]              // past the safe read limit 0.2 V
    [InlineData("limits.maxReadVolts", "0.5", "readFullScaleVolts")]              // with readFullScaleVolts 0.21 (below): past the DACs' ±0.2 V
    [InlineData("rowDriver.gain", "0.05", "readFullScaleVolts")]                  // DACs now reach only ±0.125 V
    [InlineData("rowDriver.offsetVolts", "5.5", "rowDriver.offsetVolts")]         // past 2 x 2.5 V reference
    [InlineData("limits.maxPulseVolts", "6", "limits.maxPulseVolts")]             // pulse DAC reaches 5 V x 1
    [InlineData("dacs.0.referenceVolts", "3", "dacs[0].referenceVolts")]          // internal reference is 2.5 V
    [InlineData("adcs.0.referenceVolts", "6", "adcs[0].referenceVolts")]          // past the 5 V supply
    [InlineData("columnAmplifier.offsetVolts", "3.5", "columnAmplifier.offsetVolts")] // past the ADC's 3.3 V reference
    [InlineData("measureVolts", "0.3", "measureVolts")]
    [InlineData("nominalPulseVolts", "3.5", "nominalPulseVolts")]
    [InlineData("supplyVolts", "12", "supplyVolts")]
    [InlineData("dacs.0.chip", "\"AD9999\"", "dacs[0].chip")]
    [InlineData("rowChannels.7.channel", "9", "rowChannels[7]")]
    [InlineData("selection.columnPins.0", "5", "selection")]                      // pin 5 already selects row 0
    [InlineData("pulse.amplitudeChannel.chip", "0", "pulse.amplitudeChannel")]     // channel 0 of DAC 0 drives row 0
    public void A_profile_past_a_chip_or_safe_limit_is_refused_naming_the_field(string path, string value, string field)
    {
        var json = Example();
        var parts = path.Split('.');
        JsonNode node = json;
        foreach (var part in parts[..^1]) node = int.TryParse(part, out int i) ? node[i]! : node[part]!;
        var leaf = JsonNode.Parse(value);
        if (int.TryParse(parts[^1], out int index)) node[index] = leaf; else node[parts[^1]] = leaf;
        if (path == "limits.maxReadVolts") json["readFullScaleVolts"] = 0.21; // within the raised safe limit, past what the DACs reach
        var e = Assert.Throws<InvalidDataException>(() => SpiBoardProfileJson.Parse(json.ToJsonString(), "test.json"));
        Assert.StartsWith("test.json: ", e.Message);
        Assert.Contains(field, e.Message);
    }

    [Fact]
    public void A_misspelt_field_is_an_error_not_a_silently_missing_limit()
    {
        var json = Example();
        json["limits"]!["maxReadVolt"] = 0.1;
        var e = Assert.Throws<InvalidDataException>(() => SpiBoardProfileJson.Parse(json.ToJsonString(), "test.json"));
        Assert.Contains("maxReadVolt", e.Message);
    }
}
