// Batch registration over real HTTP: BatchCheckDeviceNames, BatchRegisterDeviceWithApplyId, BatchRegisterDevice,
// QueryBatchRegisterDeviceStatus (polled until the worker finishes) and QueryPageByApplyId.
using System.Text.Json;
using Thingyard.Tests.Infrastructure;
using static Thingyard.Tests.Registry.RegistryCalls;

namespace Thingyard.Tests.Registry;

public sealed class BatchRegistrationTests(ThingyardServer server) : IClassFixture<ThingyardServer>
{
    [Fact]
    public async Task Batch_check_device_names_accepts_good_names_into_an_apply()
    {
        var productKey = await server.NewProductAsync();
        var body = await server.Call("BatchCheckDeviceNames", List("DeviceName", "chk-001", "chk-002", "chk-003").With(("ProductKey", productKey)));

        var applyId = body.At("Data.ApplyId");
        Assert.Equal(JsonValueKind.Number, applyId.ValueKind);
        Assert.True(applyId.GetInt64() > 0);
        Assert.False(body.At("Data").TryGetProperty("InvalidDeviceNameList", out _));

        var status = (await server.Call("QueryBatchRegisterDeviceStatus", ("ProductKey", productKey), ("ApplyId", applyId.ToString()))).At("Data");
        Assert.Equal("CHECK_SUCCESS", status.Str("Status"));
        Assert.Equal(new[] { "chk-001", "chk-002", "chk-003" }, status.At("ValidList.Name").EnumerateArray().Select(n => n.GetString()));
        Assert.Equal(0, status.At("InvalidList.Name").GetArrayLength());
        Assert.Equal(0, (await server.Call("QueryDevice", ("ProductKey", productKey))).At("Total").GetInt32());
    }

    [Fact]
    public async Task Batch_registration_creates_every_checked_name()
    {
        var productKey = await server.NewProductAsync();
        var names = new[] { "batch-001", "batch-002", "batch-003" };
        var applyId = (await server.Call("BatchCheckDeviceNames", List("DeviceName", names).With(("ProductKey", productKey)))).Str("Data.ApplyId");

        var started = await server.Call("BatchRegisterDeviceWithApplyId", ("ProductKey", productKey), ("ApplyId", applyId));
        Assert.Equal(applyId, started.Str("Data.ApplyId"));

        var status = await server.WaitForBatchAsync(productKey, applyId);
        Assert.Equal("CREATE_SUCCESS", status.Str("Status"));
        Assert.Equal(names, status.At("ValidList.Name").EnumerateArray().Select(n => n.GetString()));
        Assert.Equal(0, status.At("InvalidList.Name").GetArrayLength());

        var page = await server.Call("QueryPageByApplyId", ("ApplyId", applyId));
        Assert.Equal(3, page.At("Total").GetInt32());
        Assert.Equal(1, page.At("Page").GetInt32());
        Assert.Equal(1, page.At("PageCount").GetInt32());
        var infos = page.At("ApplyDeviceList.ApplyDeviceInfo");
        Assert.Equal(names, infos.Pluck("DeviceName").Order());
        foreach (var info in infos.EnumerateArray())
        {
            Assert.Matches("^[0-9a-f]{32}$", info.Str("DeviceSecret"));
            Assert.Equal(info.Str("IotId"), info.Str("DeviceId"));
            var detail = (await server.Call("QueryDeviceDetail", ("IotId", info.Str("IotId")))).At("Data");
            Assert.Equal(info.Str("DeviceName"), detail.Str("DeviceName"));
            Assert.Equal(info.Str("DeviceSecret"), detail.Str("DeviceSecret"));
        }
    }

    [Fact]
    public async Task Batch_check_device_names_accepts_the_device_name_list_form()
    {
        var productKey = await server.NewProductAsync();
        var applyId = (await server.Call("BatchCheckDeviceNames", ("ProductKey", productKey),
            ("DeviceNameList.1.DeviceName", "list-form-1"), ("DeviceNameList.1.DeviceNickname", "first_one"),
            ("DeviceNameList.2.DeviceName", "list-form-2"))).Str("Data.ApplyId");

        await server.Call("BatchRegisterDeviceWithApplyId", ("ProductKey", productKey), ("ApplyId", applyId));
        Assert.Equal("CREATE_SUCCESS", (await server.WaitForBatchAsync(productKey, applyId)).Str("Status"));
        var list = await server.Call("QueryDevice", ("ProductKey", productKey));
        Assert.Equal(new[] { "list-form-1", "list-form-2" }, list.At("Data.DeviceInfo").Pluck("DeviceName").Order());
    }

