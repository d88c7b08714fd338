// The console's rules pages in a real browser: a rule created for a product's property posts, its SQL saved and tried
// on a sample message (the output shown, then a bad WHERE refused with its position), a webhook action added, the rule
// started; a device's post reaches the webhook and the rule's counts show it. A webhook that never answers leaves a
// dead letter the page lists and sends again.
using Microsoft.Playwright;
using Thingyard.Tests.Connectivity;
using Thingyard.Tests.Infrastructure;
using Thingyard.Tests.Registry;
using Thingyard.Tests.Rules;

namespace Thingyard.Tests.Console;

public sealed class RuleConsoleTests(ConsoleFixture console) : IClassFixture<ConsoleFixture>
{
    ThingyardServer Server => console.Server;

    [Fact]
    public async Task A_rule_is_written_tried_given_a_webhook_started_and_its_forwarding_counted()
    {
        using var hook = new WebhookReceiver { FailFirst = int.MaxValue };
        var pk = await Server.NewModelledProductAsync();
        var d = await Server.NewTestDeviceAsync(pk);
        var page = await console.NewPageAsync();
        await page.SignInAsync(ConsoleFixture.AdminUser, ConsoleFixture.AdminPassword);

        await page.OpenAsync("/console/rules");
        var name = RegistryCalls.Unique("hot");
        await page.FillAsync("#rule-name", name);
        await page.PickProductAsync("rule-product", pk);
        await page.ClickAsync("#create-rule");
        await Assertions.Expect(page.Locator("[data-test=rule-topic]")).ToHaveTextAsync($"/sys/{pk}/+/thing/event/property/post");

        await page.FillAsync("#rule-select", "deviceName() as device, items.temperature.value as t");
        await page.FillAsync("#rule-where", "items.temperature.value > 30");
        await page.ClickAsync("#save-rule");
        await Assertions.Expect(page.Snackbar("SQL saved")).ToBeVisibleAsync();
        await page.ClickAsync("#run-test");
        await Assertions.Expect(page.Locator("[data-test=test-result]")).ToHaveTextAsync("""Forwards: {"device":"device1","t":31.5}""");
        await page.FillAsync("#rule-where", "items.temperature.value >>");
        await page.ClickAsync("#run-test");
        await Assertions.Expect(page.Locator("[data-test=test-result]")).ToContainTextAsync("Where at character 26");
        await page.FillAsync("#rule-where", "items.temperature.value > 30");

        await page.SelectAsync("Type", "HTTPS webhook");
        await page.FillAsync("#action-configuration", $$"""{"url":"{{hook.Url}}"}""");
        await page.ClickAsync("#add-action");
        await Assertions.Expect(page.Locator("[data-test=action-type]")).ToHaveTextAsync("WEBHOOK");
        await page.ClickAsync("#toggle-rule");
        await Assertions.Expect(page.Locator("[data-test=rule-status]")).ToHaveTextAsync("Running");
        var ruleId = page.Url.Split('/').Last();

        await Server.EngineWatchesAsync(pk);
        await using (var device = await Server.ConnectAsync(d))
        {
            await device.RequestAsync(device.Sys("thing/event/property/post"), "thing.event.property.post", """{"temperature":36.5}""", qos: 1);
        }
        // The receiver is down: every attempt fails and the delivery becomes a dead letter, listed on the page.
        await ConnectivityCalls.EventuallyAsync(() => Server.Call("ListWebhookDeadLetters", ("Source", $"rule:{ruleId}")), r => r.GetProperty("Total").GetInt32() == 1);
        await page.ClickAsync("#refresh-rule");
        await Assertions.Expect(page.Locator("[data-test=rule-counts]")).ToHaveTextAsync("Matched 1 · forwarded 0 · failed 1");
        await Assertions.Expect(page.Locator("#dead-letters-table tbody tr")).ToContainTextAsync($$"""{"device":"{{d.DeviceName}}","t":36.5}""");
        await page.ScreenshotAsync("rule-detail");

        // The receiver comes up; "Send again" delivers it.
        hook.FailFirst = 0;
        await page.ClickAsync("#replay-dead-letters");
        Assert.Equal($$"""{"device":"{{d.DeviceName}}","t":36.5}""", Assert.Single(await hook.DeliveredAsync()).Text);
        await page.OpenAsync("/console/rules");
        var row = page.Locator("#rules-table tbody tr", new() { HasTextString = name });
        await Assertions.Expect(row.Locator("[data-test=status]")).ToHaveTextAsync("Running");
        await Assertions.Expect(row.Locator("[data-test=forwarded]")).ToHaveTextAsync("1");
        await page.ScreenshotAsync("rules");
    }
}
