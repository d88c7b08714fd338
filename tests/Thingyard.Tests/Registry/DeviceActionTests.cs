// Device actions over real HTTP: register, query (detail, info, lists, by status, batch), delete, disable/enable, status, statistics.
using System.Text.Json;
using Thingyard.Tests.Infrastructure;
using static Thingyard.Tests.Registry.RegistryCalls;

namespace Thingyard.Tests.Registry;

public sealed class DeviceActionTests(ThingyardServer server) : IClassFixture<ThingyardServer>
{
    const string GmtPattern = @"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$";
    const string UtcPattern = @"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$";

    [Fact]
    public async Task Register_device_with_a_name_answers_its_triplet()
    {
        var productKey = await server.NewProductAsync();
        var data = (await server.Call("RegisterDevice", ("ProductKey", productKey), ("DeviceName", "sensor-01"), ("Nickname", "kitchen_sensor"))).At("Data");

        Assert.Equal("sensor-01", data.Str("DeviceName"));
        Assert.Equal(productKey, data.Str("ProductKey"));
        Assert.Matches("^[0-9a-f]{32}$", data.Str("DeviceSecret"));
        Assert.Matches("^[A-Za-z0-9]{20}000100$", data.Str("IotId"));
        Assert.Equal("kitchen_sensor", data.Str("Nickname"));
    }

    [Fact]
    public async Task Register_device_without_a_name_generates_one()
    {
        var productKey = await server.NewProductAsync();
        var data = await server.NewDeviceAsync(productKey);

        Assert.Matches("^[A-Za-z0-9]{20}$", data.Str("DeviceName"));
        var detail = (await server.Call("QueryDeviceDetail", ("IotId", data.Str("IotId")))).At("Data");
        Assert.Equal(data.Str("DeviceName"), detail.Str("DeviceName"));
        Assert.Equal(data.Str("DeviceSecret"), detail.Str("DeviceSecret"));
    }

    [Theory]
    [InlineData("ab")]
    [InlineData("has space")]
    [InlineData("slash/name")]
    [InlineData("this-device-name-is-33-chars-long")]
    public async Task Register_device_refuses_a_bad_device_name(string deviceName)
    {
        var productKey = await server.NewProductAsync();
        var failure = await server.Fails("RegisterDevice", ("ProductKey", productKey), ("DeviceName", deviceName));
        Assert.Equal("iot.device.InvalidFormattedDeviceName", failure.Code);
        Assert.Equal(0, (await server.Call("QueryDevice", ("ProductKey", productKey))).At("Total").GetInt32());
    }

    [Fact]
    public async Task Register_device_refuses_a_duplicate_name_and_keeps_the_first_device()
    {
        var productKey = await server.NewProductAsync();
        var first = await server.NewDeviceAsync(productKey, "dup-device");

        var failure = await server.Fails("RegisterDevice", ("ProductKey", productKey), ("DeviceName", "dup-device"));
        Assert.Equal("iot.device.AlreadyExistedDeviceName", failure.Code);

        var detail = (await server.Call("QueryDeviceDetail", ("ProductKey", productKey), ("DeviceName", "dup-device"))).At("Data");
        Assert.Equal(first.Str("IotId"), detail.Str("IotId"));
        Assert.Equal(first.Str("DeviceSecret"), detail.Str("DeviceSecret"));
    }

    [Fact]
    public async Task The_same_device_name_may_be_used_in_another_product()
    {
        var a = await server.NewDeviceAsync(await server.NewProductAsync(), "shared-name");
        var b = await server.NewDeviceAsync(await server.NewProductAsync(), "shared-name");
        Assert.NotEqual(a.Str("IotId"), b.Str("IotId"));
        Assert.NotEqual(a.Str("ProductKey"), b.Str("ProductKey"));
    }

    [Fact]
    public async Task Register_device_in_an_unknown_product_is_not_found()
    {
        var failure = await server.Fails("RegisterDevice", ("ProductKey", "a1nosuchprd"), ("DeviceName", "orphan-1"));
        Assert.Equal("iot.prod.NotExistedProduct", failure.Code);
    }

