// Keys and accounts in the console, in a real browser: an AccessKey made on the AccessKeys page shows its secret once
// and, disabled there, is refused by the API; a user of another account sees nothing of this one's products, devices,
// groups or jobs on any list, and opening this account's group or job directly is "not found".
using System.Net;
using Microsoft.Playwright;
using Microsoft.Extensions.DependencyInjection;
using Thingyard.Distribution;
using Thingyard.Server.Distribution;
using Thingyard.Tests.Devices;
using Thingyard.Tests.Infrastructure;
using Thingyard.Tests.Registry;

namespace Thingyard.Tests.Console;

public sealed class AccessTests(ConsoleFixture console) : IClassFixture<ConsoleFixture>
{
    ThingyardServer Server => console.Server;

    [Fact]
    public async Task An_access_key_made_on_the_page_shows_its_secret_once_and_once_disabled_is_refused_by_the_api()
    {
        var page = await console.NewPageAsync();
        await page.SignInAsync(ConsoleFixture.AdminUser, ConsoleFixture.AdminPassword);
        await page.OpenAsync("/console/access-keys");
        await page.ClickAsync("#create-key");
        await Assertions.Expect(page.Locator("#new-key")).ToBeVisibleAsync();
        var id = (await page.Locator("[data-test=key-id]").TextContentAsync())!.Trim();
        var secret = (await page.Locator("[data-test=key-secret]").TextContentAsync())!.Trim();
        using (var rest = Server.Rest(id, secret))
            Assert.Equal(HttpStatusCode.OK, (await rest.GetAsync("/api/v1/groups")).StatusCode);

        await page.ReloadAsync();
        await page.WaitReadyAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Cell, new() { Name = id, Exact = true })).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("#new-key")).ToHaveCountAsync(0);
        Assert.DoesNotContain(secret, await page.ContentAsync());

        await page.GetByRole(AriaRole.Button, new() { Name = $"Disable {id}" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = $"Enable {id}" })).ToBeVisibleAsync();
        using (var rest = Server.Rest(id, secret))
            Assert.Equal(HttpStatusCode.Unauthorized, (await rest.GetAsync("/api/v1/groups")).StatusCode);
        Assert.Equal("InvalidAccessKeyId.NotFound", (await Assert.ThrowsAsync<Thingyard.Protocol.OpenApi.RpcCallException>(
            () => Server.Rpc(id, secret).CallAsync("QueryDeviceGroupList"))).Code);
    }

    [Fact]
    public async Task A_user_of_another_account_sees_nothing_of_this_accounts_data_and_its_urls_are_not_found()
    {
        // Account A (the admin account): a product with a tagged device in a group, and a finished distribution job.
        var (productKey, devices) = await Server.ProductWithDevicesAsync(1, "Mine");
        var tagKey = "mine" + Guid.NewGuid().ToString("N")[..8];
        await Server.Call("SaveDeviceProp", ("ProductKey", productKey), ("DeviceName", devices[0]), ("Props", $$"""{"{{tagKey}}":"a"}"""));
        await Server.Call("CreateProductTags", ("ProductKey", productKey), ("ProductTag.1.TagKey", tagKey), ("ProductTag.1.TagValue", "a"));
        var groupName = RegistryCalls.Unique("mine");
        var groupId = (await Server.Call("CreateDeviceGroup", ("GroupName", groupName))).Str("Data.GroupId");
        await Server.Call("BatchAddDeviceGroupRelations", ("GroupId", groupId), ("Device.1.ProductKey", productKey), ("Device.1.DeviceName", devices[0]));
        var jobId = await FinishedJobOfAdminAsync(productKey, devices[0]);

        // The admin sees all of it, so the checks below can fail.
        var mine = await console.NewPageAsync();
        await mine.SignInAsync(ConsoleFixture.AdminUser, ConsoleFixture.AdminPassword);
        await mine.OpenAsync("/console/groups");
        await Assertions.Expect(mine.Locator("#groups-table")).ToContainTextAsync(groupName);
        await mine.OpenAsync("/console/products");
        await Assertions.Expect(mine.Locator("#product-table")).ToContainTextAsync(productKey);
        await mine.OpenAsync("/console/devices");
        await Assertions.Expect(mine.Locator("#device-table")).ToContainTextAsync(devices[0]);
        await mine.OpenAsync("/console/distribution");
        await Assertions.Expect(mine.Locator("#jobs-table")).ToContainTextAsync(jobId);

        // Account B, with its first console user made by the admin over REST.
        var bUser = RegistryCalls.Unique("bee");
        await Server.AccountWithUserAsync(bUser, "bee-password-01");
        var page = await console.NewPageAsync();
        await page.SignInAsync(bUser, "bee-password-01");
        await Assertions.Expect(page.Locator("#whoami")).ToContainTextAsync($"{bUser} · owner");
        await page.OpenAsync("/console"); // the console opens on projects; the overview has the counts
        await Assertions.Expect(page.Locator("#stat-total")).ToHaveTextAsync("0");

        await page.OpenAsync("/console/groups");
        await Assertions.Expect(page.Locator("[data-test=no-groups]")).ToBeVisibleAsync();
        await page.FillAsync("#group-search", groupName);
        await page.PressAsync("#group-search", "Enter");
        await Assertions.Expect(page.Locator("[data-test=no-groups]")).ToContainTextAsync("match this name");
        await page.OpenAsync($"/console/groups/{groupId}");
        await Assertions.Expect(page.ErrorLine()).ToHaveTextAsync($"The group '{groupId}' does not exist.");
        await Assertions.Expect(page.Locator("#group-id")).ToHaveCountAsync(0);
        await page.OpenAsync($"/console/groups?parent={groupId}");
        await Assertions.Expect(page.ErrorLine()).ToHaveTextAsync($"The group '{groupId}' does not exist.");

        await page.OpenAsync("/console/distribution");
        await Assertions.Expect(page.Locator("[data-test=no-jobs]")).ToBeVisibleAsync();
        await page.OpenAsync($"/console/distribution/jobs/{jobId}");
        await Assertions.Expect(page.ErrorLine()).ToHaveTextAsync($"The distribution job '{jobId}' does not exist.");
        await Assertions.Expect(page.Locator("#job-items")).ToHaveCountAsync(0);
        await page.OpenAsync("/console/distribution/codes");
        await Assertions.Expect(page.Locator("[data-test=no-codes]")).ToBeVisibleAsync();

        await page.OpenAsync("/console/tags");
        await page.FillAsync("#find-tag-key", tagKey);
        await page.ClickAsync("#find-by-tag");
        await Assertions.Expect(page.Locator("[data-test=no-products-by-tag]")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("[data-test=no-devices-by-tag]")).ToBeVisibleAsync();
        await page.FillAsync("#tags-product-key", productKey);
        await page.ClickAsync("#show-product-tags");
        await Assertions.Expect(page.ErrorLine()).ToHaveTextAsync($"The product '{productKey}' does not exist.");

        // Products and devices: the lists leave A's out, and A's product and device pages are "not found".
        await page.OpenAsync("/console/products");
        await Assertions.Expect(page.Locator("#product-table")).Not.ToContainTextAsync(productKey);
        await page.OpenAsync("/console/devices");
        await Assertions.Expect(page.Locator("#no-devices")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("#device-table")).Not.ToContainTextAsync(devices[0]);
        await page.OpenAsync($"/console/products/{productKey}");
        await Assertions.Expect(page.ErrorLine()).ToContainTextAsync("does not exist");
        await page.OpenAsync($"/console/devices/{productKey}/{devices[0]}");
        await Assertions.Expect(page.Locator("#device-not-found")).ToContainTextAsync("does not exist");
        await Assertions.Expect(page.Locator("[data-test^=prop-value-]")).ToHaveCountAsync(0);

        // Adding A's device to a group of B's own finds no such device.
        var ownGroup = await page.CreateGroupAsync(RegistryCalls.Unique("bees"));
        await page.AddDevicesToGroupAsync(productKey, devices[0]);
        await Assertions.Expect(page.Locator("#add-result")).ToHaveTextAsync($"Added 0 of 1. 1 not found in product {productKey}.");
        Assert.NotEqual(groupId, ownGroup);
        Assert.DoesNotContain(groupName, await page.ContentAsync());
    }

    /// <summary>A job of the admin account as a finished run leaves it (one instance: no peer to run it against).</summary>
    async Task<string> FinishedJobOfAdminAsync(string productKey, string deviceName)
    {
        var jobId = "dj_" + Guid.NewGuid().ToString("N")[..20];
        await using var db = await Server.DbAsync();
        var admin = db.Accounts.OrderBy(a => a.Id).First();
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var job = new DistributionJob
        {
            JobId = jobId, AccountId = admin.Id, Kind = "device", ProductKey = productKey, TargetUid = admin.Uid, Total = 1,
            SourceInstanceId = Server.Services.GetRequiredService<InstanceDirectory>().SelfId, TargetInstanceIds = "iotx-elsewhere",
            Status = DistributionStatus.Completed, CreatedAtMs = now, ModifiedAtMs = now,
        };
        db.DistributionJobs.Add(job);
        await db.SaveChangesAsync();
        db.DistributionItems.Add(new DistributionItem { JobId = job.Id, DeviceName = deviceName, State = DistributionItemState.Done, Code = 200, ModifiedAtMs = now });
        await db.SaveChangesAsync();
        return jobId;
    }
}
