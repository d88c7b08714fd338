// The whole development flow through the OpenAPI, as a developer account and the platform operator: project →
// product from the lamp category → a custom property → publish → panel → a virtual device completes the debugging
// checklist → submit → the model is still editable → rejected with a reason → fixed and resubmitted → approved → the
// model is locked → production batches of 500 by count and 20 by uploaded names (one invalid name reported) → the
// credentials CSV → a device from it connects with the official Node device SDK and is counted as activated → the
// quota is 520 lower.
using System.Text.Json;
using Thingyard.Tests.Infrastructure;
using Thingyard.Tests.Registry;
using static Thingyard.Tests.Registry.RegistryCalls;

namespace Thingyard.Tests.Lifecycle;

public sealed class ProductFlowTests(ThingyardServer server) : IClassFixture<ThingyardServer>
{
    const string NightMode = """{"properties":[{"identifier":"NightMode","name":"Night mode","accessMode":"rw","required":false,"dataType":{"type":"bool","specs":{"0":"off","1":"on"}}}]}""";

    static async Task<JsonElement> PollAsync(Func<Task<JsonElement>> read, Func<JsonElement, bool> ok, int tries = 200)
    {
        var value = await read();
        for (var i = 0; i < tries && !ok(value); i++)
        {
            await Task.Delay(150);
            value = await read();
        }
        Assert.True(ok(value), value.ToString());
        return value;
    }

    [Fact]
    public async Task A_lamp_goes_from_a_project_to_mass_production()
    {
        var dev = await server.NewAccountAsync(Unique("maker"));
        var projectId = (await server.CallAs(dev, "CreateProject", ("ProjectName", Unique("Home lighting")))).Str("Data.ProjectId");
        var pk = (await server.CallAs(dev, "CreateProduct", ("ProductName", Unique("Lamp")), ("NodeType", "0"), ("ProjectId", projectId),
            ("CategoryKey", "Lamp"))).Str("ProductKey");
        await server.CallAs(dev, "CreateThingModel", ("ProductKey", pk), ("ThingModelJson", NightMode));
        await server.CallAs(dev, "PublishThingModel", ("ProductKey", pk));
        await server.CallAs(dev, "SaveProductPanel", ("ProductKey", pk), ("Definition",
            """{"pages":[{"title":"Home","sections":[{"title":"Light","widgets":[{"type":"switch","identifier":"LightSwitch"},{"type":"switch","identifier":"NightMode"},{"type":"service","identifier":"ToggleLightSwitch"}]}]}]}"""));
        await server.CallAs(dev, "ConfirmProductInfo", ("ProductKey", pk));

        // A virtual device reports the properties and fires the event; a service call to it answers the service.
        var virtualName = (await server.CallAs(dev, "CreateVirtualDevice", ("ProductKey", pk), ("IntervalSeconds", "1"))).Str("Data.DeviceName");
        await server.CallAs(dev, "StartVirtualDevice", ("ProductKey", pk), ("DeviceName", virtualName));
        await PollAsync(() => server.CallAs(dev, "GetDeviceStatus", ("ProductKey", pk), ("DeviceName", virtualName)), r => r.Str("Data.Status") == "ONLINE");
        await server.CallAs(dev, "InvokeThingService", ("ProductKey", pk), ("DeviceName", virtualName), ("Identifier", "ToggleLightSwitch"), ("Args", "{}"));
        var checklist = await PollAsync(() => server.CallAs(dev, "GetDebugChecklist", ("ProductKey", pk)), r => r.At("Data.Complete").GetBoolean());
        Assert.All(checklist.At("Data.Items").EnumerateArray(), i => Assert.Equal(virtualName, i.Str("DeviceName")));
        await server.CallAs(dev, "StopVirtualDevice", ("ProductKey", pk), ("DeviceName", virtualName));

        // Submitted without a waiver; while it waits the model can still change.
        await server.CallAs(dev, "ReleaseProduct", ("ProductKey", pk));
        await server.CallAs(dev, "CreateThingModel", ("ProductKey", pk), ("ThingModelJson", NightMode.Replace("NightMode", "Eco").Replace("Night mode", "Eco")));
        await server.Call("RejectProductRelease", ("ProductKey", pk), ("Reason", "Publish the Eco property too"));
        var history = (await server.CallAs(dev, "QueryProductReleaseHistory", ("ProductKey", pk))).At("Data.List");
        Assert.Equal("Publish the Eco property too", history[0].Str("Reason"));
        await server.CallAs(dev, "PublishThingModel", ("ProductKey", pk));
        await server.CallAs(dev, "ReleaseProduct", ("ProductKey", pk));
        await server.Call("ApproveProductRelease", ("ProductKey", pk));
        Assert.Equal("iot.prod.ProductReleased", (await server.FailsAs(dev, "UpdateThingModel", ("ProductKey", pk), ("Identifier", "Eco"),
            ("ThingModelJson", NightMode.Replace("NightMode", "Eco").Replace("Night mode", "Eco")))).Code);

        // Mass production: 600 codes, 500 by count and 20 uploaded names (one more line is refused), 520 spent.
        await server.Call("AllocateActivationCodes", ("AccountUid", dev.AccountUid), ("Count", "600"));
        var counted = (await server.CallAs(dev, "CreateProductionBatch", ("ProductKey", pk), ("Count", "500"))).Str("Data.BatchId");
        var names = Enumerable.Range(1, 20).Select(i => $"lamp_{i:D3}").ToList();
        var csv = "DeviceName\n" + string.Join("\n", names.Take(10)) + "\nbad name!\n" + string.Join("\n", names.Skip(10)) + "\n";
        var uploaded = (await server.CallAs(dev, "CreateProductionBatch", ("ProductKey", pk), ("DeviceNamesCsv", csv))).At("Data");
        var rejected = Assert.Single(uploaded.At("Rejected").EnumerateArray());
        Assert.Equal(12, rejected.At("Line").GetInt32()); // the header is line 1
        Assert.Equal("bad name!", rejected.Str("Name"));
        var uploadedId = uploaded.Str("BatchId");
        await PollAsync(() => server.CallAs(dev, "QueryProductionBatch", ("BatchId", counted)), r => r.At("Data.Created").GetInt32() == 500);
        await PollAsync(() => server.CallAs(dev, "QueryProductionBatch", ("BatchId", uploadedId)), r => r.At("Data.Created").GetInt32() == 20);

        var url = (await server.CallAs(dev, "GetProductionBatchCredentialsUrl", ("BatchId", uploadedId))).Str("Data.Url");
        using var http = new HttpClient();
        var rows = LifecycleCalls.CsvRows(await http.GetStringAsync(url));
        Assert.Equal(["ProductKey", "DeviceName", "DeviceSecret"], rows[0]);
        Assert.Equal(names.Order(), rows.Skip(1).Select(r => r[1]).Order());
        await server.ConnectLampWithNodeSdkAsync(rows[1]);
        await PollAsync(() => server.CallAs(dev, "QueryProductionBatch", ("BatchId", uploadedId)), r => r.At("Data.Activated").GetInt32() == 1);

        var quota = (await server.CallAs(dev, "GetActivationCodeQuota")).At("Data");
        Assert.Equal(600, quota.At("Allocated").GetInt32());
        Assert.Equal(520, quota.At("Used").GetInt32());
        Assert.Equal(80, quota.At("Remaining").GetInt32());
    }
}
