// The console end to end, in a real browser against a real device over MQTT: an admin signs in, creates a product,
// defines a float property with a range and an async service in the editor, publishes, registers a device, starts a
// device (Thingyard.Protocol's DeviceClient), sees its value arrive live on the device page, sets the property from
// the debugging page (the device receives it), invokes the service (the reply shows); then a viewer can do none of it:
// forced clicks are refused by the server and the device receives nothing. Runs on SQLite and PostgreSQL (tests/run.sh).
using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.Playwright;
using Thingyard.Protocol.Devices;

namespace Thingyard.Tests.Console;

public sealed class ConsoleWalkTests(ConsoleFixture console) : IClassFixture<ConsoleFixture>
{
    [Fact]
    public async Task An_admin_builds_a_product_and_drives_a_live_device_and_a_viewer_can_do_none_of_it()
    {
        DeviceSteps.UseSlowMachineTimeouts();
        var page = await console.NewPageAsync();
        await page.SignInAsync(ConsoleFixture.AdminUser, ConsoleFixture.AdminPassword);

        // A product with a float property (range, step, unit) and an async service, defined in the editor, published.
        var pk = await page.CreateProductAsync("Walk_Lamp");
        await page.OpenProductAsync(pk, "features");
        await page.AddFloatPropertyAsync("temperature", "Temperature", "-20", "60", step: "0.1", unit: "°C");
        await page.AddAsyncServiceAsync("calibrate", "Calibrate",
            [new ParamSpec("offset", "Offset", "float", "-5", "5")], [new ParamSpec("applied", "Applied", "float", "-5", "5")]);
        await page.PublishAsync("1.0.0");
        await page.ScreenshotAsync("product-features");

        // A device registered on the device list, and started with its secret.
        await page.RegisterDeviceAsync(pk, "walk-01");
        var detail = await console.Server.Rpc().CallAsync("QueryDeviceDetail", [new("ProductKey", pk), new("DeviceName", "walk-01")]);
        var secret = detail.GetProperty("Data").GetProperty("DeviceSecret").GetString()!;
        var sets = new ConcurrentQueue<string>();
        var calls = new ConcurrentQueue<string>();
        await using var device = new DeviceClient(new DeviceTriplet(pk, "walk-01", secret), new DeviceClientOptions { Port = console.Server.MqttPort });
        device.OnPropertySet = (p, _) => { sets.Enqueue(p.GetRawText()); return Task.FromResult(200); };
        device.HandleService("calibrate", (p, _) =>
        {
            calls.Enqueue(p.GetRawText());
            var offset = p.GetProperty("offset").GetDouble();
            return Task.FromResult(ServiceResult.Ok(JsonSerializer.Serialize(new { applied = offset })));
        });
        await device.ConnectAsync();

        // Its value arrives live on the device page (no reload).
        await page.OpenDeviceAsync(pk, "walk-01");
        Assert.True((await device.PostPropertiesAsync("""{"temperature":23.5}""")).Ok);
        await Assertions.Expect(page.PropertyValue("temperature")).ToContainTextAsync("23.5");
        await page.ScreenshotAsync("device-detail");

        // Set from the debugging page: the device receives the value.
        await page.OpenDebugAsync(pk, "walk-01");
        await page.SetPropertyAsync("temperature", "30.5");
        await WaitUntilAsync(() => sets.Any(s => s.Contains("30.5")), "the device to receive temperature 30.5");
        // Out of the model's range: refused next to the input, nothing sent.
        var before = sets.Count;
        await page.SetPropertyAsync("temperature", "99");
        await Assertions.Expect(page.FieldOf("prop-temperature")).ToContainTextAsync("60");
        // Invoke the async service: the device's reply shows.
        await page.InvokeServiceAsync("calibrate", new Dictionary<string, string> { ["offset"] = "1.5" });
        await Assertions.Expect(page.ServiceReply("calibrate")).ToHaveAttributeAsync("data-state", "replied");
        await Assertions.Expect(page.ServiceReply("calibrate")).ToContainTextAsync("1.5");
        Assert.Single(calls);
        await page.ScreenshotAsync("debugging");
        Assert.Equal(before, sets.Count);

        // A viewer sees all of it and changes none of it: the buttons are disabled, and forcing them is refused by the server.
        await page.AddViewerAsync("walk-viewer", "walk-viewer-password");
        var viewer = await console.NewPageAsync();
        await viewer.SignInAsync("walk-viewer", "walk-viewer-password");
        await viewer.OpenDebugAsync(pk, "walk-01");
        await Assertions.Expect(viewer.Locator("#set-temperature")).ToBeDisabledAsync();
        await viewer.EnterAndForceAsync("#prop-temperature", "12.5", "#set-temperature");
        await Assertions.Expect(viewer.Locator("[data-test=error]")).ToContainTextAsync("viewer role cannot send commands");
        await viewer.EnterAndForceAsync(null, null, "#invoke-calibrate");
        await Assertions.Expect(viewer.Locator("[data-test=error]")).ToContainTextAsync("viewer role cannot send commands");
        await viewer.OpenProductAsync(pk, "features");
        await viewer.ForceClickAsync("#publish");
        await Assertions.Expect(viewer.Locator("[data-test=error]")).ToContainTextAsync("viewer role cannot change");
        Assert.Equal(before, sets.Count);
        Assert.Single(calls);
        var versions = await console.Server.Rpc().CallAsync("ListThingModelVersion", [new("ProductKey", pk)]);
        Assert.Equal(1, versions.GetProperty("Data").GetProperty("ModelVersions").GetArrayLength());
    }

    static async Task WaitUntilAsync(Func<bool> condition, string what)
    {
        var until = DateTime.UtcNow.AddSeconds(20);
        while (!condition())
        {
            if (DateTime.UtcNow > until) throw new TimeoutException($"waited 20 s for {what}");
            await Task.Delay(50);
        }
    }
}

static class ForcedSteps
{
    /// <summary>Types a value (when given) and force-clicks a disabled button, as someone with the browser's tools would.</summary>
    public static async Task EnterAndForceAsync(this IPage page, string? input, string? value, string button)
    {
        if (input is not null)
        {
            await page.EvalOnSelectorAsync(input, "e => { e.removeAttribute('disabled'); e.removeAttribute('readonly'); }");
            await page.FillAsync(input, value!);
        }
        await page.ForceClickAsync(button);
    }
}
