// The Devices pages in a real browser with real MQTT devices: registering one device and a batch (with its credentials
// CSV), the list's filters, the device page's live values and hidden secret, and a viewer refused by the server.
// Products and thing models are made through the OpenAPI (ConnectivityCalls.SampleTsl).
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Thingyard.Tests.Connectivity;
using Thingyard.Tests.Infrastructure;
using Thingyard.Tests.Messaging;
using Thingyard.Tests.Registry;

namespace Thingyard.Tests.Console;

public sealed class DeviceTests : IClassFixture<ConsoleFixture>
{
    readonly ConsoleFixture console;

    public DeviceTests(ConsoleFixture console)
    {
        this.console = console;
        DeviceSteps.UseSlowMachineTimeouts();
    }

    ThingyardServer Server => console.Server;

    async Task<IPage> AdminAsync(int width = 1280)
    {
        var page = await console.NewPageAsync(width);
        await page.SignInAsync(ConsoleFixture.AdminUser, ConsoleFixture.AdminPassword);
        return page;
    }

    [Fact]
    public async Task A_device_registered_from_the_list_is_listed_and_a_taken_name_is_refused_with_the_platform_message()
    {
        var pk = await Server.NewModelledProductAsync();
        var page = await AdminAsync();
        await page.RegisterDeviceAsync(pk, "lamp-01");
        await Assertions.Expect(page.Locator("#device-table [data-test=device-link]", new() { HasText = "lamp-01" })).ToBeVisibleAsync();
        var info = await Server.Call("QueryDeviceInfo", ("ProductKey", pk), ("DeviceName", "lamp-01"));
        Assert.Matches("^[0-9a-f]{32}$", info.Str("Data.DeviceSecret"));

        await page.RegisterDeviceAsync(pk, "lamp-01", expectRegistered: false);
        await Assertions.Expect(page.Locator("[data-test=error]")).ToContainTextAsync("already exists");
        await Assertions.Expect(page.Locator("#registered")).ToHaveCountAsync(0);

        await page.Locator("#device-table [data-test=device-link]", new() { HasText = "lamp-01" }).ClickAsync();
        await page.WaitForURLAsync($"**/console/devices/{pk}/lamp-01");
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("lamp-01");
    }

    [Fact]
    public async Task The_list_is_filtered_by_product_status_and_a_part_of_the_name()
    {
        var pkA = await Server.NewModelledProductAsync();
        var pkB = await Server.NewModelledProductAsync();
        await Server.NewTestDeviceAsync(pkA, "pump-north");
        await Server.NewTestDeviceAsync(pkA, "pump-south");
        await Server.NewTestDeviceAsync(pkB, "valve-east");
        await Server.Call("DisableThing", ("ProductKey", pkA), ("DeviceName", "pump-south"));
        var page = await AdminAsync();
        await page.OpenAsync("/console/devices");
        var rows = page.Locator("#device-table [data-test=device-link]");

        await page.PickProductAsync("filter-product", pkA);
        await Assertions.Expect(rows).ToHaveTextAsync(["pump-north", "pump-south"]);

        await page.GetByRole(AriaRole.Combobox, new() { Name = "Status", Exact = true }).ClickAsync();
        await page.GetByRole(AriaRole.Option, new() { Name = "disabled", Exact = true }).ClickAsync();
        await Assertions.Expect(rows).ToHaveTextAsync(["pump-south"]);
        await Assertions.Expect(page.Locator("#device-table [data-test=device-status]")).ToHaveTextAsync(["disabled"]);

        await page.FillAsync("#filter-name", "north");
        await Assertions.Expect(page.Locator("#no-devices")).ToBeVisibleAsync();

        await page.OpenAsync("/console/devices");
        await page.FillAsync("#filter-name", "valve-e");
        await Assertions.Expect(rows).ToHaveTextAsync(["valve-east"]);
        await page.ScreenshotAsync("devices");
    }

