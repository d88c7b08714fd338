// The console's server-side subscription pages in a real browser: a consumer group created, a product subscribed to it
// with the kinds chosen, a rhea client (tests/compat/amqp.js) shown connected in the group's live status and its
// consumption counted; the refusal to delete a group still in a subscription shown; a viewer's forced change refused;
// a user of another account sees none of this account's groups or subscriptions.
using Microsoft.Playwright;
using Thingyard.Tests.Connectivity;
using Thingyard.Tests.Infrastructure;
using Thingyard.Tests.Registry;
using Thingyard.Tests.Subscriptions;

namespace Thingyard.Tests.Console;

public sealed class SubscriptionConsoleTests(ConsoleFixture console) : IClassFixture<ConsoleFixture>
{
    ThingyardServer Server => console.Server;

    static ILocator GroupRow(IPage page, string groupId) => page.Locator("#consumer-groups-table tbody tr", new() { HasTextString = groupId });

    [Fact]
    public async Task A_group_is_made_a_product_subscribed_to_it_and_a_connected_client_and_its_consumption_show_live()
    {
        var pk = await Server.NewModelledProductAsync();
        var d = await Server.NewTestDeviceAsync(pk);
        var page = await console.NewPageAsync();
        await page.SignInAsync(ConsoleFixture.AdminUser, ConsoleFixture.AdminPassword);

        await page.OpenAsync("/console/subscriptions");
        var name = RegistryCalls.Unique("walk").Replace("-", "_");
        await page.FillAsync("#consumer-group-name", name);
        await page.ClickAsync("#create-consumer-group");
        await Assertions.Expect(page.Snackbar("Consumer group created")).ToBeVisibleAsync();
        var groupId = (await Server.Call("QueryConsumerGroupList", ("GroupName", name))).At("Data.ConsumerGroupDTO")[0].Str("GroupId");
        await Assertions.Expect(GroupRow(page, groupId)).ToBeVisibleAsync();

        // Subscribe the product: device data (checked by default) and status, to the new group instead of DEFAULT_GROUP.
        await page.ClickAsync("#tab-subscriptions");
        await page.PickProductAsync("subscription-product", pk);
        await page.Locator("[data-test=kind-DeviceStatusChange] input").CheckAsync();
        await page.Locator($"[data-test=group-{groupId}] input").CheckAsync();
        await page.Locator("[data-test=group-DEFAULT_GROUP] input").UncheckAsync();
        await page.ClickAsync("#save-subscription");
        await Assertions.Expect(page.Snackbar("Subscription saved")).ToBeVisibleAsync();
        var row = page.Locator("#subscriptions-table tbody tr", new() { HasTextString = pk });
        await Assertions.Expect(row.Locator("[data-test=kinds]")).ToHaveTextAsync("Device data (DeviceDataFlag), Online / offline (DeviceStatusChangeFlag)");
        await Assertions.Expect(row.Locator("[data-test=groups]")).ToHaveTextAsync(groupId);
        var relation = await Server.Call("QuerySubscribeRelation", ("ProductKey", pk), ("Type", "AMQP"));
        Assert.True(relation.GetProperty("DeviceStatusChangeFlag").GetBoolean());
        Assert.Equal([groupId], relation.GetProperty("ConsumerGroupIds").EnumerateArray().Select(g => g.GetString()));

        // A client connects: the group's live status shows it; what it consumes is counted.
        await using var app = AmqpConsumers.Start(Server, groupId, clientId: "console-walk-app");
        await app.NextAsync("ready");
        await page.ClickAsync("#tab-consumer-groups");
        await Assertions.Expect(GroupRow(page, groupId).Locator("[data-test=client]")).ToContainTextAsync("console-walk-app 127.0.0.1:");
        await using (var device = await MqttDevice.ConnectAsync(Server, d.ProductKey, d.DeviceName, d.DeviceSecret))
            await device.RequestAsync(device.Sys("thing/event/property/post"), "thing.event.property.post", """{"temperature":25.5}""", qos: 1);
        for (var i = 0; i < 3; i++) await app.NextAsync("message"); // online, the post, offline
        await Assertions.Expect(GroupRow(page, groupId).Locator("[data-test=consumed]")).ToHaveTextAsync("3");
        await Assertions.Expect(GroupRow(page, groupId).Locator("[data-test=waiting]")).ToHaveTextAsync("0");
        await page.ScreenshotAsync("subscription-groups");

        // Still in a subscription: deleting the group is refused with the platform's message.
        await page.ClickAsync($"#delete-{groupId}");
        await Assertions.Expect(page.ErrorLine()).ToContainTextAsync("is in 1 subscription(s)");
        await page.ClickAsync("#tab-subscriptions");
        await page.ClickAsync($"#delete-{pk}");
        await Assertions.Expect(page.Snackbar("Subscription deleted")).ToBeVisibleAsync();
        await page.ClickAsync("#tab-consumer-groups");
        await page.ClickAsync($"#delete-{groupId}");
        await Assertions.Expect(page.Snackbar($"{groupId} deleted")).ToBeVisibleAsync();
        await Assertions.Expect(GroupRow(page, groupId)).ToHaveCountAsync(0);
        Assert.Contains("was deleted", (await app.NextAsync("refused")).GetProperty("error").GetString());
    }

