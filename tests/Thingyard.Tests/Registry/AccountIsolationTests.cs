// Accounts never see each other's resources: another account's products, devices, props, batches and groups answer
// not-found codes, lists leave them out, and the owner's data is unchanged by the attempts.
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Thingyard.Tests.Infrastructure;
using static Thingyard.Tests.Registry.RegistryCalls;

namespace Thingyard.Tests.Registry;

public sealed class AccountIsolationTests(ThingyardServer server) : IClassFixture<ThingyardServer>
{
    /// <summary>What the admin owns: a product with two devices (one with props), a finished batch and a group.</summary>
    sealed record AdminWorld(string ProductKey, string ProductName, JsonElement Device, JsonElement Second, string ApplyId, string GroupId, string TagKey);

    async Task<AdminWorld> ArrangeAsync()
    {
        var productName = Unique("Mine");
        var productKey = (await server.Call("CreateProduct", ("ProductName", productName), ("NodeType", "0"))).Str("ProductKey");
        var device = await server.NewDeviceAsync(productKey, "mine-dev-1");
        var tagKey = Unique("secret");
        await server.Call("SaveDeviceProp", ("IotId", device.Str("IotId")), ("Props", $$"""{"{{tagKey}}":"mine"}"""));
        await server.Call("CreateProductTags", ("ProductKey", productKey), ("ProductTag.1.TagKey", tagKey), ("ProductTag.1.TagValue", "mine"));
        var applyId = (await server.Call("BatchCheckDeviceNames", ("ProductKey", productKey), ("DeviceName.1", "mine-dev-2"))).Str("Data.ApplyId");
        await server.Call("BatchRegisterDeviceWithApplyId", ("ProductKey", productKey), ("ApplyId", applyId));
        Assert.Equal("CREATE_SUCCESS", (await server.WaitForBatchAsync(productKey, applyId)).Str("Status"));
        var second = (await server.Call("QueryDeviceDetail", ("ProductKey", productKey), ("DeviceName", "mine-dev-2"))).At("Data");
        var groupId = await server.NewGroupAsync("MineGroup");
        await server.Call("BatchAddDeviceGroupRelations", ("GroupId", groupId), ("Device.1.ProductKey", productKey), ("Device.1.DeviceName", "mine-dev-1"));
        return new AdminWorld(productKey, productName, device, second, applyId, groupId, tagKey);
    }

    async Task AssertAdminDataUnchangedAsync(AdminWorld w)
    {
        var product = (await server.Call("QueryProduct", ("ProductKey", w.ProductKey))).At("Data");
        Assert.Equal(w.ProductName, product.Str("ProductName"));
        Assert.Equal(2, product.At("DeviceCount").GetInt32());
        var detail = (await server.Call("QueryDeviceDetail", ("IotId", w.Device.Str("IotId")))).At("Data");
        Assert.Equal("UNACTIVE", detail.Str("Status"));
        Assert.Equal(w.Device.Str("DeviceSecret"), detail.Str("DeviceSecret"));
        Assert.Equal("UNACTIVE", (await server.Call("GetDeviceStatus", ("IotId", w.Second.Str("IotId")))).Str("Data.Status"));
        var props = (await server.Call("QueryDeviceProp", ("IotId", w.Device.Str("IotId")))).Str("Props");
        Assert.Equal(new Dictionary<string, string> { [w.TagKey] = "mine" }, JsonSerializer.Deserialize<Dictionary<string, string>>(props));
        Assert.Equal(1, (await server.Call("QueryDeviceGroupInfo", ("GroupId", w.GroupId))).At("Data.DeviceCount").GetInt32());
        Assert.Equal(1, (await server.Call("QueryPageByApplyId", ("ApplyId", w.ApplyId))).At("Total").GetInt32());
    }