    [Fact]
    public async Task A_batch_of_five_devices_by_count_downloads_their_credentials_as_csv()
    {
        var pk = await Server.NewModelledProductAsync();
        var page = await AdminAsync();
        await page.BatchRegisterAsync(pk, 5);
        await Assertions.Expect(page.Locator("#batch-status")).ToContainTextAsync("5 of 5 devices created");

        var csv = await page.DownloadCredentialsAsync();
        var lines = csv.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("ProductKey,DeviceName,DeviceSecret", lines[0]);
        Assert.Equal(5, lines.Length - 1);
        foreach (var line in lines.Skip(1))
        {
            var cells = line.Split(',');
            Assert.Equal(pk, cells[0]);
            Assert.Matches("^[0-9a-f]{32}$", cells[2]);
            var info = await Server.Call("QueryDeviceInfo", ("ProductKey", pk), ("DeviceName", cells[1]));
            Assert.Equal(info.Str("Data.DeviceSecret"), cells[2]);
        }
        // The new devices are in the list (the batch reloads it).
        await page.PickProductAsync("filter-product", pk);
        await Assertions.Expect(page.Locator("#device-table [data-test=device-link]")).ToHaveCountAsync(5);
    }

    [Fact]
    public async Task A_batch_from_a_csv_of_names_registers_those_names_and_a_taken_name_stops_it()
    {
        var pk = await Server.NewModelledProductAsync();
        await Server.NewTestDeviceAsync(pk, "meter-taken");
        var page = await AdminAsync();
        await page.OpenAsync("/console/devices");
        await page.OpenPanelAsync("batch-panel", "batch-product");
        await page.PickProductAsync("batch-product", pk);
        await page.ClickAsync("#batch-mode-names");

        // The file input is wired to the circuit by a script once rendered; on a loaded machine a file chosen the moment
        // the input appears can come before that, so the person chooses it again, as they would.
        var names = new FilePayload { Name = "names.csv", MimeType = "text/csv", Buffer = "DeviceName\nmeter-1\nmeter-taken\n"u8.ToArray() };
        for (var attempt = 1; ; attempt++)
        {
            await page.SetInputFilesAsync("#batch-file", names);
            try
            {
                await Assertions.Expect(page.Locator("#batch-names-read")).ToHaveTextAsync("2 names read.", new() { Timeout = 5_000 });
                break;
            }
            catch (PlaywrightException) when (attempt < 3) { }
        }
        await page.ClickAsync("#batch-start");
        await Assertions.Expect(page.Locator("#batch-invalid")).ToContainTextAsync("meter-taken");
        await Assertions.Expect(page.Locator("#batch-progress")).ToHaveCountAsync(0);

        // Three names, so the count read tells this file from the first (with two, a start clicked before this file was
        // read sent the first file's names again, and the batch was refused for meter-taken).
        await page.SetInputFilesAsync("#batch-file", new FilePayload { Name = "names.csv", MimeType = "text/csv", Buffer = "meter-1,first floor\nmeter-2,second floor\nmeter-3,third floor\n"u8.ToArray() });
        await Assertions.Expect(page.Locator("#batch-names-read")).ToHaveTextAsync("3 names read.");
        await page.ClickAsync("#batch-start");
        await Assertions.Expect(page.Locator("#batch-status")).ToHaveAttributeAsync("data-status", "CREATE_SUCCESS");
        var csv = await page.DownloadCredentialsAsync();
        Assert.Equal(["meter-1", "meter-2", "meter-3"], csv.Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(l => l.Split(',')[1]).Order());
    }

    [Fact]
    public async Task The_device_page_shows_a_reported_property_value_live_without_reload()
    {
        var pk = await Server.NewModelledProductAsync();
        var d = await Server.NewTestDeviceAsync(pk, "thermo-live");
        await using var device = await Server.ConnectOnlineAsync(d);
        var page = await AdminAsync();
        await page.OpenDeviceAsync(pk, d.DeviceName);
        await Assertions.Expect(page.Locator("#device-status")).ToHaveAttributeAsync("data-status", "ONLINE");
        await Assertions.Expect(page.PropertyValue("temperature")).ToHaveTextAsync("—");

        await device.PostPropertiesAsync("""{"temperature":23.5,"mode":1}""");
        await Assertions.Expect(page.PropertyValue("temperature")).ToHaveTextAsync("23.5");
        await Assertions.Expect(page.PropertyValue("mode")).ToHaveTextAsync("1");
        await Assertions.Expect(page.Locator("#property-chart")).ToHaveAttributeAsync("data-points", "1");

        await device.PostPropertiesAsync("""{"temperature":24.25}""");
        await Assertions.Expect(page.PropertyValue("temperature")).ToHaveTextAsync("24.25");
        await Assertions.Expect(page.Locator("#property-chart")).ToHaveAttributeAsync("data-points", "2");
        await page.ScreenshotAsync("device-detail");

        // The device leaves: the status follows without a reload.
        await device.Client.DisconnectAsync(new MQTTnet.MqttClientDisconnectOptions());
        await Assertions.Expect(page.Locator("#device-status")).ToHaveAttributeAsync("data-status", "OFFLINE");
    }

