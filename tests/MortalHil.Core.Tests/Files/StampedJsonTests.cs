using System.Text.Json.Nodes;
using MortalHil.Core.Files;

namespace MortalHil.Core.Tests.Files;

public sealed class StampedJsonTests
{
    private const string Body = """{"accuracy": 0.9123, "name": "np ü <x>", "curve": [1, 2.5e-7, -3], "nested": {"a": null}}""";

    [Fact]
    public void A_stamped_result_states_its_kind_and_version_first_and_its_checksum_last_and_verifies()
    {
        string text = StampedJson.Stamp(Body, "train", 3);
        var o = (JsonObject)JsonNode.Parse(text)!;
        var names = o.Select(p => p.Key).ToArray();
        Assert.Equal("format", names[0]);
        Assert.Equal("checksum", names[^1]);
        Assert.Equal(0.9123, o["accuracy"]!.GetValue<double>());
        Assert.Equal(("train", 3), StampedJson.Verify(text));
    }

    [Fact]
    public void Reindenting_keeps_the_checksum_and_any_changed_value_breaks_it()
    {
        string text = StampedJson.Stamp(Body, "demo", 1);
        string compact = JsonNode.Parse(text)!.ToJsonString();
        Assert.Equal(("demo", 1), StampedJson.Verify(compact));
        foreach (var (from, to) in new[] { ("0.9123", "0.9124"), ("\"demo\"", "\"train\""), ("2.5e-7", "2.5e-8"), ("null", "0") })
        {
            Assert.Contains(from, text);
            var e = Assert.Throws<InvalidDataException>(() => StampedJson.Verify(text.Replace(from, to)));
            Assert.Contains("checksum", e.Message);
        }
    }

    [Theory]
    [InlineData("""{"accuracy": 1}""")]
    [InlineData("""{"format": {"kind": "x", "version": 1}}""")]
    [InlineData("[1, 2]")]
    [InlineData("{\"format\": ")]
    [InlineData("""{"format": {"kind": "x", "version": 1.5}, "checksum": "xxh64:0"}""")]
    [InlineData("""{"format": {"kind": "x", "version": -1}, "checksum": "xxh64:0"}""")]
    public void Unstamped_or_broken_documents_are_refused(string text) =>
        Assert.Throws<InvalidDataException>(() => StampedJson.Verify(text));

    [Fact]
    public void A_body_that_already_has_a_format_or_checksum_property_is_a_programming_error()
    {
        Assert.Throws<ArgumentException>(() => StampedJson.Stamp("""{"checksum": 1}""", "x", 1));
        Assert.Throws<ArgumentException>(() => StampedJson.Stamp("[]", "x", 1));
    }
}