    [Fact]
    public async Task Cannot_query_another_accounts_product()
    {
        var w = await ArrangeAsync();
        var other = await server.NewAccountAsync();

        Assert.Equal("iot.prod.NotExistedProduct", (await server.FailsAs(other, "QueryProduct", ("ProductKey", w.ProductKey))).Code);
        Assert.Equal("iot.prod.NotExistedProduct", (await server.FailsAs(other, "UpdateProduct", ("ProductKey", w.ProductKey), ("Description", "hijacked"))).Code);
        Assert.Equal("iot.prod.NotExistedProduct", (await server.FailsAs(other, "DeleteProduct", ("ProductKey", w.ProductKey))).Code);
        Assert.Equal("iot.prod.NotExistedProduct", (await server.FailsAs(other, "RegisterDevice", ("ProductKey", w.ProductKey), ("DeviceName", "intruder"))).Code);
        Assert.Equal("iot.prod.NotExistedProduct", (await server.FailsAs(other, "ListProductTags", ("ProductKey", w.ProductKey))).Code);
        Assert.Equal("iot.prod.NotExistedProduct",
            (await server.FailsAs(other, "CreateProductTags", ("ProductKey", w.ProductKey), ("ProductTag.1.TagKey", "x"), ("ProductTag.1.TagValue", "y"))).Code);

        await AssertAdminDataUnchangedAsync(w);
        Assert.False((await server.Call("QueryProduct", ("ProductKey", w.ProductKey))).At("Data").TryGetProperty("Description", out _));
    }

    [Fact]
    public async Task Cannot_query_another_accounts_device()
    {
        var w = await ArrangeAsync();
        var other = await server.NewAccountAsync();
        var iotId = w.Device.Str("IotId");

        foreach (var action in new[] { "QueryDeviceDetail", "QueryDeviceInfo", "GetDeviceStatus", "QueryDeviceGroupByDevice" })
        {
            Assert.Equal("iot.device.NotExistedDevice", (await server.FailsAs(other, action, ("IotId", iotId))).Code);
            Assert.Equal("iot.device.NotExistedDevice", (await server.FailsAs(other, action, ("ProductKey", w.ProductKey), ("DeviceName", "mine-dev-1"))).Code);
        }
    }

    [Fact]
    public async Task Cannot_delete_or_disable_another_accounts_device()
    {
        var w = await ArrangeAsync();
        var other = await server.NewAccountAsync();

        Assert.Equal("iot.device.NotExistedDevice", (await server.FailsAs(other, "DeleteDevice", ("IotId", w.Device.Str("IotId")))).Code);
        Assert.Equal("iot.device.NotExistedDevice", (await server.FailsAs(other, "DeleteDevice", ("ProductKey", w.ProductKey), ("DeviceName", "mine-dev-2"))).Code);
        Assert.Equal("iot.device.NotExistedDevice", (await server.FailsAs(other, "DisableThing", ("IotId", w.Device.Str("IotId")))).Code);
        Assert.Equal("iot.device.NotExistedDevice", (await server.FailsAs(other, "DisableThing", ("ProductKey", w.ProductKey), ("DeviceName", "mine-dev-2"))).Code);
        Assert.Equal("iot.device.NotExistedDevice", (await server.FailsAs(other, "EnableThing", ("IotId", w.Device.Str("IotId")))).Code);

        await AssertAdminDataUnchangedAsync(w);
    }

    [Fact]
    public async Task Cannot_read_or_write_another_accounts_device_props()
    {
        var w = await ArrangeAsync();
        var other = await server.NewAccountAsync();
        var iotId = w.Device.Str("IotId");

        Assert.Equal("iot.device.NotExistedDevice", (await server.FailsAs(other, "SaveDeviceProp", ("IotId", iotId), ("Props", """{"owner":"other"}"""))).Code);
        Assert.Equal("iot.device.NotExistedDevice", (await server.FailsAs(other, "QueryDeviceProp", ("IotId", iotId))).Code);
        Assert.Equal("iot.device.NotExistedDevice", (await server.FailsAs(other, "DeleteDeviceProp", ("IotId", iotId), ("PropKey", w.TagKey))).Code);

        var byTags = await server.CallAs(other, "QueryDeviceByTags", ("Tag.1.TagKey", w.TagKey));
        Assert.Equal(0, byTags.At("Data.SimpleDeviceInfo").GetArrayLength());
        var productsByTags = await server.CallAs(other, "ListProductByTags", ("ProductTag.1.TagKey", w.TagKey));
        Assert.Equal(0, productsByTags.At("ProductInfos.ProductInfo").GetArrayLength());

        await AssertAdminDataUnchangedAsync(w);
    }

