using Microsoft.Playwright;

namespace MortalHil.Dashboard.Tests;

/// <summary>
/// Debian's headless Chromium driven by Playwright (its own browser download is not reachable here, so it is pointed at
/// the system binary). Missing Chromium fails the tests with the command that installs it.
/// </summary>
public sealed class Browser : IAsyncLifetime
{
    public const string Chromium = "/usr/bin/chromium";

    private IPlaywright? _playwright;

    public IBrowser Instance { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        if (!File.Exists(Chromium))
            throw new InvalidOperationException($"the browser tests need Debian's chromium at {Chromium}: apt-get install -y chromium (.ci/run installs it)");
        _playwright = await Playwright.CreateAsync();
        Instance = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions { Headless = true, ExecutablePath = Chromium });
    }

    public async Task<IPage> Open(string url)
    {
        var page = await Instance.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1400, Height = 1000 } });
        page.SetDefaultTimeout(30_000);
        await page.GotoAsync(url);
        return page;
    }

    public async Task DisposeAsync()
    {
        if (Instance is not null) await Instance.CloseAsync();
        _playwright?.Dispose();
    }
}

[CollectionDefinition(Name)]
public sealed class BrowserCollection : ICollectionFixture<Browser>
{
    public const string Name = "browser";
}