    [Fact]
    public async Task Batch_check_device_names_reports_bad_taken_and_repeated_names_and_the_apply_cannot_start()
    {
        var productKey = await server.NewProductAsync();
        await server.NewDeviceAsync(productKey, "taken-001");

        var body = await server.Call("BatchCheckDeviceNames",
            List("DeviceName", "fresh-001", "x", "taken-001", "twice-001", "twice-001").With(("ProductKey", productKey)));
        var invalid = body.At("Data.InvalidDeviceNameList.InvalidDeviceName").EnumerateArray().Select(n => n.GetString()).ToList();
        Assert.Equal(new[] { "taken-001", "twice-001", "x" }, invalid.Order());
        var applyId = body.Str("Data.ApplyId");

        var status = (await server.Call("QueryBatchRegisterDeviceStatus", ("ProductKey", productKey), ("ApplyId", applyId))).At("Data");
        Assert.Equal("CHECK_FAILED", status.Str("Status"));
        Assert.Contains("x", status.At("InvalidList.Name").EnumerateArray().Select(n => n.GetString()));

        var refused = await server.Fails("BatchRegisterDeviceWithApplyId", ("ProductKey", productKey), ("ApplyId", applyId));
        Assert.Equal("iot.device.ApplyStatusError", refused.Code);
        var list = await server.Call("QueryDevice", ("ProductKey", productKey));
        Assert.Equal(new[] { "taken-001" }, list.At("Data.DeviceInfo").Pluck("DeviceName"));
    }

    [Fact]
    public async Task A_name_taken_after_the_check_is_skipped_and_reported_invalid()
    {
        var productKey = await server.NewProductAsync();
        var applyId = (await server.Call("BatchCheckDeviceNames", List("DeviceName", "race-001", "race-002").With(("ProductKey", productKey)))).Str("Data.ApplyId");
        var squatter = await server.NewDeviceAsync(productKey, "race-002");

        await server.Call("BatchRegisterDeviceWithApplyId", ("ProductKey", productKey), ("ApplyId", applyId));
        var status = await server.WaitForBatchAsync(productKey, applyId);

        Assert.Equal("CREATE_SUCCESS", status.Str("Status"));
        Assert.Equal(new[] { "race-001" }, status.At("ValidList.Name").EnumerateArray().Select(n => n.GetString()));
        Assert.Equal(new[] { "race-002" }, status.At("InvalidList.Name").EnumerateArray().Select(n => n.GetString()));
        var page = await server.Call("QueryPageByApplyId", ("ApplyId", applyId));
        Assert.Equal(new[] { "race-001" }, page.At("ApplyDeviceList.ApplyDeviceInfo").Pluck("DeviceName"));
        Assert.Equal(squatter.Str("IotId"), (await server.Call("QueryDeviceDetail", ("ProductKey", productKey), ("DeviceName", "race-002"))).Str("Data.IotId"));
    }

    [Fact]
    public async Task Batch_register_device_generates_count_devices_paged_by_apply_id()
    {
        var productKey = await server.NewProductAsync();
        var applyId = (await server.Call("BatchRegisterDevice", ("ProductKey", productKey), ("Count", "4"))).Str("Data.ApplyId");

        Assert.Equal("CREATE_SUCCESS", (await server.WaitForBatchAsync(productKey, applyId)).Str("Status"));

        var first = await server.Call("QueryPageByApplyId", ("ApplyId", applyId), ("PageSize", "3"));
        Assert.Equal(4, first.At("Total").GetInt32());
        Assert.Equal(2, first.At("PageCount").GetInt32());
        Assert.Equal(3, first.At("PageSize").GetInt32());
        var second = await server.Call("QueryPageByApplyId", ("ApplyId", applyId), ("PageSize", "3"), ("CurrentPage", "2"));
        Assert.Equal(2, second.At("Page").GetInt32());
        var names = first.At("ApplyDeviceList.ApplyDeviceInfo").Pluck("DeviceName")
            .Concat(second.At("ApplyDeviceList.ApplyDeviceInfo").Pluck("DeviceName")).ToList();
        Assert.Equal(4, names.Distinct().Count());
        Assert.All(names, n => Assert.Matches("^[A-Za-z0-9]{20}$", n));
        Assert.Equal(4, (await server.Call("QueryProduct", ("ProductKey", productKey))).At("Data.DeviceCount").GetInt32());
    }

