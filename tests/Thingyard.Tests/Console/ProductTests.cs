// The console's product pages in a real browser: creating a product from the list, searching and paging it, its
// settings, secret and deletion, its topic list, its remote configuration, and a viewer who sees everything but whose
// forced changes the server refuses.
using System.Text.Json;
using Microsoft.Playwright;
using Thingyard.Tests.Infrastructure;
using Thingyard.Tests.Messaging;
using Thingyard.Tests.Registry;

namespace Thingyard.Tests.Console;

public sealed class ProductTests(ConsoleFixture console) : IClassFixture<ConsoleFixture>
{
    ThingyardServer Server => console.Server;

    async Task<IPage> AdminAsync(int width = 1280)
    {
        var page = await console.NewPageAsync(width);
        await page.SignInAsync(ConsoleFixture.AdminUser, ConsoleFixture.AdminPassword);
        return page;
    }

    [Fact]
    public async Task A_product_created_from_the_list_page_has_the_chosen_settings_and_is_found_by_name_with_its_device_count()
    {
        var page = await AdminAsync();
        var name = RegistryCalls.Unique("Gw");
        var productKey = await page.CreateProductAsync(name, gateway: true, dynamicRegistration: true, description: "made in a browser");

        await Assertions.Expect(page.Locator("#info-key")).ToHaveTextAsync(productKey);
        await Assertions.Expect(page.Locator("#info-node-type")).ToHaveTextAsync("Gateway");
        await Assertions.Expect(page.Locator("#info-data-format")).ToHaveTextAsync("Alink JSON");
        await Assertions.Expect(page.Locator("#info-dynamic-state")).ToHaveTextAsync("on");
        var stored = (await Server.Call("QueryProduct", ("ProductKey", productKey))).At("Data");
        Assert.Equal(1, stored.At("NodeType").GetInt32());
        Assert.True(stored.At("DynamicRegistration").GetBoolean());
        Assert.Equal("made in a browser", stored.Str("Description"));

        await Server.NewDeviceAsync(productKey, "console-dev-1");
        await page.OpenAsync("/console/products");
        await page.FillAsync("#product-search", name.ToLowerInvariant());
        var rows = page.Locator("#product-table tbody tr");
        await Assertions.Expect(rows).ToHaveCountAsync(1);
        await Assertions.Expect(rows.Locator("[data-test=product-link]")).ToHaveTextAsync(name);
        await Assertions.Expect(rows.Locator("[data-test=device-count]")).ToHaveTextAsync("1");
        await page.ScreenshotAsync("products");

        await page.FillAsync("#product-search", "no-such-product-name-at-all");
        await Assertions.Expect(page.Locator("#product-table")).ToContainTextAsync("No product name contains that.");
    }

    [Fact]
    public async Task A_bad_product_name_is_refused_with_the_platforms_message_in_the_dialog()
    {
        var page = await AdminAsync();
        await page.OpenAsync("/console/products");
        await page.ClickAsync("#create-product");
        var dialog = page.GetByRole(AriaRole.Dialog);
        await dialog.Locator("#create-name").FillAsync("ab");
        await dialog.Locator("#create-submit").ClickAsync();
        await Assertions.Expect(dialog.Locator("[data-test=error]")).ToContainTextAsync("ProductName 'ab' is invalid");
        Assert.Contains("/console/products", page.Url);
    }

    [Fact]
    public async Task The_secret_is_shown_only_when_asked_and_a_product_with_devices_cannot_be_deleted()
    {
        var productKey = await Server.NewProductAsync("Info");
        await Server.NewDeviceAsync(productKey, "keeps-it-1");
        var page = await AdminAsync();
        await page.OpenProductAsync(productKey);

        await Assertions.Expect(page.Locator("#info-secret")).ToHaveCountAsync(0);
        Assert.DoesNotContain((await Server.Call("QueryProduct", ("ProductKey", productKey))).Str("Data.ProductSecret"), await page.ContentAsync());
        await page.ClickAsync("#show-secret");
        await Assertions.Expect(page.Locator("#info-secret")).ToHaveTextAsync((await Server.Call("QueryProduct", ("ProductKey", productKey))).Str("Data.ProductSecret"));

        var renamed = RegistryCalls.Unique("Renamed");
        await page.FillAsync("#info-name", renamed);
        await page.FillAsync("#info-description", "edited in the console");
        await page.ClickAsync("#save-product");
        await Assertions.Expect(page.Locator("#product-title")).ToHaveTextAsync(renamed);
        Assert.Equal("edited in the console", (await Server.Call("QueryProduct", ("ProductKey", productKey))).Str("Data.Description"));

        await page.ClickAsync("#delete-product");
        await page.ClickAsync("#confirm-delete");
        await Assertions.Expect(page.Locator("[data-test=error]")).ToContainTextAsync("still has devices");
        Assert.Equal(renamed, (await Server.Call("QueryProduct", ("ProductKey", productKey))).Str("Data.ProductName"));

        await Server.Call("DeleteDevice", ("ProductKey", productKey), ("DeviceName", "keeps-it-1"));
        await page.ClickAsync("#delete-product");
        await page.ClickAsync("#confirm-delete");
        await page.WaitForURLAsync(url => url.EndsWith("/console/products", StringComparison.Ordinal));
        Assert.Equal("iot.prod.NotExistedProduct", (await Server.Fails("QueryProduct", ("ProductKey", productKey))).Code);
    }

