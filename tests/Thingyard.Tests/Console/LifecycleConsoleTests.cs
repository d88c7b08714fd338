// The development flow in a real browser: project management (three tabs), a product created in a project from the
// lamp category, its panel designed by dragging features onto a section, and its release tab: the guidance shows what
// blocks release, a virtual device started there fills the checklist, the information is confirmed and the product
// submitted with a waiver; a project authorized to a
// partner account shows on the partner's "Authorized projects" tab.
using Microsoft.Playwright;
using Thingyard.Tests.Infrastructure;
using Thingyard.Tests.Registry;
using static Thingyard.Tests.Registry.RegistryCalls;

namespace Thingyard.Tests.Console;

public sealed class LifecycleConsoleTests(ConsoleFixture console) : IClassFixture<ConsoleFixture>
{
    ThingyardServer Server => console.Server;

    [Fact]
    public async Task A_project_a_lamp_product_its_panel_and_its_submission_for_release()
    {
        var page = await console.NewPageAsync();
        await page.SignInAsync(ConsoleFixture.AdminUser, ConsoleFixture.AdminPassword);
        await page.OpenAsync("/console/projects");
        await Assertions.Expect(page.GetByRole(AriaRole.Tab, new() { Name = "Self-built projects" })).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Tab, new() { Name = "Authorized projects" })).ToBeVisibleAsync();

        var projectName = Unique("Lighting");
        await page.FillAsync("#new-project-name", projectName);
        await page.ClickAsync("#create-project");
        await Assertions.Expect(page.Locator("#project-title")).ToHaveTextAsync(projectName);
        var projectId = page.Url.Split('/').Last();

        // A lamp product in the project: its draft has the category's standard features.
        var productName = Unique("Lamp");
        await page.FillAsync("#new-product-name", productName);
        var category = page.GetByRole(AriaRole.Combobox, new() { Name = "Category" });
        await category.ClickAsync();
        await page.GetByRole(AriaRole.Option, new() { Name = "Lamp", Exact = true }).ClickAsync();
        await Assertions.Expect(category).ToHaveTextAsync("Lamp");
        await page.ClickAsync("#create-project-product");
        await page.WaitForURLAsync(u => u.Contains("tab=features"));
        var pk = page.Url.Split('/').Last().Split('?')[0];
        Assert.Contains("LightSwitch", (await Server.Call("GetThingModelTsl", ("ProductKey", pk))).Str("Data.TslStr"));
        Assert.Equal(projectId, (await Server.Call("QueryProduct", ("ProductKey", pk))).Str("Data.ProjectId"));
        await Server.Call("PublishThingModel", ("ProductKey", pk));

        // The panel: one feature dragged onto the section, one added with its button, saved as version 1.
        await page.OpenAsync($"/console/products/{pk}?tab=panel");
        await page.DragAndDropAsync("[data-test=palette-LightSwitch]", "[data-test=panel-section-editor]");
        await Assertions.Expect(page.Locator("[data-test=widget-LightSwitch]")).ToBeVisibleAsync();
        await page.ClickAsync("[data-test=add-Brightness]");
        await Assertions.Expect(page.Locator("[data-test=widget-Brightness]")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("#panel-preview [data-test=panel-widget-switch-LightSwitch]")).ToBeVisibleAsync();
        await page.ClickAsync("#save-panel");
        await Assertions.Expect(page.Locator("#panel-editor")).ToContainTextAsync("version 1");
        var saved = (await Server.Call("GetProductPanel", ("ProductKey", pk))).Str("Data.Definition");
        Assert.Contains("\"LightSwitch\"", saved);
        Assert.Contains("\"slider\"", saved);

        // Release: the guidance names what blocks it; confirmed and submitted with a waiver, it waits for review.
        await page.OpenAsync($"/console/products/{pk}?tab=release");
        await Assertions.Expect(page.Locator("[data-test=blocking]").First).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("[data-test=step-panel]")).ToHaveAttributeAsync("data-done", "true");
        // A virtual device, created and started here, reports the lamp's properties and fires its event.
        await page.ClickAsync("#create-virtual");
        var virtualRow = page.Locator("#virtual-devices tbody tr").First;
        await Assertions.Expect(virtualRow.Locator("[data-test=virtual-state]")).ToHaveTextAsync("stopped");
        await virtualRow.Locator("button", new() { HasText = "Start" }).ClickAsync();
        await Assertions.Expect(virtualRow.Locator("[data-test=virtual-state]")).ToHaveTextAsync("running");
        for (var i = 0; i < 40 && await page.Locator("[data-test=check-LightSwitch][data-done=true]").CountAsync() == 0; i++)
        {
            await Task.Delay(250);
            await page.ClickAsync("#refresh-checklist");
        }
        await Assertions.Expect(page.Locator("[data-test=check-LightSwitch]")).ToHaveAttributeAsync("data-done", "true");
        await Assertions.Expect(page.Locator("[data-test=check-Error]")).ToHaveAttributeAsync("data-done", "true");
        await Assertions.Expect(page.Locator("[data-test=check-ToggleLightSwitch]")).ToHaveAttributeAsync("data-done", "false");

        await page.ClickAsync("#submit-release");
        await Assertions.Expect(page.ErrorLine()).ToContainTextAsync("not confirmed");
        await page.ClickAsync("#confirm-info");
        await Assertions.Expect(page.Locator("[data-test=step-information]")).ToHaveAttributeAsync("data-done", "true");
        await page.FillAsync("#waive-reason", "bench tested");
        await page.ClickAsync("#submit-release");
        await Assertions.Expect(page.Locator("#release-state")).ToHaveTextAsync("pending");
        await Assertions.Expect(page.Locator("#release-history [data-test=history-action]").First).ToHaveTextAsync("submitted");
        Assert.Equal("pending", (await Server.Call("QueryProduct", ("ProductKey", pk))).Str("Data.ReleaseState"));
    }

    [Fact]
    public async Task Standard_features_are_added_from_the_catalogue_beside_the_custom_ones()
    {
        // A lamp whose draft lost two standard features and gained a custom one.
        var pk = (await Server.Call("CreateProduct", ("ProductName", Unique("Lamp")), ("NodeType", "0"), ("CategoryKey", "Lamp"))).Str("ProductKey");
        await Server.Call("DeleteThingModel", ("ProductKey", pk), ("PropertyIdentifier.1", "Brightness"), ("PropertyIdentifier.2", "WorkMode"));
        await Server.Call("CreateThingModel", ("ProductKey", pk), ("ThingModelJson",
            """{"properties":[{"identifier":"Own","name":"Own","accessMode":"rw","required":false,"dataType":{"type":"bool","specs":{"0":"off","1":"on"}}}]}"""));
        var page = await console.NewPageAsync();
        await page.SignInAsync(ConsoleFixture.AdminUser, ConsoleFixture.AdminPassword);
        await page.OpenProductAsync(pk, "features");
        await page.ClickAsync("#open-standard");

        // The product's own category comes first; what the draft has is ticked and fixed.
        await Assertions.Expect(page.Locator("#standard-features")).ToContainTextAsync("Brightness");
        await Assertions.Expect(page.Locator("[data-test=standard-LightSwitch] input")).ToBeDisabledAsync();
        await page.Locator("[data-test=standard-Brightness] input").CheckAsync();
        await Assertions.Expect(page.Locator("#add-standard")).ToContainTextAsync("1 selected");
        await page.ClickAsync("#add-standard");
        await page.ExpectFeatureAsync("Brightness");
        await page.ExpectFeatureAsync("Own");
        await Assertions.Expect(page.Locator("[data-test=standard-Brightness] input")).ToBeDisabledAsync();
        var draft = (await Server.Call("GetThingModelTsl", ("ProductKey", pk))).Str("Data.TslStr");
        Assert.Contains("\"Brightness\"", draft);
        Assert.Contains("\"Own\"", draft);
        Assert.DoesNotContain("\"WorkMode\"", draft);
    }

    [Fact]
    public async Task A_virtual_devices_answers_are_set_in_the_console_and_a_refusal_shows_on_the_debugging_page()
    {
        var pk = (await Server.Call("CreateProduct", ("ProductName", Unique("Lamp")), ("NodeType", "0"), ("CategoryKey", "Lamp"))).Str("ProductKey");
        await Server.Call("PublishThingModel", ("ProductKey", pk));
        var page = await console.NewPageAsync();
        await page.SignInAsync(ConsoleFixture.AdminUser, ConsoleFixture.AdminPassword);
        await page.OpenProductAsync(pk, "release");
        await page.ClickAsync("#create-virtual");
        var row = page.Locator("#virtual-devices tbody tr").First;
        var name = (await row.Locator("a").TextContentAsync())!.Trim();

        await page.ClickAsync($"#replies-{name}");
        await page.FillAsync("#replies-text", "not json");
        await page.Locator("#replies-text").BlurAsync();
        await page.ClickAsync("#save-replies");
        await Assertions.Expect(page.Locator("#replies-editor").Locator("xpath=..").Locator("[data-test=error]")).ToContainTextAsync("not valid JSON");
        await page.FillAsync("#replies-text", """{"ToggleLightSwitch":{"code":460,"message":"jammed"}}""");
        await page.Locator("#replies-text").BlurAsync();
        await page.ClickAsync("#save-replies");
        await Assertions.Expect(page.Snackbar($"Answers of {name} saved")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("#replies-editor").Locator("xpath=..").Locator("[data-test=error]")).ToHaveCountAsync(0);
        var listed = (await Server.Call("QueryVirtualDeviceList", ("ProductKey", pk))).At("Data.List")[0].Str("Replies");
        Assert.Contains("jammed", listed);

        await row.Locator("button", new() { HasText = "Start" }).ClickAsync();
        await Assertions.Expect(row.Locator("[data-test=virtual-state]")).ToHaveTextAsync("running");
        await page.OpenDebugAsync(pk, name);
        await Assertions.Expect(page.Locator("#debug-status")).ToHaveAttributeAsync("data-status", "ONLINE");
        await page.InvokeServiceAsync("ToggleLightSwitch", new Dictionary<string, string>());
        await Assertions.Expect(page.ServiceReply("ToggleLightSwitch")).ToContainTextAsync("460");
    }

    [Fact]
    public async Task A_project_authorized_to_a_partner_shows_on_the_partners_authorized_tab()
    {
        var partner = await Server.NewAccountAsync(Unique("partner"));
        var projectId = (await Server.Call("CreateProject", ("ProjectName", Unique("Shared")))).Str("Data.ProjectId");
        var page = await console.NewPageAsync();
        await page.SignInAsync(ConsoleFixture.AdminUser, ConsoleFixture.AdminPassword);
        await page.OpenAsync($"/console/projects/{projectId}");
        await page.FillAsync("#grantee-uid", partner.AccountUid);
        await page.ClickAsync("#grant-project");
        await Assertions.Expect(page.Locator("#project-grants")).ToContainTextAsync(partner.AccountUid);
        var authorized = (await Server.CallAs(partner, "QueryProjectList", ("Type", "AUTHORIZED"))).At("Data.List.ProjectInfo");
        Assert.Contains(authorized.EnumerateArray(), p => p.Str("ProjectId") == projectId && p.Str("Role") == "developer");

        await page.ClickAsync($"#revoke-{partner.AccountUid}");
        await Assertions.Expect(page.Locator("#no-grants")).ToBeVisibleAsync();
        Assert.Empty((await Server.CallAs(partner, "QueryProjectList", ("Type", "AUTHORIZED"))).At("Data.List.ProjectInfo").EnumerateArray());
    }

    [Fact]
    public async Task A_rejected_release_reaches_the_console_inbox_with_its_reason()
    {
        var pk = (await Server.Call("CreateProduct", ("ProductName", Unique("Plug")), ("NodeType", "0"), ("CategoryKey", "Outlet"))).Str("ProductKey");
        await Server.Call("PublishThingModel", ("ProductKey", pk));
        await Server.Call("SaveProductPanel", ("ProductKey", pk), ("Definition",
            """{"pages":[{"title":"Home","sections":[{"title":"Power","widgets":[{"type":"switch","identifier":"PowerSwitch"}]}]}]}"""));
        await Server.Call("ConfirmProductInfo", ("ProductKey", pk));
        await Server.Call("ReleaseProduct", ("ProductKey", pk), ("WaiveReason", "bench tested"));
        var reason = "Show the power reading " + Unique("r");
        await Server.Call("RejectProductRelease", ("ProductKey", pk), ("Reason", reason));

        var page = await console.NewPageAsync();
        await page.SignInAsync(ConsoleFixture.AdminUser, ConsoleFixture.AdminPassword);
        await page.OpenAsync("/console/inbox");
        var row = page.Locator("#inbox tbody tr", new() { HasText = reason });
        await Assertions.Expect(row).ToContainTextAsync(pk);
        await Assertions.Expect(row.Locator("[data-read]")).ToHaveAttributeAsync("data-read", "false");
        await page.ClickAsync("#mark-read");
        await Assertions.Expect(row.Locator("[data-read]")).ToHaveAttributeAsync("data-read", "true");
    }
}
