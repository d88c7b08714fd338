// The console's Groups and Tags pages in a real browser: a group made, filled with devices made through the OpenAPI,
// tagged, found by name; the platform's refusals shown as they come; a viewer who forces a delete is refused.
using Microsoft.Playwright;
using Thingyard.Tests.Infrastructure;
using Thingyard.Tests.Registry;

namespace Thingyard.Tests.Console;

public sealed class GroupTests(ConsoleFixture console) : IClassFixture<ConsoleFixture>
{
    ThingyardServer Server => console.Server;

    async Task<IPage> AdminPageAsync()
    {
        var page = await console.NewPageAsync();
        await page.SignInAsync(ConsoleFixture.AdminUser, ConsoleFixture.AdminPassword);
        return page;
    }

    [Fact]
    public async Task A_group_is_created_two_devices_are_added_and_listed_and_a_group_tag_is_set()
    {
        var (productKey, devices) = await Server.ProductWithDevicesAsync(3);
        var page = await AdminPageAsync();
        var name = RegistryCalls.Unique("lobby");
        var groupId = await page.CreateGroupAsync(name, "Lobby sensors");
        await Assertions.Expect(page.Locator("[data-test=no-members]")).ToBeVisibleAsync();

        await page.AddDevicesToGroupAsync(productKey, devices[0], devices[1], "no_such_device");
        await Assertions.Expect(page.Locator("#add-result")).ToHaveTextAsync($"Added 2 of 3. 1 not found in product {productKey}.");
        await Assertions.Expect(page.GroupMember(devices[0])).ToBeVisibleAsync();
        await Assertions.Expect(page.GroupMember(devices[1])).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("#members-table [data-test=member-name]")).ToHaveCountAsync(2);
        await Assertions.Expect(page.Locator("#group-device-count")).ToHaveTextAsync("2");
        // Adding one again is counted, not doubled.
        await page.AddDevicesToGroupAsync(productKey, devices[1]);
        await Assertions.Expect(page.Locator("#add-result")).ToHaveTextAsync("Added 0 of 1. 1 already in the group.");

        await page.AddGroupTagAsync("floor", "3");
        await Assertions.Expect(page.Snackbar("Tags saved")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("#tag-key-1")).ToHaveValueAsync("floor");
        var tags = await Server.Call("QueryDeviceGroupTagList", ("GroupId", groupId));
        Assert.Equal("3", tags.At("Data.GroupTagInfo")[0].GetProperty("TagValue").GetString());
        var members = await Server.Call("QueryDeviceListByDeviceGroup", ("GroupId", groupId));
        Assert.Equal(2, members.At("Total").GetInt32());
        await page.ScreenshotAsync("groups");

        // The list finds it by name (searched on the server) and opens it again, tag and description kept.
        await page.OpenAsync("/console/groups");
        await page.FillAsync("#group-search", name);
        await page.PressAsync("#group-search", "Enter");
        var link = page.Locator("#groups-table [data-test=group-link]");
        await Assertions.Expect(link).ToHaveCountAsync(1);
        await Assertions.Expect(link).ToHaveTextAsync(name);
        await link.ClickAsync();
        await Assertions.Expect(page.Locator("#tag-value-1")).ToHaveValueAsync("3");
        await Assertions.Expect(page.Locator("#group-description")).ToHaveValueAsync("Lobby sensors");

