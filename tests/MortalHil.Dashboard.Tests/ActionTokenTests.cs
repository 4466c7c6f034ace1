using System.Net;
using System.Text;
using MortalHil.Core.Live;

namespace MortalHil.Dashboard.Tests;

/// <summary>Actions need the start-up token: without it, or with a wrong one, the page shows the refusal and nothing reaches the run.</summary>
[Collection(BrowserCollection.Name)]
public sealed class ActionTokenTests(Browser browser)
{
    private const string Token = "a-token-of-twenty-chars";

    [Fact]
    public async Task A_handover_request_is_refused_without_the_token_and_with_a_wrong_one_and_delivered_with_it()
    {
        await using var d = await TestDashboard.Start(Token);
        PublishBoard(d.Live, "sim/reram", "77");
        var requests = LiveDirectory.Requests(d.Live);
        var page = await browser.Open(d.Url + "/#boards");
        var button = "tr[data-board='sim/reram#77'] button.handover-action";
        await page.WaitForSelectorAsync(button);

        await page.ClickAsync(button);
        await page.WaitForSelectorAsync("#action-message.error:has-text('refused')");
        Assert.Contains("token", await page.InnerTextAsync("#action-message"));
        Assert.False(OperatorRequests.TryTake(requests, OperatorRequests.Handover, "sim/reram", "77"), "a request got through without the token");

        await page.FillAsync("#token", "not-the-token-at-all");
        await page.ClickAsync(button);
        await page.WaitForSelectorAsync("#action-message.error:has-text('wrong token')");
        Assert.False(OperatorRequests.TryTake(requests, OperatorRequests.Handover, "sim/reram", "77"), "a request got through with a wrong token");

        await page.FillAsync("#token", Token);
        await page.ClickAsync(button);
        await page.WaitForSelectorAsync("#action-message:not(.error):has-text('handover requested')");
        Assert.True(OperatorRequests.TryTake(requests, OperatorRequests.Handover, "sim/reram", "77"), "the request did not reach the live folder");
    }

    [Fact]
    public async Task A_dashboard_started_without_a_token_is_read_only()
    {
        await using var d = await TestDashboard.Start(token: null);
        PublishBoard(d.Live, "sim/reram", "78");
        var page = await browser.Open(d.Url + "/#boards");
        await page.WaitForSelectorAsync("#mode:has-text('read-only')");
        await page.FillAsync("#token", Token);
        await page.ClickAsync("tr[data-board='sim/reram#78'] button.handover-action");
        await page.WaitForSelectorAsync("#action-message.error:has-text('read-only')");

        using var http = new HttpClient();
        var r = await http.PostAsync(d.Url + "/api/actions/handover", new StringContent("{\"board_kind\":\"sim/reram\",\"serial\":\"78\"}", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.Forbidden, r.StatusCode);
        Assert.False(Directory.Exists(LiveDirectory.Requests(d.Live)) && Directory.EnumerateFiles(LiveDirectory.Requests(d.Live)).Any());
    }

    /// <summary>One health check of a board, published through a real live log as a run would.</summary>
    private static void PublishBoard(string live, string kind, string serial)
    {
        using var log = new LiveEventLog(live, "test", "test");
        log.Publish(new BoardHealthEvent { BoardKind = kind, Serial = serial, State = "serving", AgeHours = 1000, CanaryAccuracy = 0.9, StuckFraction = 0.01 });
        log.Finish(0);
    }
}