    [Fact]
    public async Task Batch_calls_leave_out_another_accounts_devices()
    {
        var w = await ArrangeAsync();
        var other = await server.NewAccountAsync();

        var byId = await server.CallAs(other, "BatchGetDeviceState", ("IotId.1", w.Device.Str("IotId")), ("IotId.2", w.Second.Str("IotId")));
        Assert.Equal(0, byId.At("DeviceStatusList.DeviceStatus").GetArrayLength());
        var byName = await server.CallAs(other, "BatchGetDeviceState", ("ProductKey", w.ProductKey), ("DeviceName.1", "mine-dev-1"));
        Assert.Equal(0, byName.At("DeviceStatusList.DeviceStatus").GetArrayLength());

        var detail = await server.FailsAs(other, "BatchQueryDeviceDetail", ("ProductKey", w.ProductKey), ("DeviceName.1", "mine-dev-1"), ("DeviceName.2", "mine-dev-2"));
        Assert.Equal("iot.prod.NotExistedProduct", detail.Code);
        Assert.DoesNotContain(w.Device.Str("DeviceSecret"), detail.Body.ToString());
    }

    [Fact]
    public async Task Cannot_follow_or_start_another_accounts_batch()
    {
        var w = await ArrangeAsync();
        var other = await server.NewAccountAsync();

        Assert.Equal("iot.device.NotExistedApply", (await server.FailsAs(other, "QueryPageByApplyId", ("ApplyId", w.ApplyId))).Code);
        Assert.Equal("iot.device.NotExistedApply",
            (await server.FailsAs(other, "QueryBatchRegisterDeviceStatus", ("ProductKey", w.ProductKey), ("ApplyId", w.ApplyId))).Code);
        Assert.Equal("iot.device.NotExistedApply",
            (await server.FailsAs(other, "BatchRegisterDeviceWithApplyId", ("ProductKey", w.ProductKey), ("ApplyId", w.ApplyId))).Code);
        Assert.Equal("iot.prod.NotExistedProduct",
            (await server.FailsAs(other, "BatchCheckDeviceNames", ("ProductKey", w.ProductKey), ("DeviceName.1", "sneaky-1"))).Code);
        Assert.Equal("iot.prod.NotExistedProduct",
            (await server.FailsAs(other, "BatchRegisterDevice", ("ProductKey", w.ProductKey), ("Count", "2"))).Code);

        await AssertAdminDataUnchangedAsync(w);
    }

    [Fact]
    public async Task Cannot_see_or_change_another_accounts_group()
    {
        var w = await ArrangeAsync();
        var other = await server.NewAccountAsync();

        foreach (var action in new[] { "QueryDeviceGroupInfo", "DeleteDeviceGroup", "QueryDeviceListByDeviceGroup", "QueryDeviceGroupTagList" })
            Assert.Equal("iot.group.NotExistedGroup", (await server.FailsAs(other, action, ("GroupId", w.GroupId))).Code);
        Assert.Equal("iot.group.NotExistedGroup", (await server.FailsAs(other, "UpdateDeviceGroup", ("GroupId", w.GroupId), ("GroupDesc", "x"))).Code);
        Assert.Equal("iot.group.NotExistedGroup",
            (await server.FailsAs(other, "SetDeviceGroupTags", ("GroupId", w.GroupId), ("TagString", """[{"tagKey":"a","tagValue":"b"}]"""))).Code);
        Assert.Equal("iot.group.NotExistedGroup", (await server.FailsAs(other, "CreateDeviceGroup", ("GroupName", Unique("Sub")), ("SuperGroupId", w.GroupId))).Code);
        Assert.Equal("iot.group.NotExistedGroup", (await server.FailsAs(other, "QueryDeviceStatistics", ("GroupId", w.GroupId))).Code);

        // Its own group cannot take in the admin's devices: they are not valid devices for it.
        var ownGroup = (await server.CallAs(other, "CreateDeviceGroup", ("GroupName", Unique("Theirs")))).Str("Data.GroupId");
        var added = await server.CallAs(other, "BatchAddDeviceGroupRelations",
            ("GroupId", ownGroup), ("Device.1.ProductKey", w.ProductKey), ("Device.1.DeviceName", "mine-dev-2"));
        Assert.Equal(0, added.At("ValidDeviceCount").GetInt32());
        Assert.Equal(0, added.At("SuccessAddedDeviceCount").GetInt32());

        var groups = await server.CallAs(other, "QueryDeviceGroupList", ("PageSize", "200"));
        Assert.Equal(new[] { ownGroup }, groups.At("Data.GroupInfo").Pluck("GroupId"));

        await AssertAdminDataUnchangedAsync(w);
        var groupsOfDevice = await server.Call("QueryDeviceGroupByDevice", ("ProductKey", w.ProductKey), ("DeviceName", "mine-dev-2"));
        Assert.Equal(0, groupsOfDevice.At("GroupInfos.GroupInfo").GetArrayLength());
    }

