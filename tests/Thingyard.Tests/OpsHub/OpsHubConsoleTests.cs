// The Operations Hub in a real Chromium: the admin gives a console user the Operator role on the Users page and the
// project a skin; the operator, shown only the hubs in the navigation, opens the hub of the scripted population
// (OpsPopulation) and finds the skin's name, colour and logo in its frame, the scripted totals, the tables and their
// CSV (downloaded, the same rows as scripted), the devices, an end user with their bindings, and sets a property of a
// connected device, which the device receives. The admin's skin page
// refuses a bad colour and saves a new colour and logo, which the frame then shows.
using Microsoft.Playwright;
using Thingyard.Tests.Console;
using Thingyard.Tests.Connectivity;
using Thingyard.Tests.Infrastructure;
using Thingyard.Tests.Messaging;
using Thingyard.Tests.Registry;
using static Thingyard.Tests.Registry.RegistryCalls;

namespace Thingyard.Tests.OpsHub;

public sealed class OpsHubConsoleTests(ConsoleFixture console) : IClassFixture<ConsoleFixture>
{
    ThingyardServer Server => console.Server;

    [Fact]
    public async Task The_hub_renders_in_its_skin_for_an_operator_with_figures_tables_csv_devices_and_end_users()
    {
        var p = await OpsPopulation.ScriptAsync(Server);
        await Server.Call("SetProjectBranding", ("ProjectId", p.ProjectId), ("HubName", "Acme Care"), ("HubColor", "#8e24aa"), ("HubLogo", OpsHubSkinTests.Svg));
        var admin = await console.NewPageAsync();
        await admin.SignInAsync(ConsoleFixture.AdminUser, ConsoleFixture.AdminPassword);
        var name = Unique("ops");
        await admin.AddUserAsync(name, "operator-password-1", "operator");

        var page = await console.NewPageAsync();
        await page.SignInAsync(name, "operator-password-1");
        var nav = page.GetByRole(AriaRole.Navigation, new() { Name = "Console sections" });
        await Assertions.Expect(nav).ToContainTextAsync("Operations Hubs");
        await Assertions.Expect(nav).Not.ToContainTextAsync("Products");
        await page.OpenAsync("/console/projects");
        await page.Locator($"tr:has-text('{p.ProjectName}') [data-test=hub-link]").First.ClickAsync();
        await page.WaitForURLAsync(u => u.EndsWith($"/console/projects/{p.ProjectId}/hub"));

        var range = $"?from={OpsPopulation.Day(0)}&to={OpsPopulation.Day(6)}";
        await page.OpenAsync($"/console/projects/{p.ProjectId}/hub{range}");
        await Assertions.Expect(page.Locator("#hub-name")).ToHaveTextAsync("Acme Care");
        await Assertions.Expect(page.Locator("#hub-bar")).ToHaveCSSAsync("background-color", "rgb(142, 36, 170)");
        await Assertions.Expect(page.Locator("#hub-logo")).ToHaveAttributeAsync("src", OpsHubSkinTests.Svg);
        await Assertions.Expect(page.Locator("#hub-project")).ToHaveTextAsync(p.ProjectName);
        await Assertions.Expect(page.Locator("#hub-total-devices")).ToHaveTextAsync(p.Devices.ToString());
        await Assertions.Expect(page.Locator("#hub-total-bindings")).ToHaveTextAsync(p.BindingTotal.ToString());
        await Assertions.Expect(page.Locator("#hub-total-alarms")).ToHaveTextAsync(p.OpenAlarms.ToString());
        // The charts draw their first series in the skin's colour.
        await Assertions.Expect(page.Locator("path.mud-chart-serie[stroke='#8e24aa']").First).ToBeAttachedAsync();
        await Assertions.Expect(page.Locator("[data-test=table-errors] tbody tr")).ToHaveCountAsync(OpsPopulation.TopErrors.Length);
        await page.Locator("[aria-label='Devices by product'] path").First.WaitForAsync();
        await page.ScreenshotAsync("ops-hub-overview");

        // Tables, and one downloaded as CSV: the scripted activations, day by day.
        await page.OpenAsync($"/console/projects/{p.ProjectId}/hub/tables{range}");
        await Assertions.Expect(page.Locator("[data-test=table-activations] tbody tr")).ToHaveCountAsync(OpsPopulation.Days);
        var download = await page.RunAndWaitForDownloadAsync(() => page.ClickAsync("#csv-activations"));
        Assert.EndsWith($"-activations-{OpsPopulation.Day(0)}-{OpsPopulation.Day(6)}.csv", download.SuggestedFilename);
        var lines = (await File.ReadAllTextAsync((await download.PathAsync())!)).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(p.Activations.Select((c, i) => $"{OpsPopulation.Day(i)},{c}").Prepend("day,count").ToArray(), lines);

        // Devices: all of the project's, then those online; a device's view.
        await page.OpenAsync($"/console/projects/{p.ProjectId}/hub/devices");
        await Assertions.Expect(page.Locator("#hub-device-total")).ToHaveTextAsync($"{p.Devices} device(s)");
        await page.FillAsync("#hub-device-name", p.DeviceNames[3]);
        await page.ClickAsync("#hub-device-search");
        await Assertions.Expect(page.Locator("[data-test=hub-device-link]")).ToHaveCountAsync(1);
        await page.ClickAsync("[data-test=hub-device-link]");
        await Assertions.Expect(page.Locator("#hub-device-title")).ToHaveTextAsync(p.DeviceNames[3]);
        await Assertions.Expect(page.Locator("#hub-device-state")).ToHaveTextAsync("ONLINE");

        // End users: the first one with their three bindings; no password hash on the page.
        await page.OpenAsync($"/console/projects/{p.ProjectId}/hub/users");
        await page.FillAsync("#hub-user-query", p.EndUserEmail);
        await page.ClickAsync("#hub-user-find");
        await Assertions.Expect(page.Locator("[data-test=hub-user]")).ToHaveCountAsync(1);
        await Assertions.Expect(page.Locator("[data-test=hub-user-bindings] tbody tr")).ToHaveCountAsync(3);
        Assert.DoesNotContain("secret-hash", await page.ContentAsync());

        // A connected device of the account's default project: the operator sets its mode from the hub, the device gets it.
        var (d, device) = await Server.OnlineDeviceAsync("thing/service/property/set");
        await using (device)
        {
            var defaultProject = (await Server.Call("QueryProduct", ("ProductKey", d.ProductKey))).Str("Data.ProjectId");
            await page.OpenAsync($"/console/projects/{defaultProject}/hub/devices/{d.IotId}");
            await Assertions.Expect(page.Locator("#hub-device-state")).ToHaveTextAsync("ONLINE");
            await page.GetByRole(AriaRole.Combobox, new() { Name = "Property" }).ClickAsync();
            await page.GetByRole(AriaRole.Option, new() { Name = "mode", Exact = false }).First.ClickAsync();
            await page.FillAsync("#hub-set-value", "1");
            await Assertions.Expect(page.Locator("#hub-set")).ToBeEnabledAsync();
            await page.ClickAsync("#hub-set");
            await Assertions.Expect(page.Locator("#hub-set-result")).ToContainTextAsync("""Sent {"mode":1}""");
            var request = await device.NextRequestAsync(device.Sys("thing/service/property/set"));
            Assert.Equal(1, request.GetProperty("params").GetProperty("mode").GetInt32());
        }

        // The operator may not change the skin: its button is disabled (and the platform would refuse anyway).
        await page.OpenAsync($"/console/projects/{p.ProjectId}/hub/skin");
        await Assertions.Expect(page.Locator("#skin-save")).ToBeDisabledAsync();

        // The admin's skin page: a bad colour is refused; a new colour and a PNG logo are saved and shown by the frame.
        await admin.OpenAsync($"/console/projects/{p.ProjectId}/hub/skin");
        await Assertions.Expect(admin.Locator("#skin-hub-name")).ToHaveValueAsync("Acme Care");
        await admin.FillAsync("#skin-hub-color", "teal");
        await admin.ClickAsync("#skin-save");
        await Assertions.Expect(admin.Locator("[data-test=error]")).ToContainTextAsync("#rrggbb");
        await admin.FillAsync("#skin-hub-color", "#00897b");
        await admin.SetInputFilesAsync("#skin-hub-logo", new FilePayload
        {
            Name = "logo.png", MimeType = "image/png", Buffer = Convert.FromBase64String(OpsHubSkinTests.Png["data:image/png;base64,".Length..]),
        });
        await Assertions.Expect(admin.Locator("[data-test=skin-hub-logo-preview]")).ToHaveAttributeAsync("src", OpsHubSkinTests.Png);
        await admin.ClickAsync("#skin-save");
        await Assertions.Expect(admin.Locator("#hub-bar")).ToHaveCSSAsync("background-color", "rgb(0, 137, 123)");
        await Assertions.Expect(admin.Locator("#hub-logo")).ToHaveAttributeAsync("src", OpsHubSkinTests.Png);
        await Assertions.Expect(admin.Locator("#hub-name")).ToHaveTextAsync("Acme Care");
    }
}