    [Fact]
    public async Task A_gateway_page_lists_its_sub_devices_and_a_sub_device_page_links_its_gateway()
    {
        var g = await Server.NewTestDeviceAsync(await Server.NewModelledProductAsync(nodeType: 1), "gw-1");
        var sub = await Server.NewTestDeviceAsync(await Server.NewModelledProductAsync(), "gw-1-child");
        await using (var gateway = await Server.ConnectOnlineAsync(g)) await gateway.AddTopologyAsync(sub);
        var page = await AdminAsync();
        await page.OpenDeviceAsync(g.ProductKey, g.DeviceName);
        await Assertions.Expect(page.Locator("#device-product")).ToContainTextAsync("gateway");
        await page.GetByRole(AriaRole.Tab, new() { Name = "Sub-devices" }).ClickAsync();
        await page.Locator("#topology-table").GetByRole(AriaRole.Link, new() { Name = "gw-1-child" }).ClickAsync();
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("gw-1-child");
        await Assertions.Expect(page.Locator("#device-gateway")).ToHaveTextAsync("gw-1");
    }

    [Fact]
    public async Task The_device_secret_stays_hidden_until_revealed()
    {
        var pk = await Server.NewModelledProductAsync();
        var d = await Server.NewTestDeviceAsync(pk, "secretive");
        var page = await AdminAsync();
        await page.OpenDeviceAsync(pk, d.DeviceName);
        await Assertions.Expect(page.Locator("#device-secret-hidden")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("#device-secret")).ToHaveCountAsync(0);
        Assert.DoesNotContain(d.DeviceSecret, await page.ContentAsync());

        await page.ClickAsync("#reveal-secret");
        await Assertions.Expect(page.Locator("#device-secret")).ToHaveTextAsync(d.DeviceSecret);
    }

    [Fact]
    public async Task Another_accounts_device_is_not_found_on_the_device_and_debugging_pages()
    {
        var other = await Server.NewAccountAsync(RegistryCalls.Unique("acct"));
        var pk = (await Server.CallAs(other, "CreateProduct", ("ProductName", RegistryCalls.Unique("Theirs")), ("NodeType", "0"))).Str("ProductKey");
        var theirs = (await Server.CallAs(other, "RegisterDevice", ("ProductKey", pk), ("DeviceName", "their-device"))).At("Data");
        var page = await AdminAsync();

        await page.OpenDeviceAsync(pk, "their-device");
        await Assertions.Expect(page.Locator("#device-not-found")).ToContainTextAsync("does not exist");
        Assert.DoesNotContain(theirs.Str("DeviceSecret"), await page.ContentAsync());
        await Assertions.Expect(page.Locator("#reveal-secret")).ToHaveCountAsync(0);

        await page.OpenAsync($"/console/debug/{pk}/their-device");
        await Assertions.Expect(page.Locator("[data-test=error]")).ToContainTextAsync("does not exist");
        await Assertions.Expect(page.Locator("#live-log")).ToHaveCountAsync(0);

        await page.OpenAsync("/console/devices");
        await page.FillAsync("#filter-name", "their-device");
        await Assertions.Expect(page.Locator("#no-devices")).ToBeVisibleAsync();
    }

