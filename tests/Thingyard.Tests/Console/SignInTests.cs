// Signing in and out of the console in a real browser: the first start's user, wrong passwords, lockout, password
// change, the browser's visit to "/" and pages that need a signed-in user.
using Microsoft.Playwright;

namespace Thingyard.Tests.Console;

public sealed class SignInTests(ConsoleFixture console) : IClassFixture<ConsoleFixture>
{
    [Fact]
    public async Task A_browser_opening_the_root_url_gets_the_sign_in_page_and_the_first_user_signs_in()
    {
        var page = await console.NewPageAsync();
        await page.GotoAsync("/");
        Assert.Contains("/console/signin", page.Url);
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Sign in to the console");
        await page.SignInAsync(ConsoleFixture.AdminUser, ConsoleFixture.AdminPassword);
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Projects"); // the console opens on project management
        await Assertions.Expect(page.Locator("#whoami")).ToContainTextAsync("admin · owner");
        await page.OpenAsync("/console");
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Overview");
        await page.ScreenshotAsync("overview");

        await page.ClickAsync("#signout");
        await page.WaitForURLAsync("**/console/signin");
        await page.GotoAsync("/console/users");
        Assert.Contains("/console/signin?ReturnUrl=%2Fconsole%2Fusers", page.Url);
    }

    [Fact]
    public async Task A_wrong_password_is_refused_with_a_message_and_the_user_is_locked_out_after_five()
    {
        await CreateUserAsync("locky", "locky-password-1", "Developer");
        var page = await console.NewPageAsync();
        for (var i = 0; i < 5; i++)
        {
            await page.GotoAsync("/console/signin");
            await page.FillAsync("#username", "locky");
            await page.FillAsync("#password", "wrong-password-" + i);
            await page.ClickAsync("button[type=submit]");
            await Assertions.Expect(page.Locator("#signin-error")).ToBeVisibleAsync();
        }
        // The right password no longer opens the console while the lockout lasts.
        await page.GotoAsync("/console/signin");
        await page.FillAsync("#username", "locky");
        await page.FillAsync("#password", "locky-password-1");
        await page.ClickAsync("button[type=submit]");
        await Assertions.Expect(page.Locator("#signin-error")).ToContainTextAsync("locked out");
        Assert.Contains("/console/signin", page.Url);
    }

    [Fact]
    public async Task A_user_changes_their_password_and_only_the_new_one_works_afterwards()
    {
        await CreateUserAsync("changer", "changer-password-1", "Viewer");
        var page = await console.NewPageAsync();
        await page.SignInAsync("changer", "changer-password-1");
        await page.OpenAsync("/console/account");
        await page.FillAsync("#current-password", "changer-password-1");
        await page.FillAsync("#new-password", "changer-password-2");
        await page.FillAsync("#repeat-password", "changer-password-2");
        await page.ClickAsync("#change-password");
        await Assertions.Expect(page.Locator("#password-changed")).ToBeVisibleAsync();

        var again = await console.NewPageAsync();
        await again.GotoAsync("/console/signin");
        await again.FillAsync("#username", "changer");
        await again.FillAsync("#password", "changer-password-1");
        await again.ClickAsync("button[type=submit]");
        await Assertions.Expect(again.Locator("#signin-error")).ToContainTextAsync("Wrong user name or password");
        await again.SignInAsync("changer", "changer-password-2");
        await Assertions.Expect(again.Locator("h1")).ToHaveTextAsync("Projects");
    }

    [Fact]
    public async Task A_sign_in_form_posted_without_its_antiforgery_token_is_refused()
    {
        using var http = console.Server.Http();
        var response = await http.PostAsync("/console/signin", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["_handler"] = "signin", ["Input.UserName"] = ConsoleFixture.AdminUser, ["Input.Password"] = ConsoleFixture.AdminPassword,
        }));
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, response.StatusCode);
        Assert.False(response.Headers.TryGetValues("Set-Cookie", out var cookies) && cookies.Any(c => c.StartsWith("thingyard.console=", StringComparison.Ordinal)));
    }

    /// <summary>Adds a user through the Users page as the admin.</summary>
    async Task CreateUserAsync(string name, string password, string role)
    {
        var page = await console.NewPageAsync();
        await page.SignInAsync(ConsoleFixture.AdminUser, ConsoleFixture.AdminPassword);
        await page.AddUserAsync(name, password, role);
        await page.Context.CloseAsync();
    }
}