    [Fact]
    public async Task Query_device_detail_finds_the_device_by_iot_id_and_by_name()
    {
        var productName = Unique("Detail");
        var productKey = (await server.Call("CreateProduct", ("ProductName", productName), ("NodeType", "1"))).Str("ProductKey");
        var device = await server.NewDeviceAsync(productKey, "detail-dev");

        var byId = (await server.Call("QueryDeviceDetail", ("IotId", device.Str("IotId")))).At("Data");
        var byName = (await server.Call("QueryDeviceDetail", ("ProductKey", productKey), ("DeviceName", "detail-dev"))).At("Data");

        foreach (var data in new[] { byId, byName })
        {
            Assert.Equal(device.Str("IotId"), data.Str("IotId"));
            Assert.Equal("detail-dev", data.Str("DeviceName"));
            Assert.Equal(productKey, data.Str("ProductKey"));
            Assert.Equal(productName, data.Str("ProductName"));
            Assert.Equal(device.Str("DeviceSecret"), data.Str("DeviceSecret"));
            Assert.Equal("UNACTIVE", data.Str("Status"));
            Assert.Equal(1, data.At("NodeType").GetInt32());
            Assert.True(data.At("Owner").GetBoolean());
            Assert.False(string.IsNullOrEmpty(data.Str("Region")));
            Assert.Matches(GmtPattern, data.Str("GmtCreate"));
            Assert.Matches(UtcPattern, data.Str("UtcCreate"));
            Assert.False(data.TryGetProperty("GmtActive", out _)); // never connected
        }
    }

    [Fact]
    public async Task Query_device_detail_of_an_unknown_device_is_not_found()
    {
        var productKey = await server.NewProductAsync();
        Assert.Equal("iot.device.NotExistedDevice", (await server.Fails("QueryDeviceDetail", ("IotId", "nosuchiotid0000000000000100"))).Code);
        Assert.Equal("iot.device.NotExistedDevice", (await server.Fails("QueryDeviceDetail", ("ProductKey", productKey), ("DeviceName", "nobody"))).Code);
    }

    [Fact]
    public async Task Naming_a_device_needs_iot_id_or_product_key_and_device_name()
    {
        var productKey = await server.NewProductAsync();
        var failure = await server.Fails("QueryDeviceDetail", ("ProductKey", productKey));
        Assert.Equal("iot.common.InvalidFormattedParameter", failure.Code);
    }

    [Fact]
    public async Task Query_device_info_answers_the_triplet()
    {
        var productKey = await server.NewProductAsync();
        var device = (await server.Call("RegisterDevice", ("ProductKey", productKey), ("DeviceName", "info-dev"), ("Nickname", "info_nick"))).At("Data");

        var data = (await server.Call("QueryDeviceInfo", ("ProductKey", productKey), ("DeviceName", "info-dev"))).At("Data");
        Assert.Equal("info-dev", data.Str("DeviceName"));
        Assert.Equal(productKey, data.Str("ProductKey"));
        Assert.Equal(device.Str("IotId"), data.Str("IotId"));
        Assert.Equal(device.Str("DeviceSecret"), data.Str("DeviceSecret"));
        Assert.Equal("info_nick", data.Str("Nickname"));
    }

    [Fact]
    public async Task Query_device_pages_by_current_page_and_by_next_token()
    {
        var productKey = await server.NewProductAsync();
        var names = Enumerable.Range(1, 5).Select(i => $"page-dev-{i}").ToList();
        foreach (var n in names) await server.NewDeviceAsync(productKey, n);

        var first = await server.Call("QueryDevice", ("ProductKey", productKey), ("PageSize", "2"));
        Assert.Equal(1, first.At("Page").GetInt32());
        Assert.Equal(2, first.At("PageSize").GetInt32());
        Assert.Equal(5, first.At("Total").GetInt32());
        Assert.Equal(3, first.At("PageCount").GetInt32());
        Assert.Equal("2", first.Str("NextToken"));

        var seen = first.At("Data.DeviceInfo").Pluck("DeviceName");
        var response = first;
        var pages = 1;
        while (response.TryGetProperty("NextToken", out var token))
        {
            response = await server.Call("QueryDevice", ("ProductKey", productKey), ("PageSize", "2"), ("NextToken", token.GetString()!));
            seen.AddRange(response.At("Data.DeviceInfo").Pluck("DeviceName"));
            Assert.True(++pages <= 3, "NextToken never ran out");
        }
        Assert.Equal(3, pages);
        Assert.Equal(names, seen);

        var last = await server.Call("QueryDevice", ("ProductKey", productKey), ("PageSize", "2"), ("CurrentPage", "3"));
        Assert.Equal(3, last.At("Page").GetInt32());
        var only = Assert.Single(last.At("Data.DeviceInfo").EnumerateArray());
        Assert.Equal("page-dev-5", only.Str("DeviceName"));
        Assert.Equal(only.Str("IotId"), only.Str("DeviceId"));
        Assert.Equal("UNACTIVE", only.Str("DeviceStatus"));
        Assert.Equal(productKey, only.Str("ProductKey"));
        Assert.Matches(GmtPattern, only.Str("GmtCreate"));
        Assert.Matches(UtcPattern, only.Str("UtcModified"));
        Assert.False(last.TryGetProperty("NextToken", out _));
    }

