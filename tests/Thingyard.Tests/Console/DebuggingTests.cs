// Online debugging in a real browser with a real MQTT device: property sets the device receives, values the thing
// model refuses before anything is sent, sync and async service calls with the device's answer, the live log, and a
// viewer refused by the server. The product's model is ConnectivityCalls.SampleTsl (temperature float -40..120 rw,
// mode enum rw, serial text r; services reboot async, ping sync).
using Microsoft.Playwright;
using Thingyard.Tests.Connectivity;
using Thingyard.Tests.Infrastructure;
using Thingyard.Tests.Messaging;

namespace Thingyard.Tests.Console;

public sealed class DebuggingTests : IClassFixture<ConsoleFixture>
{
    readonly ConsoleFixture console;

    public DebuggingTests(ConsoleFixture console)
    {
        this.console = console;
        DeviceSteps.UseSlowMachineTimeouts();
    }

    ThingyardServer Server => console.Server;

    async Task<IPage> AdminAsync()
    {
        var page = await console.NewPageAsync();
        await page.SignInAsync(ConsoleFixture.AdminUser, ConsoleFixture.AdminPassword);
        return page;
    }

    /// <summary>A new device of a modelled product, connected and subscribed to the given topics.</summary>
    async Task<(TestDevice Info, MqttDevice Mqtt)> OnlineAsync(string name, params string[] filters)
    {
        var d = await Server.NewTestDeviceAsync(await Server.NewModelledProductAsync(), name);
        return (d, await Server.ConnectOnlineAsync(d, filters));
    }

    [Fact]
    public async Task Setting_a_property_sends_the_device_the_set_message_with_that_value()
    {
        var (d, device) = await OnlineAsync("heater-1", "thing/service/property/set");
        await using var connection = device;
        var page = await AdminAsync();
        await page.OpenDebugAsync(d.ProductKey, d.DeviceName);
        await Assertions.Expect(page.Locator("#debug-status")).ToHaveAttributeAsync("data-status", "ONLINE");

        await page.SetPropertyAsync("temperature", "36.6");
        var set = await device.NextRequestAsync(device.Sys("thing/service/property/set"));
        Assert.Equal("thing.service.property.set", set.GetProperty("method").GetString());
        Assert.Equal(36.6, set.GetProperty("params").GetProperty("temperature").GetDouble());
        await Assertions.Expect(page.Locator("[data-test='set-result-temperature']")).ToContainTextAsync(set.GetProperty("id").GetString()!);

        await page.SetPropertyAsync("mode", "1");
        var mode = await device.NextRequestAsync(device.Sys("thing/service/property/set"));
        Assert.Equal(1, mode.GetProperty("params").GetProperty("mode").GetInt32());

        // The live log shows what went down to the device.
        var down = page.LiveLog().Filter(new() { HasText = "thing/service/property/set" });
        await Assertions.Expect(down.Filter(new() { HasText = "36.6" })).ToHaveCountAsync(1);
        await Assertions.Expect(down.Filter(new() { HasText = "36.6" }).Locator("[data-test=log-direction]")).ToHaveTextAsync("down");
        await page.ScreenshotAsync("debugging");
    }

    [Fact]
    public async Task An_out_of_range_value_is_refused_next_to_the_input_and_nothing_is_sent()
    {
        var (d, device) = await OnlineAsync("heater-2", "thing/service/property/set");
        await using var connection = device;
        var page = await AdminAsync();
        await page.OpenDebugAsync(d.ProductKey, d.DeviceName);

        await page.SetPropertyAsync("temperature", "500");
        await Assertions.Expect(page.FieldOf("prop-temperature")).ToContainTextAsync("temperature: 500 is above max 120");
        await page.FillAsync("#svc-reboot-delay", "61");
        await page.ClickAsync("#invoke-reboot");
        await Assertions.Expect(page.FieldOf("svc-reboot-delay")).ToContainTextAsync("delay: 61 is above max 60");
        await page.FillAsync("#svc-ping-n", "2.5");
        await page.ClickAsync("#invoke-ping");
        await Assertions.Expect(page.FieldOf("svc-ping-n")).ToContainTextAsync("n: 2.5 is not an integer");
        Assert.False(await device.ReceivesAsync(r => r.Topic.Contains("/thing/service/"), 1000));
        await Assertions.Expect(page.LiveLog("down")).ToHaveCountAsync(0);

        // Corrected, it goes through and the refusal is gone.
        await page.SetPropertyAsync("temperature", "119.5");
        var set = await device.NextRequestAsync(device.Sys("thing/service/property/set"));
        Assert.Equal(119.5, set.GetProperty("params").GetProperty("temperature").GetDouble());
        await Assertions.Expect(page.FieldOf("prop-temperature")).Not.ToContainTextAsync("above max");
    }

    [Fact]
    public async Task Invoking_a_sync_service_shows_the_device_answer()
    {
        var (d, device) = await OnlineAsync("pinger", "rrpc/request/+");
        await using var connection = device;
        var page = await AdminAsync();
        await page.OpenDebugAsync(d.ProductKey, d.DeviceName);

        await page.InvokeServiceAsync("ping", new Dictionary<string, string> { ["n"] = "7" });
        var request = await device.NextAsync(r => r.Topic.StartsWith(device.Sys("rrpc/request/"), StringComparison.Ordinal));
        Assert.Equal(7, request.Json.GetProperty("params").GetProperty("n").GetInt32());
        var id = request.Json.GetProperty("id").GetString();
        await device.PublishAsync(device.Sys($"rrpc/response/{id}"), $$"""{"id":"{{id}}","code":200,"data":{"echo":7} }""");

        var reply = page.ServiceReply("ping");
        await Assertions.Expect(reply).ToHaveAttributeAsync("data-state", "replied");
        await Assertions.Expect(reply).ToContainTextAsync("\"echo\": 7");
    }

