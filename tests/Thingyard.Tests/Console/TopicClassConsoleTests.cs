// The product's "Topic classes" tab in a real browser: the default classes listed, a class added (then enforced by the
// broker for a connected device), edited and deleted; a bad name shown with the platform's message; a default class
// cannot be deleted; a viewer's forced change refused.
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Thingyard.Server.Connectivity;
using Thingyard.Tests.Connectivity;
using Thingyard.Tests.Infrastructure;
using Thingyard.Tests.Registry;

namespace Thingyard.Tests.Console;

public sealed class TopicClassConsoleTests(ConsoleFixture console) : IClassFixture<ConsoleFixture>
{
    ThingyardServer Server => console.Server;

    static ILocator Row(IPage page, string topic) =>
        page.Locator("#topic-class-table tbody tr", new() { Has = page.GetByText(topic, new() { Exact = true }) });

    [Fact]
    public async Task Topic_classes_are_listed_added_edited_and_deleted_and_the_broker_follows()
    {
        var pk = await Server.NewModelledProductAsync();
        var d = await Server.NewTestDeviceAsync(pk);
        var page = await console.NewPageAsync();
        await page.SignInAsync(ConsoleFixture.AdminUser, ConsoleFixture.AdminPassword);
        await page.OpenProductAsync(pk, "classes");
        var user = $"/{pk}/${{deviceName}}/user/";
        await Assertions.Expect(Row(page, user + "update").Locator("[data-test=operation]")).ToHaveTextAsync("publish");
        await Assertions.Expect(Row(page, user + "get").Locator("[data-test=operation]")).ToHaveTextAsync("subscribe");

        // A bad name: the platform's message, nothing added.
        await page.FillAsync("#topic-class-name", "bad name");
        await page.ClickAsync("#create-topic-class");
        await Assertions.Expect(page.ErrorLine()).ToContainTextAsync("letters, digits and _ only");

        await page.FillAsync("#topic-class-name", "report");
        await page.FillAsync("#topic-class-desc", "readings");
        await page.ClickAsync("#create-topic-class");
        await Assertions.Expect(page.Snackbar("Topic class added")).ToBeVisibleAsync();
        await Assertions.Expect(Row(page, user + "report")).ToContainTextAsync("readings");
        await page.ScreenshotAsync("product-topic-classes");

        var stats = Server.Services.GetRequiredService<ConnectivityStats>();
        await using var device = await Server.ConnectAsync(d);
        var before = stats.UnclassedPublishes;
        await device.PublishAsync($"/{pk}/{d.DeviceName}/user/report", "1", qos: 1);
        Assert.Equal(before, stats.UnclassedPublishes);

        // Edited to a subscribe class: the device may no longer publish there.
        var id = (await Server.Call("QueryProductTopic", ("ProductKey", pk))).At("Data.ProductTopicInfo").EnumerateArray()
            .Single(i => i.Str("TopicShortName") == user + "report").Str("Id");
        await page.ClickAsync($"#edit-topic-class-{id}");
        await page.Locator("body").SelectAsync("Devices may", "Subscribe");
        await page.ClickAsync("#save-topic-class");
        await Assertions.Expect(page.Snackbar("Topic class saved")).ToBeVisibleAsync();
        await Assertions.Expect(Row(page, user + "report").Locator("[data-test=operation]")).ToHaveTextAsync("subscribe");
        await device.PublishAsync($"/{pk}/{d.DeviceName}/user/report", "1", qos: 1);
        Assert.Equal(before + 1, stats.UnclassedPublishes);

        await page.ClickAsync($"#delete-topic-class-{id}");
        await Assertions.Expect(page.Snackbar($"{user}report deleted")).ToBeVisibleAsync();
        await Assertions.Expect(Row(page, user + "report")).ToHaveCountAsync(0);

        var getId = (await Server.Call("QueryProductTopic", ("ProductKey", pk))).At("Data.ProductTopicInfo").EnumerateArray()
            .Single(i => i.Str("TopicShortName") == user + "get").Str("Id");
        await page.ClickAsync($"#delete-topic-class-{getId}");
        await Assertions.Expect(page.ErrorLine()).ToContainTextAsync("is a default topic class and cannot be deleted");
        await Assertions.Expect(Row(page, user + "get")).ToHaveCountAsync(1);
    }

    [Fact]
    public async Task A_viewer_sees_the_classes_read_only_and_a_forced_add_is_refused()
    {
        var pk = await Server.NewProductAsync();
        await Server.AddConsoleUserAsync("classviewer", "viewer-password-1", "viewer");
        var page = await console.NewPageAsync();
        await page.SignInAsync("classviewer", "viewer-password-1");
        await page.OpenProductAsync(pk, "classes");
        await Assertions.Expect(page.Locator("[data-test=read-only]")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("#create-topic-class")).ToBeDisabledAsync();
        await page.ForceClickAsync("#create-topic-class");
        await Assertions.Expect(page.ErrorLine()).ToContainTextAsync("the viewer role cannot change anything");
        Assert.Equal(3, (await Server.Call("QueryProductTopic", ("ProductKey", pk))).At("Data.ProductTopicInfo").GetArrayLength());
    }
}
