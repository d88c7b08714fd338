// Steps a person takes in the console, shared by the console tests.
using Microsoft.Playwright;

namespace Thingyard.Tests.Console;

public static class ConsolePages
{
    /// <summary>Signs in through the sign-in form and waits until the console is interactive.</summary>
    public static async Task SignInAsync(this IPage page, string user, string password)
    {
        await page.GotoAsync("/console/signin");
        await page.FillAsync("#username", user);
        await page.FillAsync("#password", password);
        await page.ClickAsync("button[type=submit]");
        await page.WaitForURLAsync(url => !url.Contains("/signin"));
        await page.WaitReadyAsync();
    }

    /// <summary>Waits for the page's circuit: clicks before it is up would do nothing.</summary>
    public static Task WaitReadyAsync(this IPage page) =>
        page.Locator("#ty-ready[data-interactive=true]").WaitForAsync(new() { State = WaitForSelectorState.Attached });

    public static async Task OpenAsync(this IPage page, string path)
    {
        await page.GotoAsync(path);
        await page.WaitReadyAsync();
    }

    /// <summary>Saves a screenshot into docs/images (the README shows them) when THINGYARD_SCREENSHOTS is set.</summary>
    public static async Task ScreenshotAsync(this IPage page, string name)
    {
        if (Environment.GetEnvironmentVariable("THINGYARD_SCREENSHOTS") is not { Length: > 0 } dir) return;
        Directory.CreateDirectory(dir);
        await page.ScreenshotAsync(new() { Path = Path.Combine(dir, name + ".png"), FullPage = false });
    }
}

public static class ConsoleUserSteps
{
    /// <summary>Adds a console user on the Users page (the page must be signed in as an owner or admin).</summary>
    public static async Task AddUserAsync(this IPage page, string name, string password, string role)
    {
        await page.OpenAsync("/console/users");
        await page.FillAsync("#new-user-name", name);
        await page.FillAsync("#new-user-password", password);
        var select = page.GetByRole(AriaRole.Combobox, new() { Name = "Role", Exact = true });
        await select.ClickAsync();
        await page.GetByRole(AriaRole.Option, new() { Name = role.ToLowerInvariant(), Exact = true }).ClickAsync();
        // The choice travels over the circuit; clicking Add before it arrives would add the user with the default role.
        await Assertions.Expect(select).ToHaveTextAsync(role.ToLowerInvariant());
        await page.ClickAsync("#add-user");
        await Assertions.Expect(page.GetByRole(AriaRole.Cell, new() { Name = name, Exact = true })).ToBeVisibleAsync();
    }
}
