using System.Net;
using System.Text.Json.Nodes;

namespace MortalHil.Dashboard.Tests;

/// <summary>A stress output may be opened only from inside the folders given on the command line.</summary>
[Collection(BrowserCollection.Name)]
public sealed class PathTests(Browser browser)
{
    [Fact]
    public async Task Paths_outside_the_allowed_folders_are_refused_and_paths_inside_open()
    {
        await using var d = await TestDashboard.Start();
        var outside = Path.Combine(d.Root, "outside");
        WriteStressOutput(outside);
        WriteStressOutput(Path.Combine(d.Allowed, "inside"));
        File.CreateSymbolicLink(Path.Combine(d.Allowed, "link-out"), outside);
        var page = await browser.Open(d.Url + "/#stress");

        foreach (var refused in new[] { "../outside", outside, "link-out", "inside/../../outside", "/etc" })
        {
            await page.FillAsync("#stress-path", refused);
            await page.ClickAsync("#stress-form button");
            await page.WaitForSelectorAsync("#stress-error:not([hidden])");
            Assert.Contains("outside the directories", await page.InnerTextAsync("#stress-error"));
            Assert.True(await page.IsHiddenAsync("#stress-report"), $"'{refused}' opened");
            await page.EvaluateAsync("() => { location.hash = 'stress'; document.querySelector('#stress-error').hidden = true; }");
        }

        await page.FillAsync("#stress-path", "inside");
        await page.ClickAsync("#stress-form button");
        await page.WaitForSelectorAsync("#stress-report:not([hidden]) tr.stress-board");
        Assert.Equal(2, await page.Locator("tr.stress-board").CountAsync());

        using var http = new HttpClient();
        var r = await http.GetAsync(d.Url + "/api/stress?path=" + Uri.EscapeDataString("../outside"));
        Assert.Equal(HttpStatusCode.Forbidden, r.StatusCode);
        r = await http.GetAsync(d.Url + "/api/runs?limit=-1");
        Assert.Equal(HttpStatusCode.BadRequest, r.StatusCode);
        r = await http.GetAsync(d.Url + "/api/runs/abc/curve");
        Assert.Equal(HttpStatusCode.BadRequest, r.StatusCode);
    }

    /// <summary>A minimal stress output: two boards of one lineage.</summary>
    private static void WriteStressOutput(string dir)
    {
        Directory.CreateDirectory(dir);
        File.WriteAllText(Path.Combine(dir, "stress.json"), new JsonObject
        {
            ["scenario"] = new JsonObject { ["name"] = "two-boards", ["fleet_size"] = 1, ["simulated_years"] = 2 },
            ["metrics"] = new JsonObject { ["total"] = new JsonObject { ["service_availability"] = 0.9, ["handovers"] = new JsonObject { ["started"] = 1, ["completed"] = 1 } } },
        }.ToJsonString());
        File.WriteAllText(Path.Combine(dir, "lineages.json"), new JsonObject
        {
            ["seeds"] = new JsonArray(new JsonObject
            {
                ["seed"] = 1,
                ["lineages"] = new JsonArray(new JsonObject
                {
                    ["lineage"] = 0,
                    ["boards"] = new JsonArray(
                        new JsonObject { ["generation"] = 0, ["serial"] = "a", ["preset"] = "reram", ["origin"] = "trained_from_labels", ["accuracy_at_start"] = 0.95 },
                        new JsonObject { ["generation"] = 1, ["serial"] = "b", ["preset"] = "reram", ["origin"] = "distilled", ["accuracy_at_start"] = 0.93 }),
                    ["handovers"] = new JsonArray(),
                }),
            }),
        }.ToJsonString());
    }
}
