// Steps a person takes on the console's Groups, Tags and Distribution pages, and the setup those tests make through the
// API (products and devices with server.Rpc(), accounts with a first console user over REST), shared by the console tests.
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.Playwright;
using Thingyard.Tests.Infrastructure;
using Thingyard.Tests.Registry;

namespace Thingyard.Tests.Console;

public static class GroupSteps
{
    /// <summary>Creates a group on the Groups page (from /console/groups, or a parent's ?parent= link) and returns its id
    /// once its page is open.</summary>
    public static async Task<string> CreateGroupAsync(this IPage page, string name, string? description = null, string? parentId = null)
    {
        await page.OpenAsync(parentId is null ? "/console/groups" : $"/console/groups?parent={parentId}");
        await page.FillAsync("#group-name", name);
        if (description is not null) await page.FillAsync("#group-description", description);
        await page.ClickAsync("#create-group");
        await Assertions.Expect(page.Locator("#group-title")).ToHaveTextAsync(name);
        return (await page.Locator("#group-id").TextContentAsync())!.Trim();
    }

    public static async Task OpenGroupAsync(this IPage page, string groupId)
    {
        await page.OpenAsync($"/console/groups/{groupId}");
        await Assertions.Expect(page.Locator("#group-id")).ToHaveTextAsync(groupId);
    }

    /// <summary>On a group's page: adds devices of one product by name and waits for the platform's answer.</summary>
    public static async Task AddDevicesToGroupAsync(this IPage page, string productKey, params string[] deviceNames)
    {
        await page.FillAsync("#add-product-key", productKey);
        await page.FillAsync("#add-device-names", string.Join("\n", deviceNames));
        await page.ClickAsync("#add-devices");
        await Assertions.Expect(page.Locator("#add-result")).ToBeVisibleAsync();
    }

    /// <summary>The member rows of the group's device table, by device name.</summary>
    public static ILocator GroupMember(this IPage page, string deviceName) =>
        page.Locator("#members-table [data-test=member-name]", new() { HasTextString = deviceName });

    /// <summary>On a group's page: adds one tag row and saves all tags.</summary>
    public static async Task AddGroupTagAsync(this IPage page, string key, string value)
    {
        var n = await page.Locator("[data-test=tag-row]").CountAsync() + 1;
        await page.ClickAsync("#add-tag");
        await page.FillAsync($"#tag-key-{n}", key);
        await page.FillAsync($"#tag-value-{n}", value);
        await page.ClickAsync("#save-tags");
    }

    /// <summary>What a user forcing a disabled control would do: removes the attribute in the page and clicks.</summary>
    public static async Task ForceClickAsync(this IPage page, string selector)
    {
        var control = page.Locator(selector);
        await Assertions.Expect(control).ToBeDisabledAsync();
        await control.EvaluateAsync("e => { e.removeAttribute('disabled'); e.classList.remove('mud-disabled'); }");
        await control.ClickAsync();
    }

    /// <summary>Confirms the open message box (Delete, OK, ...).</summary>
    public static Task ConfirmAsync(this IPage page, string button) =>
        page.GetByRole(AriaRole.Dialog).GetByRole(AriaRole.Button, new() { Name = button, Exact = true }).ClickAsync();

    /// <summary>Picks an option of a MudSelect named by its label.</summary>
    public static async Task SelectAsync(this IPage page, string label, string option)
    {
        await page.GetByRole(AriaRole.Combobox, new() { Name = label, Exact = true }).PickAsync(page.GetByRole(AriaRole.Option, new() { Name = option }));
    }

    /// <summary>Opens a page on a narrow screen and checks that nothing is wider than the screen and the control is on it.</summary>
    public static async Task FitsAsync(this IPage page, string path, string control)
    {
        await page.OpenAsync(path);
        await Assertions.Expect(page.Locator(control)).ToBeVisibleAsync();
        var (content, screen) = (await page.EvaluateAsync<int>("document.documentElement.scrollWidth"), await page.EvaluateAsync<int>("window.innerWidth"));
        Assert.True(content <= screen, $"{path} is {content} px wide on a {screen} px screen");
    }

    /// <summary>A snackbar message (what a change that went through says).</summary>
    public static ILocator Snackbar(this IPage page, string text) => page.Locator(".mud-snackbar", new() { HasTextString = text });