    [Theory]
    [InlineData("0")]
    [InlineData("10001")]
    public async Task Batch_register_device_refuses_a_count_out_of_range(string count)
    {
        var productKey = await server.NewProductAsync();
        var failure = await server.Fails("BatchRegisterDevice", ("ProductKey", productKey), ("Count", count));
        Assert.Equal("iot.common.InvalidFormattedParameter", failure.Code);
    }

    [Fact]
    public async Task An_apply_is_found_only_with_its_own_product()
    {
        var productKey = await server.NewProductAsync();
        var otherProduct = await server.NewProductAsync();
        var applyId = (await server.Call("BatchCheckDeviceNames", List("DeviceName", "own-001").With(("ProductKey", productKey)))).Str("Data.ApplyId");

        Assert.Equal("iot.device.NotExistedApply",
            (await server.Fails("QueryBatchRegisterDeviceStatus", ("ProductKey", otherProduct), ("ApplyId", applyId))).Code);
        Assert.Equal("iot.device.NotExistedApply",
            (await server.Fails("BatchRegisterDeviceWithApplyId", ("ProductKey", otherProduct), ("ApplyId", applyId))).Code);
        Assert.Equal("CHECK_SUCCESS",
            (await server.Call("QueryBatchRegisterDeviceStatus", ("ProductKey", productKey), ("ApplyId", applyId))).Str("Data.Status"));
    }

    [Fact]
    public async Task Unknown_apply_ids_are_not_found()
    {
        var productKey = await server.NewProductAsync();
        Assert.Equal("iot.device.NotExistedApply", (await server.Fails("QueryBatchRegisterDeviceStatus", ("ProductKey", productKey), ("ApplyId", "987654321"))).Code);
        Assert.Equal("iot.device.NotExistedApply", (await server.Fails("QueryPageByApplyId", ("ApplyId", "987654321"))).Code);
        Assert.Equal("iot.device.NotExistedApply", (await server.Fails("BatchRegisterDeviceWithApplyId", ("ProductKey", productKey), ("ApplyId", "987654321"))).Code);
    }

    [Fact]
    public async Task Typed_sdk_runs_a_checked_batch_to_the_end()
    {
        var productKey = await server.NewProductAsync("TypedBatch");
        var checkedNames = await NodeSdk.RpcAsync(server, "typed", "BatchCheckDeviceNames",
            new { ProductKey = productKey, DeviceName = new[] { "sdk-batch-1", "sdk-batch-2" } });
        var applyId = checkedNames.At("body.Data.ApplyId").GetInt64();

        var started = await NodeSdk.RpcAsync(server, "typed", "BatchRegisterDeviceWithApplyId", new { ProductKey = productKey, ApplyId = applyId });
        Assert.Equal(applyId, started.At("body.Data.ApplyId").GetInt64());
        await server.WaitForBatchAsync(productKey, applyId.ToString());

        var status = await NodeSdk.RpcAsync(server, "typed", "QueryBatchRegisterDeviceStatus", new { ProductKey = productKey, ApplyId = applyId });
        Assert.Equal("CREATE_SUCCESS", status.Str("body.Data.Status"));
        Assert.Equal(2, status.At("body.Data.ValidList.Name").GetArrayLength());

        var page = await NodeSdk.RpcAsync(server, "typed", "QueryPageByApplyId", new { ApplyId = applyId, CurrentPage = 1, PageSize = 10 });
        Assert.Equal(2, page.At("body.Total").GetInt32());
        Assert.Equal(new[] { "sdk-batch-1", "sdk-batch-2" }, page.At("body.ApplyDeviceList.ApplyDeviceInfo").Pluck("DeviceName").Order());

        var generated = await NodeSdk.RpcAsync(server, "v3", "BatchRegisterDevice", new { ProductKey = productKey, Count = 2 });
        var generatedId = generated.At("body.Data.ApplyId").GetInt64();
        Assert.NotEqual(applyId, generatedId);
        Assert.Equal("CREATE_SUCCESS", (await server.WaitForBatchAsync(productKey, generatedId.ToString())).Str("Status"));
    }
}