    [Fact]
    public async Task Query_device_of_an_unknown_product_is_not_found()
    {
        Assert.Equal("iot.prod.NotExistedProduct", (await server.Fails("QueryDevice", ("ProductKey", "a1nosuchprd"))).Code);
    }

    [Fact]
    public async Task Query_device_by_status_lists_only_devices_in_that_status()
    {
        var productKey = await server.NewProductAsync();
        foreach (var n in new[] { "status-a", "status-b", "status-c" }) await server.NewDeviceAsync(productKey, n);
        await server.Call("DisableThing", ("ProductKey", productKey), ("DeviceName", "status-b"));

        var disabled = await server.Call("QueryDeviceByStatus", ("ProductKey", productKey), ("Status", "DISABLE"));
        Assert.Equal(1, disabled.At("Total").GetInt32());
        var item = Assert.Single(disabled.At("Data.SimpleDeviceInfo").EnumerateArray());
        Assert.Equal("status-b", item.Str("DeviceName"));
        Assert.Equal("DISABLE", item.Str("Status"));
        Assert.Equal(productKey, item.Str("ProductKey"));

        var unactive = await server.Call("QueryDeviceByStatus", ("ProductKey", productKey), ("Status", "UNACTIVE"), ("PageSize", "1"));
        Assert.Equal(2, unactive.At("Total").GetInt32());
        Assert.Equal(2, unactive.At("PageCount").GetInt32());
        Assert.Equal(new[] { "status-a" }, unactive.At("Data.SimpleDeviceInfo").Pluck("DeviceName"));

        var online = await server.Call("QueryDeviceByStatus", ("ProductKey", productKey), ("Status", "ONLINE"));
        Assert.Equal(0, online.At("Total").GetInt32());

        var bad = await server.Fails("QueryDeviceByStatus", ("ProductKey", productKey), ("Status", "SLEEPING"));
        Assert.Equal("iot.common.InvalidFormattedParameter", bad.Code);
    }

    [Fact]
    public async Task Batch_query_device_detail_returns_only_the_known_devices()
    {
        var productName = Unique("Batchq");
        var productKey = (await server.Call("CreateProduct", ("ProductName", productName), ("NodeType", "0"))).Str("ProductKey");
        var a = await server.NewDeviceAsync(productKey, "bq-dev-a");
        await server.NewDeviceAsync(productKey, "bq-dev-b");
        await server.NewDeviceAsync(productKey, "bq-dev-c");

        var body = await server.Call("BatchQueryDeviceDetail", List("DeviceName", "bq-dev-a", "bq-dev-b", "no-such-dev").With(("ProductKey", productKey)));
        var items = body.At("Data.Data");
        Assert.Equal(new[] { "bq-dev-a", "bq-dev-b" }, items.Pluck("DeviceName").Order());
        var first = items.EnumerateArray().Single(i => i.Str("DeviceName") == "bq-dev-a");
        Assert.Equal(a.Str("IotId"), first.Str("IotId"));
        Assert.Equal(a.Str("DeviceSecret"), first.Str("DeviceSecret"));
        Assert.Equal(productName, first.Str("ProductName"));
        Assert.Equal("UNACTIVE", first.Str("Status"));
        Assert.Matches(UtcPattern, first.Str("UtcCreate"));
    }