    /// <summary>The page's refusal line (ErrorLine).</summary>
    public static ILocator ErrorLine(this IPage page) => page.Locator("[data-test=error]");

    // ---- Distribution

    /// <summary>Fills the new-job form (device names typed, or read from a CSV when <paramref name="csv"/> is given) and
    /// submits it; the caller checks where that led.</summary>
    public static async Task SubmitDistributionJobAsync(this IPage page, string productKey, string? targetOption, IEnumerable<string>? names = null,
        string? csv = null, string? targetUid = null, string? authCode = null)
    {
        await page.OpenAsync("/console/distribution/new");
        await page.FillAsync("#dist-product", productKey);
        if (targetOption is not null) await page.SelectAsync("Target instance", targetOption);
        if (targetUid is not null) await page.FillAsync("#dist-target-uid", targetUid);
        if (authCode is not null) await page.FillAsync("#dist-auth-code", authCode);
        if (names is not null) await page.FillAsync("#dist-names", string.Join("\n", names));
        if (csv is not null)
        {
            await page.SetInputFilesAsync("#dist-csv", new FilePayload { Name = "devices.csv", MimeType = "text/csv", Buffer = Encoding.UTF8.GetBytes(csv) });
            await Assertions.Expect(page.Locator("#dist-names")).Not.ToHaveValueAsync("");
        }
        await page.ClickAsync("#create-job");
    }

    /// <summary>Waits on a job's page until it has finished (completed or failed); returns the status shown.</summary>
    public static async Task<string> JobFinishedAsync(this IPage page)
    {
        var status = page.Locator("#job-status [data-test=job-status]");
        await Assertions.Expect(status).ToHaveAttributeAsync("data-status", new System.Text.RegularExpressions.Regex("^[23]$"), new() { Timeout = 30_000 });
        return (await status.TextContentAsync())!.Trim();
    }

    /// <summary>The row of one device on a job's page.</summary>
    public static ILocator JobItem(this IPage page, string deviceName) =>
        page.Locator("#job-items tbody tr", new() { Has = page.Locator("[data-test=item-name]", new() { HasTextString = deviceName }) });

    // ---- Setup through the API

    /// <summary>A product and devices made through the OpenAPI, as a script would.</summary>
    public static async Task<(string ProductKey, string[] DeviceNames)> ProductWithDevicesAsync(this ThingyardServer server, int count, string prefix = "Con")
    {
        var productKey = await server.NewProductAsync(prefix);
        var names = new string[count];
        for (var i = 0; i < count; i++) names[i] = (await server.NewDeviceAsync(productKey, RegistryCalls.Unique("dev"))).Str("DeviceName");
        return (productKey, names);
    }

    /// <summary>A new account with its first console user (an owner), created by the admin through
    /// POST /api/v1/accounts {name, uid, userName, password}.</summary>
    public static async Task<TestAccount> AccountWithUserAsync(this ThingyardServer server, string userName, string password, string? uid = null)
    {
        using var rest = server.Rest();
        var response = await rest.PostAsJsonAsync("/api/v1/accounts", new { name = RegistryCalls.Unique("acct"), uid, userName, password });
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        return new TestAccount(body.Str("accountUid"), body.Str("accessKeyId"), body.Str("accessKeySecret"));
    }

    /// <summary>A console user of the admin account, added through the REST API with the admin key.</summary>
    public static async Task AddConsoleUserAsync(this ThingyardServer server, string userName, string password, string role)
    {
        using var rest = server.Rest();
        var response = await rest.PostAsJsonAsync("/api/v1/accounts/me/users", new { userName, password, role });
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
    }

    /// <summary>A page signed in as this user on another server of the test (a federation peer's console).</summary>
    public static async Task<IPage> SignedInPageAsync(this IBrowser browser, ThingyardServer server, string user, string password)
    {
        var context = await browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = server.BaseAddress.ToString().TrimEnd('/'), ViewportSize = new ViewportSize { Width = 1280, Height = 900 },
        });
        context.SetDefaultTimeout(20_000);
        var page = await context.NewPageAsync();
        await page.SignInAsync(user, password);
        return page;
    }
}
