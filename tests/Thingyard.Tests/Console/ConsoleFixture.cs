// A real server and a real browser for console tests: Debian's Chromium (/usr/bin/chromium, or THINGYARD_CHROMIUM)
// driven by Playwright through its executable path, so nothing is downloaded. One server and browser per test class;
// each test gets its own browser context (its own cookies).
using Microsoft.Playwright;
using Thingyard.Tests.Infrastructure;

namespace Thingyard.Tests.Console;

public class ConsoleFixture : IAsyncLifetime
{
    public const string AdminUser = "admin";
    public const string AdminPassword = "admin-password-0001";

    public ThingyardServer Server { get; } = new();
    IPlaywright? _playwright;
    public IBrowser Browser { get; private set; } = null!;

    public static string ChromiumPath => Environment.GetEnvironmentVariable("THINGYARD_CHROMIUM") is { Length: > 0 } p ? p : "/usr/bin/chromium";

    public virtual async Task InitializeAsync()
    {
        Server.Settings["Thingyard:Admin:Password"] = AdminPassword;
        await Server.InitializeAsync();
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            // No sandbox (CI runs as root); nothing of the browser's own reaches out to the network.
            Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"],
        });
    }

    /// <summary>A fresh browser context (no cookies) and page, at the given viewport width.</summary>
    public async Task<IPage> NewPageAsync(int width = 1280, int height = 900)
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = Server.BaseAddress.ToString().TrimEnd('/'),
            ViewportSize = new ViewportSize { Width = width, Height = height },
        });
        context.SetDefaultTimeout(20_000);
        return await context.NewPageAsync();
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null) await Browser.DisposeAsync();
        _playwright?.Dispose();
        await Server.DisposeAsync();
    }
}