        // One device leaves the group.
        await page.GetByRole(AriaRole.Button, new() { Name = $"Remove {devices[0]} from the group" }).ClickAsync();
        await Assertions.Expect(page.GroupMember(devices[0])).ToHaveCountAsync(0);
        await Assertions.Expect(page.Locator("#group-device-count")).ToHaveTextAsync("1");
    }

    [Fact]
    public async Task Bad_input_shows_the_platforms_message_and_creates_nothing()
    {
        var page = await AdminPageAsync();
        await page.OpenAsync("/console/groups");
        await page.FillAsync("#group-name", "ab");
        await page.ClickAsync("#create-group");
        await Assertions.Expect(page.ErrorLine()).ToContainTextAsync("GroupName 'ab' is invalid");
        var named = await Server.Call("QueryDeviceGroupList", ("GroupName", "ab"), ("PageSize", "200"));
        Assert.DoesNotContain("ab", named.At("Data.GroupInfo").Pluck("GroupName"));

        var groupId = await Server.NewGroupAsync();
        await page.OpenGroupAsync(groupId);
        await page.AddGroupTagAsync("bad key!", "x");
        await Assertions.Expect(page.ErrorLine()).ToContainTextAsync("Tag key 'bad key!' is invalid");
    }

    [Fact]
    public async Task A_sub_group_is_made_from_its_parent_and_the_parent_cannot_be_deleted_while_it_has_one()
    {
        var page = await AdminPageAsync();
        var parentId = await page.CreateGroupAsync(RegistryCalls.Unique("building"));
        await page.ClickAsync("#new-subgroup");
        await Assertions.Expect(page.Locator("#parent-group")).ToBeVisibleAsync();
        var childName = RegistryCalls.Unique("floor");
        var childId = await page.CreateGroupAsync(childName, parentId: parentId);
        await Assertions.Expect(page.Locator("#parent-link")).ToHaveTextAsync(parentId);

        await page.OpenGroupAsync(parentId);
        await Assertions.Expect(page.Locator("#subgroups-table")).ToContainTextAsync(childName);
        await page.ClickAsync("#delete-group");
        await page.ConfirmAsync("Delete");
        await Assertions.Expect(page.ErrorLine()).ToContainTextAsync("has sub-groups");

        await page.OpenGroupAsync(childId);
        await page.ClickAsync("#delete-group");
        await page.ConfirmAsync("Delete");
        // The console moves to the list within the page (no new document to load).
        await page.WaitForURLAsync(u => u.EndsWith("/console/groups", StringComparison.Ordinal), new() { WaitUntil = WaitUntilState.Commit });
        Assert.Equal("iot.group.NotExistedGroup", (await Server.Fails("QueryDeviceGroupInfo", ("GroupId", childId))).Code);
    }

    [Fact]
    public async Task A_viewer_sees_the_group_read_only_and_forcing_delete_is_refused_with_forbidden()
    {
        await Server.AddConsoleUserAsync("groupviewer", "viewer-password-1", "viewer");
        var groupId = await Server.NewGroupAsync();
        var page = await console.NewPageAsync();
        await page.SignInAsync("groupviewer", "viewer-password-1");
        await page.OpenGroupAsync(groupId);
        await Assertions.Expect(page.Locator("[data-test=read-only]")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("#add-devices")).ToBeDisabledAsync();

        await page.ForceClickAsync("#delete-group");
        await page.ConfirmAsync("Delete");
        await Assertions.Expect(page.ErrorLine()).ToContainTextAsync("User not authorized to operate on the specified resource: the viewer role cannot change anything");
        Assert.Equal(groupId, (await Server.Call("QueryDeviceGroupInfo", ("GroupId", groupId))).Str("Data.GroupId"));
    }

    [Fact]
    public async Task Product_tags_are_added_changed_and_removed_and_products_and_devices_are_found_by_tag()
    {
        var (productKey, devices) = await Server.ProductWithDevicesAsync(1);
        var tagKey = "site" + Guid.NewGuid().ToString("N")[..8];
        await Server.Call("SaveDeviceProp", ("ProductKey", productKey), ("DeviceName", devices[0]), ("Props", $$"""{"{{tagKey}}":"north"}"""));
        var page = await AdminPageAsync();
        await page.OpenAsync("/console/tags");
        await page.FillAsync("#tags-product-key", productKey);
        await page.ClickAsync("#show-product-tags");
        await Assertions.Expect(page.Locator("[data-test=no-product-tags]")).ToBeVisibleAsync();
        await page.FillAsync("#new-product-tag-key", tagKey);
        await page.FillAsync("#new-product-tag-value", "north");
        await page.ClickAsync("#add-product-tag");
        await Assertions.Expect(page.Locator("#product-tags-table")).ToContainTextAsync(tagKey);

        await page.FillAsync("#find-tag-key", tagKey);
        await page.FillAsync("#find-tag-value", "north");
        await page.ClickAsync("#find-by-tag");
        await Assertions.Expect(page.Locator("#products-by-tag")).ToContainTextAsync(productKey);
        await Assertions.Expect(page.Locator("#devices-by-tag")).ToContainTextAsync(devices[0]);

        await page.GetByLabel($"Value of {tagKey}").FillAsync("south");
        await page.GetByRole(AriaRole.Button, new() { Name = $"Save {tagKey}" }).ClickAsync();
        await Assertions.Expect(page.Snackbar("Tag saved")).ToBeVisibleAsync();
        var listed = await Server.Call("ListProductTags", ("ProductKey", productKey));
        Assert.Equal("south", listed.At("Data.ProductTag")[0].GetProperty("TagValue").GetString());

        await page.GetByRole(AriaRole.Button, new() { Name = $"Delete {tagKey}" }).ClickAsync();
        await Assertions.Expect(page.Locator("[data-test=no-product-tags]")).ToBeVisibleAsync();
        await page.ClickAsync("#find-by-tag");
        await Assertions.Expect(page.Locator("[data-test=no-products-by-tag]")).ToBeVisibleAsync();

        // A key the platform does not take comes back as its answer.
        await page.FillAsync("#new-product-tag-key", "no spaces");
        await page.FillAsync("#new-product-tag-value", "x");
        await page.ClickAsync("#add-product-tag");
        await Assertions.Expect(page.ErrorLine()).ToContainTextAsync("did not accept the tag no spaces=x");
    }

    [Fact]
    public async Task The_group_and_tag_pages_fit_a_phone_screen()
    {
        var (productKey, devices) = await Server.ProductWithDevicesAsync(1);
        var groupId = await Server.NewGroupAsync();
        await Server.Call("BatchAddDeviceGroupRelations", ("GroupId", groupId), ("Device.1.ProductKey", productKey), ("Device.1.DeviceName", devices[0]));
        var page = await console.NewPageAsync(390, 844);
        await page.SignInAsync(ConsoleFixture.AdminUser, ConsoleFixture.AdminPassword);
        await page.FitsAsync("/console/groups", "#create-group");
        await page.FitsAsync($"/console/groups/{groupId}", "#add-devices");
        await Assertions.Expect(page.GroupMember(devices[0])).ToBeVisibleAsync();
        await page.FitsAsync("/console/tags", "#find-by-tag");
    }
}