    [Fact]
    public async Task Delete_device_removes_it_and_frees_its_name()
    {
        var productKey = await server.NewProductAsync();
        var device = await server.NewDeviceAsync(productKey, "doomed-dev");
        await server.NewDeviceAsync(productKey, "survivor-dev");

        await server.Call("DeleteDevice", ("ProductKey", productKey), ("DeviceName", "doomed-dev"));

        Assert.Equal("iot.device.NotExistedDevice", (await server.Fails("QueryDeviceDetail", ("IotId", device.Str("IotId")))).Code);
        Assert.Equal("iot.device.NotExistedDevice", (await server.Fails("DeleteDevice", ("IotId", device.Str("IotId")))).Code);
        var list = await server.Call("QueryDevice", ("ProductKey", productKey));
        Assert.Equal(new[] { "survivor-dev" }, list.At("Data.DeviceInfo").Pluck("DeviceName"));

        var again = await server.NewDeviceAsync(productKey, "doomed-dev");
        Assert.NotEqual(device.Str("IotId"), again.Str("IotId"));
    }

    [Fact]
    public async Task Delete_device_by_iot_id_works()
    {
        var productKey = await server.NewProductAsync();
        var device = await server.NewDeviceAsync(productKey, "by-iotid");
        await server.Call("DeleteDevice", ("IotId", device.Str("IotId")));
        Assert.Equal(0, (await server.Call("QueryDevice", ("ProductKey", productKey))).At("Total").GetInt32());
    }

    [Fact]
    public async Task Disable_then_enable_returns_a_never_connected_device_to_unactive()
    {
        var productKey = await server.NewProductAsync();
        var device = await server.NewDeviceAsync(productKey, "toggle-dev");
        var iotId = device.Str("IotId");

        var initial = (await server.Call("GetDeviceStatus", ("IotId", iotId))).At("Data");
        Assert.Equal("UNACTIVE", initial.Str("Status"));
        Assert.True(initial.At("Timestamp").GetInt64() > 0);

        await server.Call("DisableThing", ("IotId", iotId));
        Assert.Equal("DISABLE", (await server.Call("GetDeviceStatus", ("IotId", iotId))).Str("Data.Status"));
        Assert.Equal("DISABLE", (await server.Call("QueryDeviceDetail", ("IotId", iotId))).Str("Data.Status"));

        await server.Call("EnableThing", ("ProductKey", productKey), ("DeviceName", "toggle-dev"));
        Assert.Equal("UNACTIVE", (await server.Call("GetDeviceStatus", ("ProductKey", productKey), ("DeviceName", "toggle-dev"))).Str("Data.Status"));
    }

    [Fact]
    public async Task Enabling_a_device_that_is_not_disabled_changes_nothing()
    {
        var productKey = await server.NewProductAsync();
        var device = await server.NewDeviceAsync(productKey, "never-off");
        await server.Call("EnableThing", ("IotId", device.Str("IotId")));
        Assert.Equal("UNACTIVE", (await server.Call("GetDeviceStatus", ("IotId", device.Str("IotId")))).Str("Data.Status"));
    }

    [Fact]
    public async Task Batch_get_device_state_answers_by_device_names_and_by_iot_ids()
    {
        var productKey = await server.NewProductAsync();
        var a = await server.NewDeviceAsync(productKey, "state-a");
        var b = await server.NewDeviceAsync(productKey, "state-b");
        await server.Call("DisableThing", ("IotId", b.Str("IotId")));

        var byName = await server.Call("BatchGetDeviceState", List("DeviceName", "state-a", "state-b", "state-zzz").With(("ProductKey", productKey)));
        var states = byName.At("DeviceStatusList.DeviceStatus");
        Assert.Equal(2, states.GetArrayLength());
        var stateA = states.EnumerateArray().Single(s => s.Str("DeviceName") == "state-a");
        Assert.Equal("UNACTIVE", stateA.Str("Status"));
        Assert.Equal(a.Str("IotId"), stateA.Str("IotId"));
        Assert.Equal(a.Str("IotId"), stateA.Str("DeviceId"));
        Assert.Equal("DISABLE", states.EnumerateArray().Single(s => s.Str("DeviceName") == "state-b").Str("Status"));

        var byId = await server.Call("BatchGetDeviceState", List("IotId", b.Str("IotId")));
        var only = Assert.Single(byId.At("DeviceStatusList.DeviceStatus").EnumerateArray());
        Assert.Equal("state-b", only.Str("DeviceName"));
        Assert.Equal("DISABLE", only.Str("Status"));
    }

