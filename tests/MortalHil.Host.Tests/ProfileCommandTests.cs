namespace MortalHil.Host.Tests;

/// <summary><c>mortalhil profile check|wiring</c> on the example profiles.</summary>
[Collection(ConsoleOutputCollection.Name)]
public class ProfileCommandTests
{
    private static string Example(string name) => SafeStopTests.RepoFile("hardware", "MortalHil.Hardware", "Spi", "Profile", "Examples", name);

    private static (int Code, string Out, string Err) Run(params string[] args)
    {
        var (o, e) = (new StringWriter(), new StringWriter());
        var (oldOut, oldErr) = (Console.Out, Console.Error);
        Console.SetOut(o);
        Console.SetError(e);
        try { return (Program.Main(args), o.ToString(), e.ToString()); }
        finally
        {
            Console.SetOut(oldOut);
            Console.SetError(oldErr);
        }
    }

    [Fact]
    public void Wiring_puts_every_line_the_profile_uses_on_its_header_pin_and_names_the_overlays()
    {
        var (code, md, _) = Run("profile", "wiring", Example("pi-hat-8x4.json"));
        Assert.Equal(0, code);
        Assert.Contains("dtparam=spi=on", md);
        Assert.Contains("dtoverlay=spi1-1cs", md);
        Assert.Contains("| 24 | 8 | SPI0 CE0 | dacs[0] DAC8568 SYNC |", md);     // CE0 of SPI0 is header pin 24
        Assert.Contains("| 12 | 18 | SPI1 (auxiliary, spi-bcm2835aux) CE0 | adcs[0] MCP3208 CS/SHDN |", md);
        Assert.Contains("| 37 | 26 | GPIO out | pulse fire", md);
        Assert.Contains("| column 3 | adcs[0] MCP3208 | CH3", md);
    }

    [Fact]
    public void Check_accepts_the_examples_and_names_the_field_of_a_bad_profile()
    {
        Assert.Equal(0, Run("profile", "check", Example("pi-spi0-4x4.json")).Code);
        var bad = Path.Combine(Path.GetTempPath(), $"mh-bad-{Guid.NewGuid():N}.json");
        try
        {
            File.WriteAllText(bad, File.ReadAllText(Example("pi-spi0-4x4.json")).Replace("\"firePin\": 26", "\"firePin\": 10"));
            var (code, _, err) = Run("profile", "check", bad);
            Assert.Equal(2, code);
            Assert.StartsWith("error: ", err);
            Assert.Contains("pulse.firePin: GPIO 10", err); // SPI0's MOSI
        }
        finally { File.Delete(bad); }
    }
}