    [Fact]
    public async Task Lists_never_contain_another_accounts_resources()
    {
        var w = await ArrangeAsync();
        var other = await server.NewAccountAsync();
        var ownKey = (await server.CallAs(other, "CreateProduct", ("ProductName", Unique("Theirs")), ("NodeType", "0"))).Str("ProductKey");
        await server.CallAs(other, "RegisterDevice", ("ProductKey", ownKey), ("DeviceName", "their-dev"));

        var products = (await server.CallAs(other, "QueryProductList", ("PageSize", "200"))).At("Data");
        Assert.Equal(1, products.At("Total").GetInt32());
        Assert.Equal(new[] { ownKey }, products.At("List.ProductInfo").Pluck("ProductKey"));

        var devices = await server.CallAs(other, "QueryDevice", ("PageSize", "50"));
        Assert.Equal(1, devices.At("Total").GetInt32());
        Assert.Equal(new[] { "their-dev" }, devices.At("Data.DeviceInfo").Pluck("DeviceName"));
        Assert.Equal("iot.prod.NotExistedProduct", (await server.FailsAs(other, "QueryDevice", ("ProductKey", w.ProductKey))).Code);
        Assert.Equal("iot.prod.NotExistedProduct", (await server.FailsAs(other, "QueryDeviceByStatus", ("ProductKey", w.ProductKey), ("Status", "UNACTIVE"))).Code);

        var stats = (await server.CallAs(other, "QueryDeviceStatistics")).At("Data");
        Assert.Equal(1, stats.At("deviceCount").GetInt32());

        // And the admin's lists do not contain the other account's product.
        var adminProducts = (await server.Call("QueryProductList", ("PageSize", "200"))).At("Data.List.ProductInfo").Pluck("ProductKey");
        Assert.Contains(w.ProductKey, adminProducts);
        Assert.DoesNotContain(ownKey, adminProducts);
    }

    [Fact]
    public async Task Another_account_may_reuse_a_product_name_and_a_device_name()
    {
        var w = await ArrangeAsync();
        var other = await server.NewAccountAsync();

        var theirs = await server.CallAs(other, "CreateProduct", ("ProductName", w.ProductName), ("NodeType", "0"));
        Assert.NotEqual(w.ProductKey, theirs.Str("ProductKey"));
        var device = await server.CallAs(other, "RegisterDevice", ("ProductKey", theirs.Str("ProductKey")), ("DeviceName", "mine-dev-1"));
        Assert.NotEqual(w.Device.Str("IotId"), device.Str("Data.IotId"));

        await AssertAdminDataUnchangedAsync(w);
    }

    [Fact]
    public async Task The_official_sdk_gets_the_same_not_found_codes_for_another_account()
    {
        var w = await ArrangeAsync();
        var other = await server.NewAccountAsync();

        var detail = await NodeSdk.RpcAsync(server, "typed", "QueryDeviceDetail", new { IotId = w.Device.Str("IotId") },
            other.AccessKeyId, other.AccessKeySecret);
        Assert.False(detail.At("body.Success").GetBoolean());
        Assert.Equal("iot.device.NotExistedDevice", detail.Str("body.Code"));
        Assert.False(detail.At("body").TryGetProperty("Data", out _));

        var product = await NodeSdk.RpcAsync(server, "pop-get", "QueryProduct", new { ProductKey = w.ProductKey }, other.AccessKeyId, other.AccessKeySecret);
        Assert.Equal("iot.prod.NotExistedProduct", product.Str("data.Code"));

        var disable = await NodeSdk.RpcAsync(server, "v3", "DisableThing", new { ProductKey = w.ProductKey, DeviceName = "mine-dev-1" },
            other.AccessKeyId, other.AccessKeySecret);
        Assert.Equal("iot.device.NotExistedDevice", disable.Str("body.Code"));

        await AssertAdminDataUnchangedAsync(w);
    }

    [Fact]
    public async Task Only_the_admin_can_create_accounts()
    {
        var other = await server.NewAccountAsync();
        using var rest = server.Rest(other.AccessKeyId, other.AccessKeySecret);

        var response = await rest.PostAsJsonAsync("/api/v1/accounts", new { name = "third" });

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("iot.common.RamActionPermissionDeny", problem.Str("title"));
        Assert.Matches("^1[0-9]{15}$", other.AccountUid);
    }
}