    [Fact]
    public async Task The_topic_list_shows_the_thing_models_topics_and_the_topic_classes_with_their_direction()
    {
        var productKey = await Server.NewProductAsync("Topics", nodeType: 1);
        await Server.Call("CreateProductTopic", ("ProductKey", productKey), ("TopicShortName", "telemetry"), ("Operation", "PUB"));
        await Server.Call("CreateThingModel", ("ProductKey", productKey), ("ThingModelJson", """
            {"services":[{"identifier":"reboot","name":"Reboot","callType":"async","inputData":[],"outputData":[]}],
             "events":[{"identifier":"overheat","name":"Overheat","type":"alert","outputData":[]}]}
            """));
        var page = await AdminAsync();
        await page.OpenProductAsync(productKey, "topics");

        async Task ExpectAsync(string topic, string direction)
        {
            var row = page.Locator("#topic-table tbody tr", new() { Has = page.GetByText(topic, new() { Exact = true }) });
            await Assertions.Expect(row.Locator("[data-test=direction]")).ToHaveTextAsync(direction);
        }
        var dn = "${deviceName}";
        await ExpectAsync($"/sys/{productKey}/{dn}/thing/event/property/post", "publish");
        await ExpectAsync($"/sys/{productKey}/{dn}/thing/service/property/set", "subscribe");
        await ExpectAsync($"/sys/{productKey}/{dn}/thing/event/overheat/post", "publish");
        await ExpectAsync($"/sys/{productKey}/{dn}/thing/service/reboot", "subscribe");
        await ExpectAsync($"/sys/{productKey}/{dn}/thing/service/reboot_reply", "publish");
        await ExpectAsync($"/shadow/update/{productKey}/{dn}", "publish");
        await ExpectAsync($"/sys/{productKey}/{dn}/thing/config/push", "subscribe");
        await ExpectAsync($"/ext/ntp/{productKey}/{dn}/request", "publish");
        await ExpectAsync($"/{productKey}/{dn}/user/get", "subscribe");
        await ExpectAsync($"/{productKey}/{dn}/user/telemetry", "publish");
        await ExpectAsync($"/sys/{productKey}/{dn}/thing/topo/add", "publish");
    }

    [Fact]
    public async Task A_configuration_file_is_saved_as_a_version_and_pushed_to_a_connected_device()
    {
        var (d, device) = await Server.OnlineDeviceAsync("thing/config/push");
        await using var _ = device;
        var page = await AdminAsync();
        await page.OpenProductAsync(d.ProductKey, "config");

        await page.FillAsync("#config-content", "interval=30");
        await page.ClickAsync("#save-config");
        await Assertions.Expect(page.Locator("#config-versions [data-test=config-version]")).ToHaveCountAsync(1);
        await page.ClickAsync("#push-config");
        await Assertions.Expect(page.Locator("#push-result")).ToHaveTextAsync("Pushed to 1 connected device.");

        var push = (await device.NextAsync(r => r.Topic == device.Sys("thing/config/push"))).Json;
        using var anonymous = new HttpClient();
        Assert.Equal("interval=30", await anonymous.GetStringAsync(push.GetProperty("params").Str("url")));

        await page.FillAsync("#config-content", "");
        await page.ClickAsync("#save-config");
        await Assertions.Expect(page.Locator("[data-test=error]")).ToContainTextAsync("The configuration file is empty.");
        await Assertions.Expect(page.Locator("#config-versions [data-test=config-version]")).ToHaveCountAsync(1);
    }