    [Fact]
    public async Task Tags_are_saved_and_deleted_and_the_device_is_disabled_enabled_and_deleted_from_its_page()
    {
        var pk = await Server.NewModelledProductAsync();
        var d = await Server.NewTestDeviceAsync(pk, "tagged-one");
        var page = await AdminAsync();
        await page.OpenDeviceAsync(pk, d.DeviceName);
        await page.GetByRole(AriaRole.Tab, new() { Name = "Tags" }).ClickAsync();
        await page.FillAsync("#tag-key", "room");
        await page.FillAsync("#tag-value", "kitchen");
        await page.ClickAsync("#tag-save");
        await Assertions.Expect(page.Locator("[data-test='tag-value-room']")).ToHaveTextAsync("kitchen");
        Assert.Contains("kitchen", (await Server.Call("QueryDeviceProp", ("ProductKey", pk), ("DeviceName", d.DeviceName))).Str("Props"));
        await page.FillAsync("#tag-key", "bad key!");
        await page.FillAsync("#tag-value", "x");
        await page.ClickAsync("#tag-save");
        await Assertions.Expect(page.Locator("[data-test=error]")).ToBeVisibleAsync();
        await page.ClickAsync("[data-test='tag-delete-room']");
        await Assertions.Expect(page.Locator("[data-test='tag-value-room']")).ToHaveCountAsync(0);

        await page.ClickAsync("#toggle-device");
        await Assertions.Expect(page.Locator("#device-status")).ToHaveAttributeAsync("data-status", "DISABLE");
        Assert.Equal("DISABLE", await Server.StatusAsync(d));
        await page.ClickAsync("#toggle-device");
        await Assertions.Expect(page.Locator("#device-status")).ToHaveAttributeAsync("data-status", "UNACTIVE");

        await page.ClickAsync("#delete-device");
        await page.GetByRole(AriaRole.Dialog).GetByRole(AriaRole.Button, new() { Name = "Delete", Exact = true }).ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(new Regex("/console/devices$"));
        var gone = await Server.Fails("QueryDeviceInfo", ("ProductKey", pk), ("DeviceName", d.DeviceName));
        Assert.Equal("iot.device.NotExistedDevice", gone.Code);
    }

    [Fact]
    public async Task A_viewer_cannot_disable_a_device_even_by_forcing_the_button()
    {
        var pk = await Server.NewModelledProductAsync();
        var d = await Server.NewTestDeviceAsync(pk, "kept-on");
        await using var device = await Server.ConnectOnlineAsync(d);
        var admin = await AdminAsync();
        await admin.AddViewerAsync("devices-viewer", "viewer-password-1");

        var page = await console.NewPageAsync();
        await page.SignInAsync("devices-viewer", "viewer-password-1");
        await page.OpenDeviceAsync(pk, d.DeviceName);
        await Assertions.Expect(page.Locator("#read-only-note")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("#toggle-device")).ToBeDisabledAsync();

        await page.EvalOnSelectorAsync("#toggle-device", "b => b.removeAttribute('disabled')");
        await page.ClickAsync("#toggle-device");
        await Assertions.Expect(page.Locator("[data-test=error]")).ToContainTextAsync("viewer role cannot change");
        Assert.Equal("ONLINE", await Server.StatusAsync(d));
        Assert.True(device.Client.IsConnected);
        await Assertions.Expect(page.Locator("#device-status")).ToHaveAttributeAsync("data-status", "ONLINE");
    }

    [Fact]
    public async Task The_device_pages_fit_a_phone_sized_screen()
    {
        var pk = await Server.NewModelledProductAsync();
        await Server.NewTestDeviceAsync(pk, "narrow-one");
        var page = await console.NewPageAsync(390, 844);
        await page.SignInAsync(ConsoleFixture.AdminUser, ConsoleFixture.AdminPassword);
        await page.OpenAsync("/console/devices");
        await page.FillAsync("#filter-name", "narrow-one");
        await Assertions.Expect(page.Locator("#device-table [data-test=device-link]")).ToHaveTextAsync(["narrow-one"]);
        await AssertFitsAsync(page);
        await page.OpenDeviceAsync(pk, "narrow-one");
        await Assertions.Expect(page.PropertyValue("temperature")).ToBeVisibleAsync();
        await AssertFitsAsync(page);
        await page.OpenDebugAsync(pk, "narrow-one");
        await Assertions.Expect(page.Locator("#set-temperature")).ToBeVisibleAsync();
        await AssertFitsAsync(page);
    }

    static async Task AssertFitsAsync(IPage page)
    {
        var overflow = await page.EvaluateAsync<bool>("document.documentElement.scrollWidth > window.innerWidth + 1");
        Assert.False(overflow, $"{page.Url} is wider than a 390 px screen");
    }
}