    [Fact]
    public async Task Invoking_an_async_service_shows_the_reply_the_device_sends_later()
    {
        var (d, device) = await OnlineAsync("rebooter", "thing/service/reboot");
        await using var connection = device;
        var page = await AdminAsync();
        await page.OpenDebugAsync(d.ProductKey, d.DeviceName);

        await page.InvokeServiceAsync("reboot", new Dictionary<string, string> { ["delay"] = "3" });
        var request = await device.NextRequestAsync(device.Sys("thing/service/reboot"));
        Assert.Equal(3, request.GetProperty("params").GetProperty("delay").GetInt32());
        var reply = page.ServiceReply("reboot");
        await Assertions.Expect(reply).ToHaveAttributeAsync("data-state", "waiting");

        var id = request.GetProperty("id").GetString();
        await device.PublishAsync(device.Sys("thing/service/reboot_reply"), $$"""{"id":"{{id}}","code":200,"data":{"done":true} }""");
        await Assertions.Expect(reply).ToHaveAttributeAsync("data-state", "replied");
        await Assertions.Expect(reply).ToContainTextAsync("\"done\": true");
    }

    [Fact]
    public async Task The_live_log_follows_the_device_and_can_be_filtered_and_paused()
    {
        var (d, device) = await OnlineAsync("chatty");
        await using var connection = device;
        var page = await AdminAsync();
        await page.OpenDebugAsync(d.ProductKey, d.DeviceName);

        await device.PostPropertiesAsync("""{"temperature":20.5}""");
        var posts = page.LiveLog().Filter(new() { HasText = "thing/event/property/post" });
        await Assertions.Expect(page.LiveLog("up").Filter(new() { HasText = "thing/event/property/post" }).First).ToContainTextAsync("20.5");

        await page.FillAsync("#log-filter", "no-such-topic");
        await Assertions.Expect(page.LiveLog().Filter(new() { HasText = "thing/event" })).ToHaveCountAsync(0);
        await page.FillAsync("#log-filter", "property/post");
        await Assertions.Expect(posts.First).ToBeVisibleAsync();

        await page.ClickAsync("#log-pause");
        // The pause travels over the circuit: post only once the page says it is paused.
        await Assertions.Expect(page.Locator("#log-state")).ToContainTextAsync("Paused");
        await device.PostPropertiesAsync("""{"temperature":21.75}""");
        await Assertions.Expect(page.Locator("#log-state")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex(@"Paused: [1-9]\d* new messages"));
        await Assertions.Expect(page.LiveLog().Filter(new() { HasText = "21.75" })).ToHaveCountAsync(0);
        await page.ClickAsync("#log-pause");
        await Assertions.Expect(page.LiveLog().Filter(new() { HasText = "21.75" }).First).ToBeVisibleAsync();
    }

    [Fact]
    public async Task The_device_is_picked_by_product_and_name()
    {
        var (d, device) = await OnlineAsync("pickable-one");
        await using var connection = device;
        var page = await AdminAsync();
        await page.OpenAsync("/console/debug");
        await Assertions.Expect(page.Locator("#debug-pick")).ToBeVisibleAsync();
        await page.PickProductAsync("debug-product", d.ProductKey);
        await page.FillAsync("#debug-device", "pickable");
        await page.GetByRole(AriaRole.Option, new() { Name = "pickable-one", Exact = true }).ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex($"/console/debug/{d.ProductKey}/pickable-one$"));
        await Assertions.Expect(page.Locator("#debug-device-name")).ToContainTextAsync("pickable-one");
        await Assertions.Expect(page.Locator("#debug-device")).ToHaveValueAsync("pickable-one");
        await Assertions.Expect(page.Locator("#set-temperature")).ToBeVisibleAsync();
    }

    [Fact]
    public async Task A_viewer_cannot_set_a_property_even_by_forcing_the_button()
    {
        var (d, device) = await OnlineAsync("guarded", "thing/service/property/set");
        await using var connection = device;
        var admin = await AdminAsync();
        await admin.AddViewerAsync("debug-viewer", "viewer-password-1");

        var page = await console.NewPageAsync();
        await page.SignInAsync("debug-viewer", "viewer-password-1");
        await page.OpenDebugAsync(d.ProductKey, d.DeviceName);
        await Assertions.Expect(page.Locator("#read-only-note")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("#set-temperature")).ToBeDisabledAsync();

        await page.FillAsync("#prop-temperature", "30");
        await page.EvalOnSelectorAsync("#set-temperature", "b => b.removeAttribute('disabled')");
        await page.ClickAsync("#set-temperature");
        await Assertions.Expect(page.Locator("[data-test=error]")).ToContainTextAsync("viewer role cannot send commands");
        Assert.False(await device.ReceivesAsync(r => r.Topic.Contains("/thing/service/property/set"), 1000));
    }
}
