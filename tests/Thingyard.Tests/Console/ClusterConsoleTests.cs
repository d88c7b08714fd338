// The console's Cluster page in a real browser: the platform operator sees the nodes serving the instance (here one node,
// holding the device connected to it and leading its own jobs) and refreshes it as devices come; a viewer is told the
// page is the operator's, from the API's own refusal. The nav shows the page to the operator only.
using Microsoft.Playwright;
using Thingyard.Tests.Connectivity;
using Thingyard.Tests.Infrastructure;

namespace Thingyard.Tests.Console;

public sealed class ClusterConsoleTests(ConsoleFixture fixture) : IClassFixture<ConsoleFixture>
{
    ThingyardServer Server => fixture.Server;

    [Fact]
    public async Task The_operator_sees_the_nodes_and_their_devices_and_a_viewer_is_refused()
    {
        var page = await fixture.NewPageAsync();
        await page.SignInAsync(ConsoleFixture.AdminUser, ConsoleFixture.AdminPassword);
        await page.OpenAsync("/console");
        await page.GetByRole(AriaRole.Link, new() { Name = "Cluster" }).ClickAsync();
        await Assertions.Expect(page.Locator("[data-test=cluster-mode]")).ToContainTextAsync("Single node");
        var row = page.Locator("#cluster-nodes tbody tr");
        await Assertions.Expect(row).ToHaveCountAsync(1);
        await Assertions.Expect(row.Locator("[data-test=node-name]")).ToContainTextAsync("(this node)");
        await Assertions.Expect(row.Locator("[data-test=node-status]")).ToContainTextAsync("ACTIVE");
        await Assertions.Expect(row.Locator("[data-test=node-role]")).ToContainTextAsync("runs the jobs");
        var before = int.Parse(await row.Locator("[data-test=node-devices]").InnerTextAsync());

        var pk = await Server.NewModelledProductAsync();
        await using var device = await Server.ConnectAsync(await Server.NewTestDeviceAsync(pk));
        await page.Locator("[data-test=refresh]").ClickAsync();
        await Assertions.Expect(row.Locator("[data-test=node-devices]")).ToHaveTextAsync((before + 1).ToString());
        await page.ScreenshotAsync("console-cluster");

        await Server.AddConsoleUserAsync("clusterviewer", "viewer-password-1", "viewer");
        var viewer = await fixture.NewPageAsync();
        await viewer.SignInAsync("clusterviewer", "viewer-password-1");
        await Assertions.Expect(viewer.GetByRole(AriaRole.Link, new() { Name = "Cluster" })).ToHaveCountAsync(0);
        await viewer.OpenAsync("/console/cluster");
        await Assertions.Expect(viewer.Locator("[data-test=not-operator]")).ToContainTextAsync("Only the platform operator");
        await Assertions.Expect(viewer.Locator("#cluster-nodes")).ToHaveCountAsync(0);
    }
}
