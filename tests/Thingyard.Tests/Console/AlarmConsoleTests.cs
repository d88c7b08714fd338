// The console's alarm pages in a real browser: a threshold rule created on the rules page (a text property refused
// with the platform's message), a real MQTT device crossing it, the alarm appearing on the alarms page by itself,
// acknowledged, its history shown, and cleared; a viewer's forced change refused.
using Microsoft.Playwright;
using Thingyard.Tests.Alarms;
using Thingyard.Tests.Connectivity;
using Thingyard.Tests.Infrastructure;
using Thingyard.Tests.Registry;

namespace Thingyard.Tests.Console;

public sealed class AlarmConsoleTests(ConsoleFixture console) : IClassFixture<ConsoleFixture>
{
    ThingyardServer Server => console.Server;

    [Fact]
    public async Task A_rule_is_made_its_alarm_shows_up_live_and_is_acknowledged_and_cleared()
    {
        var pk = await Server.NewModelledProductAsync();
        var d = await Server.NewTestDeviceAsync(pk);
        var page = await console.NewPageAsync();
        await page.SignInAsync(ConsoleFixture.AdminUser, ConsoleFixture.AdminPassword);

        await page.OpenAsync("/console/alarms/rules");
        var name = RegistryCalls.Unique("walk");
        await page.PickProductAsync("alarm-rule-product", pk);
        await page.FillAsync("#alarm-rule-name", name);
        await page.FillAsync("#alarm-rule-identifier", "serial");
        await page.FillAsync("#alarm-rule-threshold", "40");
        await page.ClickAsync("#save-alarm-rule");
        await Assertions.Expect(page.ErrorLine()).ToContainTextAsync("a threshold needs an int, float or double property");

        await page.FillAsync("#alarm-rule-identifier", "temperature");
        await page.ClickAsync("#save-alarm-rule");
        await Assertions.Expect(page.Snackbar("Alarm rule saved")).ToBeVisibleAsync();
        var row = page.Locator("#alarm-rules-table tbody tr", new() { HasTextString = name });
        await Assertions.Expect(row.Locator("[data-test=trigger]")).ToHaveTextAsync("temperature > 40");
        await Assertions.Expect(row.Locator("[data-test=status]")).ToHaveTextAsync("RUNNING");
        var ruleId = (await Server.Call("ListAlarmRules", ("ProductKey", pk))).At("Data.RuleInfo")[0].Str("RuleId");

        // The alarms page is open before the device reports: the alarm appears by itself.
        await page.ClickAsync("#tab-alarms");
        await using (var device = await Server.ConnectAsync(d))
            await device.PostTemperatureAsync(44.5);
        var alarmId = (await Server.AlarmsAsync(ruleId, l => l.Count == 1))[0].Str("AlarmId");
        var alarm = page.Locator("#alarms-table tbody tr", new() { HasTextString = d.DeviceName });
        await Assertions.Expect(alarm.Locator("[data-test=state]")).ToHaveTextAsync("active");
        await Assertions.Expect(alarm.Locator("[data-test=value]")).ToHaveTextAsync("temperature = 44.5");

        await page.FillAsync("#alarm-note", "looking");
        await page.ClickAsync($"#ack-{alarmId}");
        await Assertions.Expect(page.Snackbar($"Alarm {alarmId} acknowledged")).ToBeVisibleAsync();
        await Assertions.Expect(alarm.Locator("[data-test=state]")).ToHaveTextAsync("acknowledged");
        await page.ClickAsync($"#history-{alarmId}");
        await Assertions.Expect(page.Locator("#alarm-history [data-test=history-row]")).ToHaveCountAsync(2);
        await Assertions.Expect(page.Locator("#alarm-history")).ToContainTextAsync("looking");
        await page.ScreenshotAsync("alarms");

        await page.ClickAsync($"#clear-{alarmId}");
        await Assertions.Expect(page.Snackbar($"Alarm {alarmId} cleared")).ToBeVisibleAsync();
        await Assertions.Expect(alarm).ToHaveCountAsync(0); // open alarms only
        await Assertions.Expect(page.Locator("#alarm-history [data-test=history-row]")).ToHaveCountAsync(3);
        Assert.Equal("cleared", (await Server.AlarmsAsync(ruleId, l => l.Count == 1))[0].Str("State"));

        // Disable and delete from the rules page.
        await page.ClickAsync("#tab-alarm-rules");
        await page.ClickAsync($"#toggle-rule-{ruleId}");
        await Assertions.Expect(row.Locator("[data-test=status]")).ToHaveTextAsync("STOPPED");
        await page.ClickAsync($"#delete-rule-{ruleId}");
        await Assertions.Expect(row).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task A_viewer_sees_the_rules_read_only_and_a_forced_create_is_refused()
    {
        await Server.AddConsoleUserAsync("alarmviewer", "viewer-password-1", "viewer");
        var page = await console.NewPageAsync();
        await page.SignInAsync("alarmviewer", "viewer-password-1");
        await page.OpenAsync("/console/alarms/rules");
        await Assertions.Expect(page.Locator("[data-test=read-only]")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("#save-alarm-rule")).ToBeDisabledAsync();
        await page.ForceClickAsync("#save-alarm-rule");
        await Assertions.Expect(page.ErrorLine()).ToContainTextAsync("the viewer role cannot change anything");
    }
}
