// The console at a phone's width and from the keyboard: pages fit 390 px without sideways scrolling (the navigation
// folds into the menu button), and a person can sign in and reach a page without a mouse.
using Microsoft.Playwright;

namespace Thingyard.Tests.Console;

public sealed class LayoutTests(ConsoleFixture console) : IClassFixture<ConsoleFixture>
{
    public static TheoryData<string> Pages => new()
    {
        "/console", "/console/projects", "/console/inbox", "/console/products", "/console/devices", "/console/debug", "/console/groups", "/console/distribution",
        "/console/access-keys", "/console/users", "/console/account",
    };

    [Theory]
    [MemberData(nameof(Pages))]
    public async Task Every_page_fits_a_390_px_screen_without_sideways_scrolling(string path)
    {
        var page = await console.NewPageAsync(width: 390, height: 844);
        await page.SignInAsync(ConsoleFixture.AdminUser, ConsoleFixture.AdminPassword);
        await page.OpenAsync(path);
        await Assertions.Expect(page.Locator("h1")).ToBeVisibleAsync();
        var overflow = await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth - document.documentElement.clientWidth");
        Assert.True(overflow <= 0, $"{path} is {overflow} px wider than a 390 px screen");
        // The navigation is folded away; the menu button opens it.
        var overview = page.GetByRole(AriaRole.Link, new() { Name = "Overview", Exact = true });
        await Assertions.Expect(overview).Not.ToBeInViewportAsync();
        // A click that lands while a page's table is still loading its first data can be lost in the re-render on a
        // loaded machine: the menu must open within a few clicks, each given time to take effect.
        var toggle = page.GetByRole(AriaRole.Button, new() { Name = "Toggle navigation" });
        for (var attempt = 1; ; attempt++)
        {
            await toggle.ClickAsync();
            try { await Assertions.Expect(overview).ToBeInViewportAsync(new() { Timeout = 5_000 }); break; }
            catch (PlaywrightException) when (attempt < 3) { }
        }
        if (path == "/console/devices") await page.ScreenshotAsync("devices-390px");
    }

    [Fact]
    public async Task A_person_signs_in_and_opens_a_page_with_the_keyboard_alone()
    {
        var page = await console.NewPageAsync();
        await page.GotoAsync("/console/signin");
        await page.Keyboard.TypeAsync(ConsoleFixture.AdminUser); // the user name field has the focus on arrival
        await page.Keyboard.PressAsync("Tab");
        await page.Keyboard.TypeAsync(ConsoleFixture.AdminPassword);
        await page.Keyboard.PressAsync("Enter");
        await page.WaitForURLAsync(url => !url.Contains("/signin"));
        await page.WaitReadyAsync();
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Projects");
        // Tab until the Users link has the focus, then Enter follows it.
        for (var i = 0; i < 30; i++)
        {
            await page.Keyboard.PressAsync("Tab");
            if (await page.EvaluateAsync<string>("() => document.activeElement?.textContent?.trim() ?? ''") == "Users") break;
        }
        await page.Keyboard.PressAsync("Enter");
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Users");
    }
}