    [Fact]
    public async Task A_viewer_sees_the_product_with_its_change_buttons_disabled_and_forced_clicks_are_refused()
    {
        var productKey = await Server.NewProductAsync("Viewed");
        var admin = await AdminAsync();
        await admin.AddUserAsync("product-viewer", "viewer-password-01", "Viewer");
        var name = (await Server.Call("QueryProduct", ("ProductKey", productKey))).Str("Data.ProductName");

        var page = await console.NewPageAsync();
        await page.SignInAsync("product-viewer", "viewer-password-01");
        await page.OpenAsync("/console/products");
        await Assertions.Expect(page.Locator("#create-product")).ToBeDisabledAsync();
        await page.ForceClickAsync("#create-product");
        await page.GetByRole(AriaRole.Dialog).Locator("#create-name").FillAsync(RegistryCalls.Unique("ByViewer"));
        await page.ForceClickAsync("#create-submit");
        await Assertions.Expect(page.GetByRole(AriaRole.Dialog).Locator("[data-test=error]")).ToContainTextAsync("viewer role cannot change");

        await page.OpenProductAsync(productKey);
        await Assertions.Expect(page.Locator("#product-title")).ToHaveTextAsync(name);
        await Assertions.Expect(page.Locator("#save-product")).ToBeDisabledAsync();
        await Assertions.Expect(page.Locator("#delete-product")).ToBeDisabledAsync();
        await Assertions.Expect(page.Locator("[data-test=read-only]")).ToBeVisibleAsync();
        await page.ForceClickAsync("#save-product");
        await Assertions.Expect(page.Locator("[data-test=error]")).ToContainTextAsync("User not authorized to operate on the specified resource");

        await page.OpenProductAsync(productKey, "features");
        await Assertions.Expect(page.Locator("#publish")).ToBeDisabledAsync();
        await Assertions.Expect(page.Locator("#add-property")).ToBeDisabledAsync();
        await page.ForceClickAsync("#publish");
        await Assertions.Expect(page.Locator("[data-test=error]")).ToContainTextAsync("viewer role cannot change");

        await page.OpenProductAsync(productKey, "config");
        await Assertions.Expect(page.Locator("#save-config")).ToBeDisabledAsync();
        await page.ForceClickAsync("#save-config");
        await Assertions.Expect(page.Locator("[data-test=error]")).ToContainTextAsync("viewer role cannot change");

        // Nothing changed: same name, nothing published, no configuration file, no product made by the viewer.
        Assert.Equal(name, (await Server.Call("QueryProduct", ("ProductKey", productKey))).Str("Data.ProductName"));
        Assert.Empty((await Server.Call("ListThingModelVersion", ("ProductKey", productKey))).At("Data.ModelVersions").EnumerateArray());
        using var rest = Server.Rest();
        var config = JsonDocument.Parse(await rest.GetStringAsync($"/api/v1/products/{productKey}/config")).RootElement;
        Assert.Equal(JsonValueKind.Null, config.GetProperty("current").ValueKind);
        var list = (await Server.Call("QueryProductList", ("PageSize", "50"), ("ProductName", "ByViewer"))).At("Data.Total").GetInt32();
        Assert.Equal(0, list);
    }

    [Fact]
    public async Task The_list_and_a_product_fit_a_phone_screen()
    {
        var productKey = await Server.NewProductAsync("Narrow");
        var page = await AdminAsync(390);
        foreach (var (tab, shown) in new[] { ("list", "#product-table"), ("info", "#save-product"), ("topics", "#topic-table"), ("features", "#add-property"), ("config", "#save-config") })
        {
            if (tab == "list") await page.OpenAsync("/console/products");
            else await page.OpenProductAsync(productKey, tab);
            await Assertions.Expect(page.Locator(shown)).ToBeVisibleAsync();
            // Neither the page nor a table scrolls sideways (a table would hide its overflow in its own scroll box).
            var overflow = await page.EvaluateAsync<bool>("""
                () => document.documentElement.scrollWidth > window.innerWidth + 1
                    || [...document.querySelectorAll('.mud-table-container')].some(e => e.scrollWidth > e.clientWidth + 1)
                """);
            Assert.False(overflow, $"the {tab} tab scrolls sideways at 390 px");
        }
    }
}
