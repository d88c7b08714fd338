// The issue's whole development flow in one walk through a real browser, as a device maker's console user and the
// platform operator (the first admin) side by side: project → product from the lamp category → a custom property →
// publish → panel → a virtual device started on the Release tab and a service invoked from online debugging (where the
// panel shows, driven by the device) complete the checklist → submit → the model is still editable → the operator
// rejects with a reason → the maker reads it in the inbox, fixes, resubmits → the operator approves → the model is
// locked (a forced publish is refused) → the operator allocates codes → batches of 500 by count and 20 by uploaded names (one invalid line shown) → the credentials CSV
// downloaded from the batch page → a device from it connects with the official Node device SDK and the batch page
// counts it activated → the quota is 520 lower. ProductFlowTests walks the same flow through the OpenAPI.
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Thingyard.Tests.Infrastructure;
using Thingyard.Tests.Lifecycle;
using static Thingyard.Tests.Registry.RegistryCalls;

namespace Thingyard.Tests.Console;

public sealed class ProductLifecycleWalkTests(ConsoleFixture console) : IClassFixture<ConsoleFixture>
{
    ThingyardServer Server => console.Server;

    [Fact]
    public async Task A_lamp_goes_from_a_project_to_mass_production_in_the_browser()
    {
        DeviceSteps.UseSlowMachineTimeouts();
        var makerUser = Unique("maker");
        var maker = await Server.AccountWithUserAsync(makerUser, "maker-password-1");
        var dev = await console.NewPageAsync();
        await dev.SignInAsync(makerUser, "maker-password-1");
        var op = await console.NewPageAsync();
        await op.SignInAsync(ConsoleFixture.AdminUser, ConsoleFixture.AdminPassword);

        // Release review is in the operator's menu only.
        await dev.OpenAsync("/console/projects");
        await Assertions.Expect(dev.GetByRole(AriaRole.Link, new() { Name = "Release review" })).ToHaveCountAsync(0);
        await op.OpenAsync("/console/projects");
        await Assertions.Expect(op.GetByRole(AriaRole.Link, new() { Name = "Release review" })).ToHaveCountAsync(1);

        // A project, and a lamp product in it: the category's standard features fill the draft.
        var projectName = Unique("Home lighting");
        await dev.FillAsync("#new-project-name", projectName);
        await dev.ClickAsync("#create-project");
        await Assertions.Expect(dev.Locator("#project-title")).ToHaveTextAsync(projectName);
        var productName = Unique("Lamp");
        await dev.FillAsync("#new-product-name", productName);
        var category = dev.GetByRole(AriaRole.Combobox, new() { Name = "Category" });
        await category.ClickAsync();
        await dev.GetByRole(AriaRole.Option, new() { Name = "Lamp", Exact = true }).ClickAsync();
        await Assertions.Expect(category).ToHaveTextAsync("Lamp");
        await dev.ClickAsync("#create-project-product");
        await dev.WaitForURLAsync(u => u.Contains("tab=features"));
        var pk = dev.Url.Split('/').Last().Split('?')[0];
        await dev.ExpectFeatureAsync("LightSwitch");

        // A custom property beside the standard ones, published.
        await dev.AddFloatPropertyAsync("Warmth", "Warmth", "0", "100", step: "1", unit: "%");
        await dev.PublishAsync("1.0");

        // The panel: the switch dragged onto the section, the custom property added with its button, saved.
        await dev.OpenProductAsync(pk, "panel");
        await dev.DragAndDropAsync("[data-test=palette-LightSwitch]", "[data-test=panel-section-editor]");
        await Assertions.Expect(dev.Locator("[data-test=widget-LightSwitch]")).ToBeVisibleAsync();
        await dev.ClickAsync("[data-test=add-Warmth]");
        await Assertions.Expect(dev.Locator("[data-test=widget-Warmth]")).ToBeVisibleAsync();
        await dev.ClickAsync("#save-panel");
        await Assertions.Expect(dev.Locator("#panel-editor")).ToContainTextAsync("version 1");

        // A virtual device reports the properties (the required switch among them) and fires the event; the service is invoked on it
        // from online debugging; then the checklist is complete.
        // The certified module the lamp is built on, recorded from the Release tab's guidance.
        await dev.OpenProductAsync(pk, "release");
        await dev.Locator("body").SelectAsync("Certified module or chip", "Espressif ESP32-C3-WROOM-02 (WIFI)");
        await Assertions.Expect(dev.Locator("[data-test=step-module]")).ToHaveAttributeAsync("data-done", "true");
        await dev.ClickAsync("#create-virtual");
        var virtualRow = dev.Locator("#virtual-devices tbody tr").First;
        var virtualName = (await virtualRow.Locator("a").TextContentAsync())!.Trim();
        await virtualRow.Locator("button", new() { HasText = "Start" }).ClickAsync();
        await Assertions.Expect(virtualRow.Locator("[data-test=virtual-state]")).ToHaveTextAsync("running");
        await dev.OpenDebugAsync(pk, virtualName);
        await Assertions.Expect(dev.Locator("#debug-status")).ToHaveAttributeAsync("data-status", "ONLINE");
        await dev.InvokeServiceAsync("ToggleLightSwitch", new Dictionary<string, string>());
        await Assertions.Expect(dev.ServiceReply("ToggleLightSwitch")).ToHaveAttributeAsync("data-state", "replied");
        // The saved panel is on the debugging page too, driven by the device's reported values.
        await Assertions.Expect(dev.Locator("#debug-panel [data-test=panel-widget-switch-LightSwitch]")).ToBeVisibleAsync();
        await Assertions.Expect(dev.Locator("#debug-panel [data-test=panel-widget-slider-Warmth] [data-test=panel-value]"))
            .ToHaveTextAsync(new Regex(@"^-?\d"), new() { Timeout = 30_000 });
        await dev.ScreenshotAsync("lifecycle-debug-panel");
        await dev.OpenProductAsync(pk, "release");
        await RefreshUntilAsync(dev, "#refresh-checklist", "[data-test=step-debugging][data-done=true]");
        foreach (var feature in new[] { "LightSwitch", "Error", "ToggleLightSwitch" })
            await Assertions.Expect(dev.Locator($"[data-test=check-{feature}]")).ToHaveAttributeAsync("data-done", "true");

        // Confirmed and submitted without a waiver; while it waits for review the model can still change.
        await dev.ClickAsync("#confirm-info");
        await Assertions.Expect(dev.Locator("[data-test=step-information]")).ToHaveAttributeAsync("data-done", "true");
        await dev.ClickAsync("#submit-release");
        await Assertions.Expect(dev.Locator("#release-state")).ToHaveTextAsync("pending");
        await dev.OpenProductAsync(pk, "features");
        await dev.AddFloatPropertyAsync("Eco", "Eco level", "0", "10", step: "1");

        // The operator rejects it with a reason; the maker reads it in the inbox and on the Release tab.
        var reason = "Publish the Eco level as well " + Unique("r");
        await op.OpenAsync("/console/releases");
        await Assertions.Expect(op.ReleaseRow(pk).Locator("[data-test=release-account]")).ToContainTextAsync(maker.AccountUid);
        await op.ScreenshotAsync("lifecycle-queue");
        await op.ReleaseRow(pk).Locator("[data-test=reject]").ClickAsync();
        await op.FillAsync("#reject-reason", reason);
        await op.Locator("#reject-reason").BlurAsync();
        await op.GetByRole(AriaRole.Dialog).Locator("#reject-submit").ClickAsync();
        await Assertions.Expect(op.ReleaseRow(pk)).ToHaveCountAsync(0);
        await dev.OpenAsync("/console/inbox");
        await Assertions.Expect(dev.Locator("#inbox tbody tr", new() { HasText = reason })).ToContainTextAsync(pk);
        await dev.OpenProductAsync(pk, "release");
        await Assertions.Expect(dev.Locator("#release-state")).ToHaveTextAsync("rejected");
        await Assertions.Expect(dev.Locator("#release-history")).ToContainTextAsync(reason);
        await dev.ScreenshotAsync("lifecycle-rejected");

        // Fixed (the Eco level published) and submitted again; the operator approves; the model is locked.
        await dev.OpenProductAsync(pk, "features");
        await dev.PublishAsync("1.1");
        await dev.OpenProductAsync(pk, "release");
        await dev.ClickAsync("#submit-release");
        await Assertions.Expect(dev.Locator("#release-state")).ToHaveTextAsync("pending");
        await op.OpenAsync("/console/releases");
        await op.ReleaseRow(pk).Locator("[data-test=approve]").ClickAsync();
        await Assertions.Expect(op.ReleaseRow(pk)).ToHaveCountAsync(0);
        await dev.OpenProductAsync(pk, "features");
        await Assertions.Expect(dev.Locator("#model-locked")).ToBeVisibleAsync();
        await Assertions.Expect(dev.Locator("#add-property")).ToBeDisabledAsync();
        await dev.ForceClickAsync("#publish");
        await Assertions.Expect(dev.ErrorLine()).ToContainTextAsync("its thing model is locked");
        await dev.ScreenshotAsync("lifecycle-locked");
        await dev.OpenProductAsync(pk, "panel");
        await Assertions.Expect(dev.Locator("#panel-locked")).ToBeVisibleAsync();
        Assert.Equal(2, (await Server.CallAs(maker, "ListThingModelVersion", ("ProductKey", pk))).At("Data.ModelVersions").GetArrayLength());

        // The operator allocates 600 codes to the maker's account.
        await op.OpenAsync("/console/production");
        await op.FillAsync("#alloc-uid", maker.AccountUid);
        await op.FillAsync("#alloc-count", "600");
        await op.Locator("#alloc-count").BlurAsync();
        await op.ClickAsync("#allocate-codes");
        await Assertions.Expect(op.Locator("#allocated")).ToContainTextAsync(maker.AccountUid);

        // The maker's batches: 500 by count, then 20 uploaded names with one invalid line, shown with its line number.
        await dev.OpenAsync("/console/production");
        await Assertions.Expect(dev.Locator("#quota-remaining")).ToHaveTextAsync("600");
        await dev.CreateBatchByCountAsync(productName, 500);
        var counted = await dev.CreatedBatchIdAsync();
        var names = Enumerable.Range(1, 20).Select(i => $"walk_lamp_{i:D2}").ToList();
        await dev.CreateBatchFromCsvAsync(productName,
            "DeviceName\n" + string.Join("\n", names.Take(10)) + "\nbad name!\n" + string.Join("\n", names.Skip(10)) + "\n");
        var uploaded = await dev.CreatedBatchIdAsync(previous: counted);
        await Assertions.Expect(dev.Locator("#batch-rejected [data-test=rejected-line-no]")).ToHaveTextAsync("12");
        await Assertions.Expect(dev.Locator("#batch-rejected [data-test=rejected-name]")).ToHaveTextAsync("bad name!");
        await Assertions.Expect(dev.Locator("#quota-used")).ToHaveTextAsync("520");
        await Assertions.Expect(dev.Locator("#quota-remaining")).ToHaveTextAsync("80");

        // The 500 exist; the uploaded batch's credentials download from its page.
        await dev.OpenAsync($"/console/production/batches/{counted}");
        await Assertions.Expect(dev.Locator("#batch-created")).ToHaveTextAsync("500", new() { Timeout = 60_000 });
        await dev.OpenAsync($"/console/production/batches/{uploaded}");
        await Assertions.Expect(dev.Locator("#batch-created")).ToHaveTextAsync("20", new() { Timeout = 30_000 });
        var download = await dev.RunAndWaitForDownloadAsync(() => dev.ClickAsync("#batch-credentials"));
        var rows = LifecycleCalls.CsvRows(await File.ReadAllTextAsync((await download.PathAsync())!));
        Assert.Equal(["ProductKey", "DeviceName", "DeviceSecret"], rows[0]);
        Assert.Equal(names.Order(), rows.Skip(1).Select(r => r[1]).Order());

        // A device from the CSV connects with the official Node SDK; the batch page counts it activated.
        await Server.ConnectLampWithNodeSdkAsync(rows[1]);
        await RefreshUntilAsync(dev, "#batch-refresh", "#batch-activated:text-is('1')");
        await dev.ScreenshotAsync("lifecycle-batch");
        await dev.OpenAsync("/console/production");
        await Assertions.Expect(dev.Locator("#quota-allocated")).ToHaveTextAsync("600");
        await Assertions.Expect(dev.Locator("#quota-remaining")).ToHaveTextAsync("80");
        await Assertions.Expect(dev.Locator("#batches-table tbody tr", new() { HasTextString = uploaded }).Locator("[data-test=batch-activated]")).ToHaveTextAsync("1");
    }

    /// <summary>Clicks a page's refresh button until <paramref name="done"/> shows (for what the server does in the background).</summary>
    static async Task RefreshUntilAsync(IPage page, string refresh, string done)
    {
        for (var i = 0; i < 120 && await page.Locator(done).CountAsync() == 0; i++)
        {
            await Task.Delay(250);
            await page.ClickAsync(refresh);
        }
        await Assertions.Expect(page.Locator(done)).ToHaveCountAsync(1);
    }
}
