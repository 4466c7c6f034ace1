using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using MortalHil.Core.Live;
using MortalHil.Host;
using MortalHil.Host.Cli;

namespace MortalHil.Dashboard.Tests;

/// <summary>The page follows a run in this process as it happens: boards appear and a handover moves on, with no reload.</summary>
[Collection(BrowserCollection.Name)]
public sealed class LiveRunTests(Browser browser)
{
    private static readonly string Scenarios = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "../../../../../sim/scenarios"));

    [Fact]
    public async Task The_page_shows_the_boards_of_a_running_stress_run_and_its_handovers_move_on_without_a_reload()
    {
        await using var d = await TestDashboard.Start();
        var page = await browser.Open(d.Url + "/#boards");
        await page.WaitForSelectorAsync("#live-status:has-text('live:')");
        // A marker in the document: a reload would lose it.
        await page.EvaluateAsync("() => { window.sameDocument = true; }");

        var scenario = WriteShortScenario(d.Root);
        var outDir = Path.Combine(d.Allowed, "stress-short");
        var run = Task.Run(() =>
        {
            using var log = new LiveEventLog(d.Live, "stress", "stress (test)");
            int code;
            using (LiveEvents.Use(log))
                code = CliRunner.Run(Program.BuildRoot(), ["stress", scenario, "--out", outDir, "--boards", "2", "--seed", "3"]);
            log.Finish(code);
            return code;
        });

        // The boards of the run appear as their health is checked.
        var board = await page.WaitForSelectorAsync("tr.board-row[data-board*='every-fault-small-s3-L0']", new() { Timeout = 60_000 });
        Assert.Contains("live", await board!.InnerTextAsync());

        // A handover is seen while it distils, then retired (or failed, when the fault injection kills its student), in the same card.
        await page.EvaluateAsync("() => { location.hash = 'handovers'; }");
        var distilling = await page.WaitForSelectorAsync(".card.handover:has(.state.distilling)", new() { Timeout = 60_000 });
        var journal = await distilling!.GetAttributeAsync("data-journal");
        Assert.NotNull(journal);
        var card = $".card.handover[data-journal='{journal}']";
        await page.WaitForSelectorAsync($"{card}:has(.state.retired), {card}:has(.state.failed)", new() { Timeout = 60_000 });
        var queries = await page.InnerTextAsync($"{card} .queries");
        Assert.Matches(new Regex("^[1-9][0-9,]*$"), queries);

        Assert.Equal(0, await run);
        Assert.True(await page.EvaluateAsync<bool>("() => window.sameDocument === true"), "the page reloaded");

        // The finished run's output opens in the stress view, from inside the allowed folder.
        await page.EvaluateAsync($"() => {{ location.hash = 'stress?path=' + encodeURIComponent('stress-short'); }}");
        await page.WaitForSelectorAsync("#stress-report:not([hidden]) tr.stress-board");
        Assert.True(await page.Locator("tr.stress-board").CountAsync() >= 2);
        Assert.True(await page.EvaluateAsync<bool>("() => window.sameDocument === true"), "the page reloaded");
    }

    /// <summary>The every-fault scenario shortened to 3 years and 2 generations (seconds to run).</summary>
    internal static string WriteShortScenario(string dir)
    {
        var text = string.Join('\n', File.ReadAllLines(Path.Combine(Scenarios, "every-fault-small.json")).Where(l => !l.TrimStart().StartsWith("//", StringComparison.Ordinal)));
        var node = JsonNode.Parse(text)!;
        node["duration"] = new JsonObject { ["years"] = 3, ["max_generations"] = 2 };
        var file = Path.Combine(dir, "short.json");
        File.WriteAllText(file, node.ToJsonString());
        return file;
    }
}
