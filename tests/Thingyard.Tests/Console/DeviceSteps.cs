// Steps a person takes on the Devices pages and the Online debugging page, shared by the console tests (and the
// end-to-end walk). Element ids are the pages' stable ones: see the ids listed in each step.
using Microsoft.Playwright;

namespace Thingyard.Tests.Console;

public static class DeviceSteps
{
    /// <summary>Assertions wait up to 15 s (Playwright's default is 5): the test machine's two cores run a server, a
    /// browser and other test classes at once, and a live update may wait for the telemetry writer.</summary>
    public static void UseSlowMachineTimeouts() => Assertions.SetDefaultExpectTimeout(15_000);

    /// <summary>Adds a viewer through the Users page (ConsoleUserSteps.AddUserAsync) and makes sure the role took: on a
    /// loaded machine the role list can still be moving when the option is clicked, and a user with the default role
    /// (developer) would make a viewer test pass or fail for the wrong reason. A wrong role is corrected in the user's row.</summary>
    public static async Task AddViewerAsync(this IPage page, string name, string password)
    {
        await page.AddUserAsync(name, password, "Viewer");
        var row = page.Locator("tbody tr").Filter(new() { Has = page.GetByRole(AriaRole.Cell, new() { Name = name, Exact = true }) });
        var role = row.Locator("input").First; // the role select's text
        for (var i = 0; i < 3 && !string.Equals(await role.InputValueAsync(), "viewer", StringComparison.OrdinalIgnoreCase); i++)
        {
            await role.ClickAsync();
            var option = page.GetByRole(AriaRole.Option, new() { Name = "viewer", Exact = true });
            await Assertions.Expect(option).ToBeVisibleAsync();
            await option.ClickAsync();
        }
        await Assertions.Expect(role).ToHaveValueAsync(new System.Text.RegularExpressions.Regex("^viewer$", System.Text.RegularExpressions.RegexOptions.IgnoreCase));
    }

    /// <summary>Picks a product in a product picker (#register-product, #batch-product, #filter-product, #debug-product)
    /// by typing its ProductKey and choosing the one offered.</summary>
    public static async Task PickProductAsync(this IPage page, string pickerId, string productKey)
    {
        var input = page.Locator("#" + pickerId);
        await input.ClickAsync();
        await input.FillAsync(productKey);
        await page.GetByRole(AriaRole.Option).Filter(new() { HasText = $"({productKey})" }).ClickAsync();
        await Assertions.Expect(input).ToHaveValueAsync(new System.Text.RegularExpressions.Regex($@"\({productKey}\)$"));
    }

    /// <summary>Opens a section of the device list (register-panel or batch-panel) unless it is open.</summary>
    public static async Task OpenPanelAsync(this IPage page, string panelId, string firstInputId)
    {
        if (await page.Locator("#" + firstInputId).IsVisibleAsync()) return;
        await page.ClickAsync($"#{panelId} .mud-expand-panel-header");
        await Assertions.Expect(page.Locator("#" + firstInputId)).ToBeVisibleAsync();
    }

    /// <summary>Registers one device from the device list (#register-product, #register-name, #register-submit) and, when
    /// it is named and <paramref name="expectRegistered"/>, waits for the confirmation (#registered). An empty name lets
    /// the platform generate one. A refusal shows in the page's error line ([data-test=error]).</summary>
    public static async Task RegisterDeviceAsync(this IPage page, string productKey, string? deviceName = null, bool expectRegistered = true)
    {
        if (!page.Url.EndsWith("/console/devices", StringComparison.Ordinal)) await page.OpenAsync("/console/devices");
        await page.OpenPanelAsync("register-panel", "register-product");
        await page.PickProductAsync("register-product", productKey);
        await page.FillAsync("#register-name", deviceName ?? "");
        await page.ClickAsync("#register-submit");
        if (deviceName is not null && expectRegistered) await Assertions.Expect(page.Locator("#registered")).ToContainTextAsync(deviceName);
    }

