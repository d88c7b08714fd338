// Device group actions over real HTTP: create, update, delete, info, list, membership (add, remove, by group, by device)
// and group tags.
using Thingyard.Tests.Infrastructure;
using static Thingyard.Tests.Registry.RegistryCalls;

namespace Thingyard.Tests.Registry;

public sealed class GroupActionTests(ThingyardServer server) : IClassFixture<ThingyardServer>
{
    static (string, string)[] Devices(string productKey, params string[] names) =>
        names.SelectMany((n, i) => new[] { ($"Device.{i + 1}.ProductKey", productKey), ($"Device.{i + 1}.DeviceName", n) }).ToArray();

    [Fact]
    public async Task Create_device_group_answers_its_id_name_and_description()
    {
        var name = Unique("Floor");
        var data = (await server.Call("CreateDeviceGroup", ("GroupName", name), ("GroupDesc", "second floor"))).At("Data");

        Assert.Matches("^[A-Za-z0-9]{16}$", data.Str("GroupId"));
        Assert.Equal(name, data.Str("GroupName"));
        Assert.Equal("second floor", data.Str("GroupDesc"));
        Assert.Matches(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$", data.Str("UtcCreate"));
    }

    [Fact]
    public async Task Group_names_must_be_valid_and_unique_under_the_same_parent()
    {
        var name = Unique("Twin");
        var parent = (await server.Call("CreateDeviceGroup", ("GroupName", name))).Str("Data.GroupId");

        Assert.Equal("iot.group.AlreadyExistedGroupName", (await server.Fails("CreateDeviceGroup", ("GroupName", name))).Code);
        Assert.Equal("iot.group.InvalidFormattedGroupName", (await server.Fails("CreateDeviceGroup", ("GroupName", "ab"))).Code);
        Assert.Equal("iot.group.InvalidFormattedGroupName", (await server.Fails("CreateDeviceGroup", ("GroupName", "no-dashes"))).Code);

        var child = (await server.Call("CreateDeviceGroup", ("GroupName", name), ("SuperGroupId", parent))).Str("Data.GroupId");
        Assert.NotEqual(parent, child);
    }

    [Fact]
    public async Task Creating_under_an_unknown_parent_is_not_found()
    {
        var failure = await server.Fails("CreateDeviceGroup", ("GroupName", Unique("Lost")), ("SuperGroupId", "NoSuchGroup00000"));
        Assert.Equal("iot.group.NotExistedGroup", failure.Code);
    }

    [Fact]
    public async Task Update_device_group_changes_the_description_query_device_group_info_shows()
    {
        var name = Unique("Upd");
        var groupId = (await server.Call("CreateDeviceGroup", ("GroupName", name), ("GroupDesc", "old"))).Str("Data.GroupId");

        await server.Call("UpdateDeviceGroup", ("GroupId", groupId), ("GroupDesc", "new description"));

        var data = (await server.Call("QueryDeviceGroupInfo", ("GroupId", groupId))).At("Data");
        Assert.Equal(groupId, data.Str("GroupId"));
        Assert.Equal(name, data.Str("GroupName"));
        Assert.Equal("new description", data.Str("GroupDesc"));
        Assert.Equal("LINK_PLATFORM", data.Str("GroupType"));
        Assert.Equal(0, data.At("DeviceCount").GetInt32());
        Assert.Equal(0, data.At("DeviceActive").GetInt32());
        Assert.Equal(0, data.At("DeviceOnline").GetInt32());
        Assert.False(string.IsNullOrEmpty(data.Str("UtcCreate")));
    }

    [Fact]
    public async Task Query_device_group_list_filters_by_name_and_parent_and_pages()
    {
        var prefix = Unique("Lst");
        var ids = new List<string>();
        for (var i = 1; i <= 3; i++)
            ids.Add((await server.Call("CreateDeviceGroup", ("GroupName", $"{prefix}{i}"), ("GroupDesc", $"desc {i}"))).Str("Data.GroupId"));
        var childId = (await server.Call("CreateDeviceGroup", ("GroupName", $"{prefix}child"), ("SuperGroupId", ids[0]))).Str("Data.GroupId");

        var page1 = await server.Call("QueryDeviceGroupList", ("GroupName", prefix), ("PageSize", "3"));
        Assert.Equal(4, page1.At("Total").GetInt32());
        Assert.Equal(2, page1.At("PageCount").GetInt32());
        Assert.Equal(1, page1.At("CurrentPage").GetInt32());
        Assert.Equal(3, page1.At("PageSize").GetInt32());
        var infos = page1.At("Data.GroupInfo");
        Assert.Equal(ids, infos.Pluck("GroupId"));
        Assert.Equal($"{prefix}1", infos[0].Str("GroupName"));
        Assert.Equal("desc 1", infos[0].Str("GroupDesc"));
        Assert.Equal("LINK_PLATFORM", infos[0].Str("GroupType"));

        var page2 = await server.Call("QueryDeviceGroupList", ("GroupName", prefix), ("PageSize", "3"), ("CurrentPage", "2"));
        Assert.Equal(new[] { childId }, page2.At("Data.GroupInfo").Pluck("GroupId"));

        var children = await server.Call("QueryDeviceGroupList", ("SuperGroupId", ids[0]));
        Assert.Equal(new[] { childId }, children.At("Data.GroupInfo").Pluck("GroupId"));
    }

    [Fact]
    public async Task Batch_add_device_group_relations_counts_added_already_related_and_valid_devices()
    {
        var productKey = await server.NewProductAsync();
        var a = await server.NewDeviceAsync(productKey, "member-a");
        await server.NewDeviceAsync(productKey, "member-b");
        var groupId = await server.NewGroupAsync();

        var added = await server.Call("BatchAddDeviceGroupRelations", Devices(productKey, "member-a", "member-b").With(("GroupId", groupId)));
        Assert.Equal(2, added.At("SuccessAddedDeviceCount").GetInt32());
        Assert.Equal(2, added.At("ValidDeviceCount").GetInt32());
        Assert.Equal(0, added.At("AlreadyRelatedGroupDeviceCount").GetInt32());
        Assert.Equal(0, added.At("ExceedTenGroupDeviceCount").GetInt32());

        var again = await server.Call("BatchAddDeviceGroupRelations", Devices(productKey, "member-a", "member-b", "no-such-dev").With(("GroupId", groupId)));
        Assert.Equal(0, again.At("SuccessAddedDeviceCount").GetInt32());
        Assert.Equal(2, again.At("ValidDeviceCount").GetInt32());
        Assert.Equal(2, again.At("AlreadyRelatedGroupDeviceCount").GetInt32());

        var info = (await server.Call("QueryDeviceGroupInfo", ("GroupId", groupId))).At("Data");
        Assert.Equal(2, info.At("DeviceCount").GetInt32());
        Assert.Equal(0, info.At("DeviceOnline").GetInt32());

        var members = await server.Call("QueryDeviceListByDeviceGroup", ("GroupId", groupId), ("PageSize", "1"));
        Assert.Equal(2, members.At("Total").GetInt32());
        Assert.Equal(2, members.At("PageCount").GetInt32());
        Assert.Equal(1, members.At("PageSize").GetInt32());
        var first = Assert.Single(members.At("Data.SimpleDeviceInfo").EnumerateArray());
        Assert.Equal("member-a", first.Str("DeviceName"));
        Assert.Equal(a.Str("IotId"), first.Str("IotId"));
        Assert.Equal(productKey, first.Str("ProductKey"));
        Assert.False(string.IsNullOrEmpty(first.Str("ProductName")));

        var stats = (await server.Call("QueryDeviceStatistics", ("GroupId", groupId))).At("Data");
        Assert.Equal(2, stats.At("deviceCount").GetInt32());
    }

    [Fact]
    public async Task Query_device_group_by_device_lists_the_devices_groups()
    {
        var productKey = await server.NewProductAsync();
        await server.NewDeviceAsync(productKey, "multi-member");
        var g1 = await server.NewGroupAsync("First");
        var g2 = await server.NewGroupAsync("Second");
        await server.NewGroupAsync("Unrelated");
        foreach (var g in new[] { g1, g2 })
            await server.Call("BatchAddDeviceGroupRelations", Devices(productKey, "multi-member").With(("GroupId", g)));

        var body = await server.Call("QueryDeviceGroupByDevice", ("ProductKey", productKey), ("DeviceName", "multi-member"));
        var groups = body.At("GroupInfos.GroupInfo");
        Assert.Equal(new[] { g1, g2 }, groups.Pluck("GroupId"));
        Assert.StartsWith("First_", groups[0].Str("GroupName"));
        Assert.Equal("LINK_PLATFORM", groups[0].Str("GroupType"));

        var unknown = await server.Fails("QueryDeviceGroupByDevice", ("ProductKey", productKey), ("DeviceName", "nobody-here"));
        Assert.Equal("iot.device.NotExistedDevice", unknown.Code);
    }

    [Fact]
    public async Task A_device_joins_at_most_ten_groups()
    {
        var productKey = await server.NewProductAsync();
        await server.NewDeviceAsync(productKey, "popular-dev");
        for (var i = 0; i < 10; i++)
        {
            var g = await server.NewGroupAsync("Ten");
            Assert.Equal(1, (await server.Call("BatchAddDeviceGroupRelations", Devices(productKey, "popular-dev").With(("GroupId", g)))).At("SuccessAddedDeviceCount").GetInt32());
        }

        var eleventh = await server.NewGroupAsync("Eleven");
        var result = await server.Call("BatchAddDeviceGroupRelations", Devices(productKey, "popular-dev").With(("GroupId", eleventh)));
        Assert.Equal(1, result.At("ExceedTenGroupDeviceCount").GetInt32());
        Assert.Equal(0, result.At("SuccessAddedDeviceCount").GetInt32());
        Assert.Equal(0, (await server.Call("QueryDeviceGroupInfo", ("GroupId", eleventh))).At("Data.DeviceCount").GetInt32());
        var groups = await server.Call("QueryDeviceGroupByDevice", ("ProductKey", productKey), ("DeviceName", "popular-dev"));
        Assert.Equal(10, groups.At("GroupInfos.GroupInfo").GetArrayLength());
    }

    [Fact]
    public async Task Batch_delete_device_group_relations_removes_only_the_named_members()
    {
        var productKey = await server.NewProductAsync();
        await server.NewDeviceAsync(productKey, "stay-dev");
        await server.NewDeviceAsync(productKey, "leave-dev");
        var groupId = await server.NewGroupAsync();
        await server.Call("BatchAddDeviceGroupRelations", Devices(productKey, "stay-dev", "leave-dev").With(("GroupId", groupId)));

        var removed = await server.Call("BatchDeleteDeviceGroupRelations", Devices(productKey, "leave-dev").With(("GroupId", groupId)));
        Assert.Equal(1, removed.At("SuccessDeviceCount").GetInt32());
        Assert.Equal(1, removed.At("ValidDeviceCount").GetInt32());

        var members = await server.Call("QueryDeviceListByDeviceGroup", ("GroupId", groupId));
        Assert.Equal(1, members.At("Total").GetInt32());
        Assert.Equal(new[] { "stay-dev" }, members.At("Data.SimpleDeviceInfo").Pluck("DeviceName"));
        var leftGroups = await server.Call("QueryDeviceGroupByDevice", ("ProductKey", productKey), ("DeviceName", "leave-dev"));
        Assert.Equal(0, leftGroups.At("GroupInfos.GroupInfo").GetArrayLength());
    }

    [Fact]
    public async Task Delete_device_group_removes_the_group_but_not_its_devices()
    {
        var productKey = await server.NewProductAsync();
        var device = await server.NewDeviceAsync(productKey, "orphaned-dev");
        var groupId = await server.NewGroupAsync();
        await server.Call("BatchAddDeviceGroupRelations", Devices(productKey, "orphaned-dev").With(("GroupId", groupId)));

        await server.Call("DeleteDeviceGroup", ("GroupId", groupId));

        Assert.Equal("iot.group.NotExistedGroup", (await server.Fails("QueryDeviceGroupInfo", ("GroupId", groupId))).Code);
        Assert.Equal("iot.group.NotExistedGroup", (await server.Fails("DeleteDeviceGroup", ("GroupId", groupId))).Code);
        Assert.Equal("iot.group.NotExistedGroup", (await server.Fails("QueryDeviceListByDeviceGroup", ("GroupId", groupId))).Code);
        var groups = await server.Call("QueryDeviceGroupByDevice", ("IotId", device.Str("IotId")));
        Assert.Equal(0, groups.At("GroupInfos.GroupInfo").GetArrayLength());
        Assert.Equal("UNACTIVE", (await server.Call("GetDeviceStatus", ("IotId", device.Str("IotId")))).Str("Data.Status"));
    }

    [Fact]
    public async Task Delete_device_group_is_refused_while_it_has_sub_groups()
    {
        var parent = await server.NewGroupAsync("Parent");
        var child = await server.NewGroupAsync("Child", parent);

        Assert.Equal("iot.group.GroupHasSubGroups", (await server.Fails("DeleteDeviceGroup", ("GroupId", parent))).Code);

        await server.Call("DeleteDeviceGroup", ("GroupId", child));
        await server.Call("DeleteDeviceGroup", ("GroupId", parent));
        Assert.Equal("iot.group.NotExistedGroup", (await server.Fails("QueryDeviceGroupInfo", ("GroupId", parent))).Code);
    }

    [Fact]
    public async Task Deleting_a_device_removes_it_from_its_groups()
    {
        var productKey = await server.NewProductAsync();
        await server.NewDeviceAsync(productKey, "leaving-dev");
        await server.NewDeviceAsync(productKey, "staying-dev");
        var groupId = await server.NewGroupAsync();
        await server.Call("BatchAddDeviceGroupRelations", Devices(productKey, "leaving-dev", "staying-dev").With(("GroupId", groupId)));

        await server.Call("DeleteDevice", ("ProductKey", productKey), ("DeviceName", "leaving-dev"));

        Assert.Equal(1, (await server.Call("QueryDeviceGroupInfo", ("GroupId", groupId))).At("Data.DeviceCount").GetInt32());
        var members = await server.Call("QueryDeviceListByDeviceGroup", ("GroupId", groupId));
        Assert.Equal(new[] { "staying-dev" }, members.At("Data.SimpleDeviceInfo").Pluck("DeviceName"));
    }

    [Fact]
    public async Task Set_device_group_tags_replaces_the_groups_tags()
    {
        var groupId = await server.NewGroupAsync();
        await server.Call("SetDeviceGroupTags", ("GroupId", groupId),
            ("TagString", """[{"tagKey":"site","tagValue":"hangzhou"},{"tagKey":"floor","tagValue":"3"}]"""));

        var tags = (await server.Call("QueryDeviceGroupTagList", ("GroupId", groupId))).At("Data.GroupTagInfo");
        Assert.Equal(2, tags.GetArrayLength());
        Assert.Equal("hangzhou", tags.EnumerateArray().Single(t => t.Str("TagKey") == "site").Str("TagValue"));
        Assert.Equal("3", tags.EnumerateArray().Single(t => t.Str("TagKey") == "floor").Str("TagValue"));

        await server.Call("SetDeviceGroupTags", ("GroupId", groupId), ("TagString", """[{"tagKey":"site","tagValue":"shanghai"}]"""));
        var replaced = (await server.Call("QueryDeviceGroupTagList", ("GroupId", groupId))).At("Data.GroupTagInfo");
        var only = Assert.Single(replaced.EnumerateArray());
        Assert.Equal("site", only.Str("TagKey"));
        Assert.Equal("shanghai", only.Str("TagValue"));
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("""[{"tagKey":"site"}]""")]
    [InlineData("""[{"tagKey":"bad key","tagValue":"x"}]""")]
    public async Task SetDeviceGroupTagsRefusesABadTagStringAndKeepsTheOldTags(string tagString)
    {
        var groupId = await server.NewGroupAsync();
        await server.Call("SetDeviceGroupTags", ("GroupId", groupId), ("TagString", """[{"tagKey":"keep","tagValue":"me"}]"""));

        var failure = await server.Fails("SetDeviceGroupTags", ("GroupId", groupId), ("TagString", tagString));
        Assert.Equal("iot.common.InvalidTag", failure.Code);

        var tags = (await server.Call("QueryDeviceGroupTagList", ("GroupId", groupId))).At("Data.GroupTagInfo");
        Assert.Equal(new[] { "keep" }, tags.Pluck("TagKey"));
    }

    [Fact]
    public async Task Typed_sdk_reads_the_group_responses()
    {
        var productKey = await server.NewProductAsync();
        await server.NewDeviceAsync(productKey, "sdk-member");
        var name = Unique("SdkGroup");
        var created = await NodeSdk.RpcAsync(server, "typed", "CreateDeviceGroup", new { GroupName = name, GroupDesc = "from sdk" });
        var groupId = created.Str("body.Data.GroupId");

        var added = await NodeSdk.RpcAsync(server, "typed", "BatchAddDeviceGroupRelations",
            new { GroupId = groupId, Device = new[] { new { ProductKey = productKey, DeviceName = "sdk-member" } } });
        Assert.Equal(1, added.At("body.SuccessAddedDeviceCount").GetInt32());
        Assert.Equal(1, added.At("body.ValidDeviceCount").GetInt32());

        var info = await NodeSdk.RpcAsync(server, "typed", "QueryDeviceGroupInfo", new { GroupId = groupId });
        Assert.Equal(1, info.At("body.Data.DeviceCount").GetInt32());
        Assert.Equal("from sdk", info.Str("body.Data.GroupDesc"));

        var list = await NodeSdk.RpcAsync(server, "typed", "QueryDeviceGroupList", new { GroupName = name, CurrentPage = 1, PageSize = 10 });
        Assert.Equal(1, list.At("body.Total").GetInt32());
        Assert.Equal(groupId, list.At("body.Data.GroupInfo")[0].Str("GroupId"));

        var members = await NodeSdk.RpcAsync(server, "typed", "QueryDeviceListByDeviceGroup", new { GroupId = groupId, CurrentPage = 1, PageSize = 10 });
        Assert.Equal("sdk-member", members.At("body.Data.SimpleDeviceInfo")[0].Str("DeviceName"));

        var byDevice = await NodeSdk.RpcAsync(server, "typed", "QueryDeviceGroupByDevice", new { ProductKey = productKey, DeviceName = "sdk-member" });
        Assert.Equal(groupId, byDevice.At("body.GroupInfos.GroupInfo")[0].Str("GroupId"));

        var removed = await NodeSdk.RpcAsync(server, "typed", "BatchDeleteDeviceGroupRelations",
            new { GroupId = groupId, Device = new[] { new { ProductKey = productKey, DeviceName = "sdk-member" } } });
        Assert.Equal(1, removed.At("body.SuccessDeviceCount").GetInt32());

        var tagged = await NodeSdk.RpcAsync(server, "typed", "SetDeviceGroupTags", new { GroupId = groupId, TagString = """[{"tagKey":"env","tagValue":"prod"}]""" });
        Assert.True(tagged.At("body.Success").GetBoolean(), tagged.ToString());
        var tags = await NodeSdk.RpcAsync(server, "typed", "QueryDeviceGroupTagList", new { GroupId = groupId });
        Assert.Equal("prod", tags.At("body.Data.GroupTagInfo")[0].Str("TagValue"));

        var updated = await NodeSdk.RpcAsync(server, "typed", "UpdateDeviceGroup", new { GroupId = groupId, GroupDesc = "changed" });
        Assert.True(updated.At("body.Success").GetBoolean(), updated.ToString());
        var deleted = await NodeSdk.RpcAsync(server, "typed", "DeleteDeviceGroup", new { GroupId = groupId });
        Assert.True(deleted.At("body.Success").GetBoolean(), deleted.ToString());
        var gone = await NodeSdk.RpcAsync(server, "typed", "QueryDeviceGroupInfo", new { GroupId = groupId });
        Assert.Equal("iot.group.NotExistedGroup", gone.Str("body.Code"));
    }
}