    [Fact]
    public async Task A_viewer_sees_the_groups_read_only_and_a_forced_create_is_refused()
    {
        await Server.AddConsoleUserAsync("subviewer", "viewer-password-1", "viewer");
        var page = await console.NewPageAsync();
        await page.SignInAsync("subviewer", "viewer-password-1");
        await page.OpenAsync("/console/subscriptions");
        await Assertions.Expect(page.Locator("[data-test=read-only]")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("#create-consumer-group")).ToBeDisabledAsync();
        await page.ForceClickAsync("#create-consumer-group");
        await Assertions.Expect(page.ErrorLine()).ToContainTextAsync("the viewer role cannot change anything");
    }

    [Fact]
    public async Task A_user_of_another_account_sees_none_of_this_accounts_groups_or_subscriptions()
    {
        var pk = await Server.NewModelledProductAsync();
        var name = RegistryCalls.Unique("mine").Replace("-", "_");
        var groupId = (await Server.Call("CreateConsumerGroup", ("GroupName", name))).Str("GroupId");
        await Server.Call("CreateSubscribeRelation", ("ProductKey", pk), ("Type", "AMQP"), ("DeviceDataFlag", "true"), ("ConsumerGroupIds.1", groupId));
        // The admin sees both, so the checks below can fail.
        var mine = await console.NewPageAsync();
        await mine.SignInAsync(ConsoleFixture.AdminUser, ConsoleFixture.AdminPassword);
        await mine.OpenAsync("/console/subscriptions");
        await Assertions.Expect(GroupRow(mine, groupId)).ToBeVisibleAsync();
        await mine.OpenAsync("/console/subscriptions/products");
        await Assertions.Expect(mine.Locator("#subscriptions-table")).ToContainTextAsync(pk);

        var bUser = RegistryCalls.Unique("subbee");
        await Server.AccountWithUserAsync(bUser, "bee-password-01");
        var page = await console.NewPageAsync();
        await page.SignInAsync(bUser, "bee-password-01");
        await page.OpenAsync("/console/subscriptions");
        await Assertions.Expect(GroupRow(page, "DEFAULT_GROUP")).ToBeVisibleAsync(); // its own default group
        await Assertions.Expect(page.Locator("#consumer-groups-table")).Not.ToContainTextAsync(groupId);
        await Assertions.Expect(page.Locator("#consumer-groups-table")).Not.ToContainTextAsync(name);
        await page.OpenAsync("/console/subscriptions/products");
        await Assertions.Expect(page.Locator("[data-test=no-subscriptions]")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("#subscriptions-table")).Not.ToContainTextAsync(pk);
        await Assertions.Expect(page.Locator($"[data-test=group-{groupId}]")).ToHaveCountAsync(0);
    }
}