    [Fact]
    public async Task Query_device_statistics_counts_with_lowercase_keys()
    {
        var productKey = await server.NewProductAsync();
        foreach (var n in new[] { "stat-a", "stat-b", "stat-c" }) await server.NewDeviceAsync(productKey, n);

        var body = await server.Call("QueryDeviceStatistics", ("ProductKey", productKey));
        var data = body.At("Data");
        Assert.Equal(3, data.At("deviceCount").GetInt32());
        Assert.Equal(0, data.At("activeCount").GetInt32());
        Assert.Equal(0, data.At("onlineCount").GetInt32());
        Assert.False(data.TryGetProperty("DeviceCount", out _));

        var all = (await server.Call("QueryDeviceStatistics")).At("Data");
        Assert.True(all.At("deviceCount").GetInt32() >= 3);

        Assert.Equal("iot.prod.NotExistedProduct", (await server.Fails("QueryDeviceStatistics", ("ProductKey", "a1nosuchprd"))).Code);
    }

    [Fact]
    public async Task Typed_sdk_reads_every_device_response()
    {
        var productKey = await server.NewProductAsync("TypedDev");
        var registered = await NodeSdk.RpcAsync(server, "typed", "RegisterDevice", new { ProductKey = productKey, DeviceName = "typed-dev-1" });
        Assert.Equal("typed-dev-1", registered.Str("body.Data.DeviceName"));
        var iotId = registered.Str("body.Data.IotId");
        await NodeSdk.RpcAsync(server, "typed", "RegisterDevice", new { ProductKey = productKey, DeviceName = "typed-dev-2" });

        var detail = await NodeSdk.RpcAsync(server, "typed", "QueryDeviceDetail", new { IotId = iotId });
        Assert.Equal("UNACTIVE", detail.Str("body.Data.Status"));
        Assert.Equal(productKey, detail.Str("body.Data.ProductKey"));

        var info = await NodeSdk.RpcAsync(server, "typed", "QueryDeviceInfo", new { ProductKey = productKey, DeviceName = "typed-dev-1" });
        Assert.Equal(iotId, info.Str("body.Data.IotId"));

        var list = await NodeSdk.RpcAsync(server, "typed", "QueryDevice", new { ProductKey = productKey, PageSize = 1 });
        Assert.Equal(2, list.At("body.Total").GetInt32());
        Assert.Equal("2", list.Str("body.NextToken"));
        Assert.Single(list.At("body.Data.DeviceInfo").EnumerateArray());

        var disabled = await NodeSdk.RpcAsync(server, "typed", "DisableThing", new { IotId = iotId });
        Assert.True(disabled.At("body.Success").GetBoolean(), disabled.ToString());

        var byStatus = await NodeSdk.RpcAsync(server, "typed", "QueryDeviceByStatus", new { ProductKey = productKey, Status = "DISABLE" });
        Assert.Equal(new[] { "typed-dev-1" }, byStatus.At("body.Data.SimpleDeviceInfo").Pluck("DeviceName"));

        var status = await NodeSdk.RpcAsync(server, "typed", "GetDeviceStatus", new { IotId = iotId });
        Assert.Equal("DISABLE", status.Str("body.Data.Status"));

        var enabled = await NodeSdk.RpcAsync(server, "typed", "EnableThing", new { IotId = iotId });
        Assert.True(enabled.At("body.Success").GetBoolean(), enabled.ToString());

        var batch = await NodeSdk.RpcAsync(server, "typed", "BatchQueryDeviceDetail", new { ProductKey = productKey, DeviceName = new[] { "typed-dev-1", "typed-dev-2" } });
        Assert.Equal(2, batch.At("body.Data.Data").GetArrayLength());

        var stats = await NodeSdk.RpcAsync(server, "typed", "QueryDeviceStatistics", new { ProductKey = productKey });
        Assert.Equal(2, stats.At("body.Data.deviceCount").GetInt32());

        var deleted = await NodeSdk.RpcAsync(server, "typed", "DeleteDevice", new { ProductKey = productKey, DeviceName = "typed-dev-2" });
        Assert.True(deleted.At("body.Success").GetBoolean(), deleted.ToString());
        var gone = await NodeSdk.RpcAsync(server, "pop-get", "QueryDeviceDetail", new { ProductKey = productKey, DeviceName = "typed-dev-2" });
        Assert.Equal("iot.device.NotExistedDevice", gone.Str("data.Code"));
    }
}