    /// <summary>Starts a batch registration of <paramref name="count"/> devices with generated names (#batch-product,
    /// #batch-count, #batch-start) and waits until it is done (#batch-status[data-status=CREATE_SUCCESS]).</summary>
    public static async Task BatchRegisterAsync(this IPage page, string productKey, int count)
    {
        if (!page.Url.EndsWith("/console/devices", StringComparison.Ordinal)) await page.OpenAsync("/console/devices");
        await page.OpenPanelAsync("batch-panel", "batch-product");
        await page.PickProductAsync("batch-product", productKey);
        await page.FillAsync("#batch-count", count.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await page.ClickAsync("#batch-start");
        await Assertions.Expect(page.Locator("#batch-status")).ToHaveAttributeAsync("data-status", "CREATE_SUCCESS");
    }

    /// <summary>Downloads the finished batch's credentials (#batch-download) and returns the CSV's text.</summary>
    public static async Task<string> DownloadCredentialsAsync(this IPage page)
    {
        var download = await page.RunAndWaitForDownloadAsync(() => page.ClickAsync("#batch-download"));
        var path = await download.PathAsync();
        return await File.ReadAllTextAsync(path!);
    }

    public static Task OpenDeviceAsync(this IPage page, string productKey, string deviceName) =>
        page.OpenAsync($"/console/devices/{Uri.EscapeDataString(productKey)}/{Uri.EscapeDataString(deviceName)}");

    /// <summary>The latest value shown for a property on the device page.</summary>
    public static ILocator PropertyValue(this IPage page, string identifier) => page.Locator($"[data-test='prop-value-{identifier}']");

    /// <summary>Opens Online debugging on a device and waits for its forms.</summary>
    public static async Task OpenDebugAsync(this IPage page, string productKey, string deviceName)
    {
        await page.OpenAsync($"/console/debug/{Uri.EscapeDataString(productKey)}/{Uri.EscapeDataString(deviceName)}");
        await Assertions.Expect(page.Locator("#debug-device-name")).ToContainTextAsync(deviceName);
    }

    /// <summary>On the debugging page: types (or chooses, for bool and enum) the value of a property (#prop-{identifier})
    /// and clicks its Set button (#set-{identifier}). Whether it was sent shows in [data-test=set-result-{identifier}];
    /// a refusal under the input ([data-test=field-prop-{identifier}]) or in the page's error line.</summary>
    public static async Task SetPropertyAsync(this IPage page, string identifier, string value)
    {
        await page.EnterValueAsync("prop-" + identifier, value);
        await page.ClickAsync("#set-" + identifier);
    }

    /// <summary>On the debugging page: fills a service's inputs (#svc-{service}-{parameter}) and clicks Invoke
    /// (#invoke-{service}). The answer shows in <see cref="ServiceReply"/>.</summary>
    public static async Task InvokeServiceAsync(this IPage page, string identifier, IReadOnlyDictionary<string, string> inputs)
    {
        foreach (var (parameter, value) in inputs) await page.EnterValueAsync($"svc-{identifier}-{parameter}", value);
        await page.ClickAsync("#invoke-" + identifier);
    }

    /// <summary>What the page shows about a service call: data-state "waiting", "replied" or "failed", and the reply's data.</summary>
    public static ILocator ServiceReply(this IPage page, string identifier) => page.Locator($"[data-test='reply-{identifier}']");

    /// <summary>The refusal shown under an input of the debugging page (prop-{identifier} or svc-{service}-{parameter}).</summary>
    public static ILocator FieldOf(this IPage page, string inputId) => page.Locator($"[data-test='field-{inputId}']");

    /// <summary>Rows of the live log ([data-test=log-row] cells: log-direction, log-topic, log-payload).</summary>
    public static ILocator LiveLog(this IPage page) => page.Locator("#live-log tbody tr");

    /// <summary>Rows of the live log going one way ("up", "down" or "note"), told by the direction chip: a row's text
    /// alone would match "up" inside a random ProductKey.</summary>
    public static ILocator LiveLog(this IPage page, string direction) =>
        page.LiveLog().Filter(new() { Has = page.Locator("[data-test=log-direction]", new() { HasTextRegex = new System.Text.RegularExpressions.Regex($"^{direction}$") }) });

    /// <summary>A typed input of the debugging page: text for numbers, text, dates and JSON; the option "value – name"
    /// for bool and enum.</summary>
    static async Task EnterValueAsync(this IPage page, string inputId, string value)
    {
        var kind = await page.FieldOf(inputId).GetAttributeAsync("data-kind");
        if (kind == "choice")
        {
            var shown = new System.Text.RegularExpressions.Regex($"^\\s*{System.Text.RegularExpressions.Regex.Escape(value)} –");
            await page.Locator("#" + inputId).PickAsync(page.GetByRole(AriaRole.Option).Filter(new() { HasTextRegex = shown }));
            // The choice is on the server once the select holds it (its input keeps the raw value): Set cannot overtake it.
            await Assertions.Expect(page.Locator("#" + inputId)).ToHaveValueAsync(value);
        }
        else
        {
            await page.FillAsync("#" + inputId, value);
        }
    }
}
