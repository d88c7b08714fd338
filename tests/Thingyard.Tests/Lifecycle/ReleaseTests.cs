// The way to release through the OpenAPI: the seed's checks refuse an unready product with what is missing; a
// submission waits for the platform operator, who rejects with a reason (the developer's inbox says why) or approves;
// a released product's thing model and panel are locked until CancelReleaseProduct; every step is in the audit trail.
using System.Net.Http.Json;
using Thingyard.Tests.Connectivity;
using Thingyard.Tests.Infrastructure;
using Thingyard.Tests.Registry;
using static Thingyard.Tests.Registry.RegistryCalls;

namespace Thingyard.Tests.Lifecycle;

public sealed class ReleaseTests(ThingyardServer server) : IClassFixture<ThingyardServer>
{
    const string Custom = """{"properties":[{"identifier":"NightMode","name":"Night mode","accessMode":"rw","required":false,"dataType":{"type":"bool","specs":{"0":"off","1":"on"}}}]}""";
    const string Panel = """{"pages":[{"title":"Home","sections":[{"title":"Light","widgets":[{"type":"switch","identifier":"LightSwitch","label":"Power"},{"type":"slider","identifier":"Brightness"},{"type":"switch","identifier":"NightMode"},{"type":"chart","identifier":"Brightness"}]}]}]}""";

    [Fact]
    public async Task A_product_goes_from_development_through_rejection_to_release_and_back()
    {
        var dev = await server.NewAccountAsync(Unique("maker"));
        var projectId = (await server.CallAs(dev, "CreateProject", ("ProjectName", Unique("Lighting")))).Str("Data.ProjectId");
        var pk = (await server.CallAs(dev, "CreateProduct", ("ProductName", Unique("Lamp")), ("NodeType", "0"), ("ProjectId", projectId),
            ("CategoryKey", "Lamp"))).Str("ProductKey");
        await server.CallAs(dev, "CreateThingModel", ("ProductKey", pk), ("ThingModelJson", Custom));

        // Not ready: every missing step is named.
        var early = await server.FailsAs(dev, "ReleaseProduct", ("ProductKey", pk));
        Assert.Equal("iot.prod.ReleaseCheckFailed", early.Code);
        Assert.Contains("not confirmed", early.Message);
        Assert.Contains("not published", early.Message);

        await server.CallAs(dev, "PublishThingModel", ("ProductKey", pk));
        var badPanel = await server.FailsAs(dev, "SaveProductPanel", ("ProductKey", pk),
            ("Definition", """{"pages":[{"title":"Home","sections":[{"title":"x","widgets":[{"type":"switch","identifier":"Brightness"}]}]}]}"""));
        Assert.Equal("iot.panel.InvalidPanel", badPanel.Code);
        Assert.Contains("pages[0].sections[0].widgets[0]: a switch needs a writable bool property", badPanel.Message);
        Assert.Equal(1, (await server.CallAs(dev, "SaveProductPanel", ("ProductKey", pk), ("Definition", Panel))).At("Data.Version").GetInt32());
        await server.CallAs(dev, "ConfirmProductInfo", ("ProductKey", pk));
        var checklist = (await server.CallAs(dev, "GetDebugChecklist", ("ProductKey", pk))).At("Data");
        Assert.False(checklist.At("Complete").GetBoolean());
        Assert.Contains(checklist.At("Items").EnumerateArray(), i => i.Str("Identifier") == "LightSwitch" && !i.At("Done").GetBoolean());
        var unseen = await server.FailsAs(dev, "ReleaseProduct", ("ProductKey", pk));
        Assert.Contains("not yet seen from a device", unseen.Message);
        Assert.DoesNotContain("not confirmed", unseen.Message);

        // Submitted with the checklist waived: pending review, and the model can still be edited.
        var submitted = (await server.CallAs(dev, "ReleaseProduct", ("ProductKey", pk), ("WaiveReason", "lab devices not ready"))).At("Data");
        Assert.Equal("pending", submitted.Str("ReleaseState"));
        await server.CallAs(dev, "CreateThingModel", ("ProductKey", pk),
            ("ThingModelJson", Custom.Replace("NightMode", "Eco").Replace("Night mode", "Eco")));
        Assert.Equal("iot.prod.InvalidReleaseState", (await server.FailsAs(dev, "ReleaseProduct", ("ProductKey", pk), ("WaiveReason", "again"))).Code);
        var progress = (await server.CallAs(dev, "GetProductDevelopmentProgress", ("ProductKey", pk))).At("Data");
        Assert.Contains(progress.At("Steps").EnumerateArray(), s => s.Str("Step") == "release" && s.Str("Detail").Contains("waiting"));

        // Only the operator reviews.
        Assert.Equal("iot.common.RamActionPermissionDeny", (await server.FailsAs(dev, "QueryReleaseReviewList")).Code);
        Assert.Equal("iot.common.RamActionPermissionDeny", (await server.FailsAs(dev, "ApproveProductRelease", ("ProductKey", pk))).Code);
        var queue = (await server.Call("QueryReleaseReviewList")).At("Data.List");
        var entry = Assert.Single(queue.EnumerateArray(), q => q.Str("ProductKey") == pk);
        Assert.Equal(dev.AccountUid, entry.Str("AccountUid"));
        Assert.Contains("lab devices not ready", entry.Str("WaiveReason"));

        // Rejected with a reason the developer reads in the inbox.
        Assert.Equal("iot.common.InvalidFormattedParameter", (await server.Fails("RejectProductRelease", ("ProductKey", pk))).Code);
        await server.Call("RejectProductRelease", ("ProductKey", pk), ("Reason", "The panel needs the color temperature"));
        Assert.Equal("iot.prod.NotExistedReleaseRequest", (await server.Fails("ApproveProductRelease", ("ProductKey", pk))).Code);
        using (var rest = server.Rest(dev.AccessKeyId, dev.AccessKeySecret))
        {
            var inbox = await rest.GetFromJsonAsync<System.Text.Json.JsonElement>("/api/v1/notifications");
            Assert.Contains(inbox.EnumerateArray(), n => n.ToString().Contains("The panel needs the color temperature"));
        }
        Assert.Equal("DEVELOPMENT_STATUS", (await server.CallAs(dev, "QueryProduct", ("ProductKey", pk))).Str("Data.ProductStatus"));

        // Fixed, resubmitted and approved: released and locked.
        await server.CallAs(dev, "SaveProductPanel", ("ProductKey", pk), ("Definition", Panel.Replace("""{"type":"chart","identifier":"Brightness"}""",
            """{"type":"slider","identifier":"ColorTemperature"}""")));
        await server.CallAs(dev, "ReleaseProduct", ("ProductKey", pk), ("WaiveReason", "lab devices not ready"));
        await server.Call("ApproveProductRelease", ("ProductKey", pk));
        var product = (await server.CallAs(dev, "QueryProduct", ("ProductKey", pk))).At("Data");
        Assert.Equal("RELEASE_STATUS", product.Str("ProductStatus"));
        Assert.Equal("released", product.Str("ReleaseState"));
        Assert.Equal("iot.prod.ProductReleased", (await server.FailsAs(dev, "CreateThingModel", ("ProductKey", pk),
            ("ThingModelJson", Custom.Replace("NightMode", "Late").Replace("Night mode", "Late")))).Code);
        Assert.Equal("iot.prod.ProductReleased", (await server.FailsAs(dev, "PublishThingModel", ("ProductKey", pk))).Code);
        Assert.Equal("iot.prod.ProductReleased", (await server.FailsAs(dev, "SaveProductPanel", ("ProductKey", pk), ("Definition", Panel))).Code);
        Assert.DoesNotContain((await server.Call("QueryReleaseReviewList")).At("Data.List").EnumerateArray(), q => q.Str("ProductKey") == pk);

        // Cancelled: back in development, editable again.
        await server.CallAs(dev, "CancelReleaseProduct", ("ProductKey", pk));
        Assert.Equal("DEVELOPMENT_STATUS", (await server.CallAs(dev, "QueryProduct", ("ProductKey", pk))).Str("Data.ProductStatus"));
        await server.CallAs(dev, "CreateThingModel", ("ProductKey", pk), ("ThingModelJson", Custom.Replace("NightMode", "Late").Replace("Night mode", "Late")));

        var history = (await server.CallAs(dev, "QueryProductReleaseHistory", ("ProductKey", pk))).At("Data.List").EnumerateArray().ToList();
        Assert.Equal(["cancelled", "approved", "submitted", "rejected", "submitted"], history.Select(h => h.Str("Action")));
        Assert.Equal("The panel needs the color temperature", history[3].Str("Reason"));
        Assert.Contains("AccessKey of account " + dev.AccountUid, history[4].Str("Actor"));
        Assert.StartsWith("checklist waived", history[4].Str("Reason"));
    }

    [Fact]
    public async Task The_checklist_completes_from_a_real_device_and_the_release_needs_no_waiver()
    {
        var pk = await server.NewProductAsync("Sensor");
        await server.Call("ImportThingModelTsl", ("ProductKey", pk), ("TslStr", """
            {"schema":"https://iotx-tsl.oss-ap-southeast-1.aliyuncs.com/schema.json","profile":{"productKey":"x"},
             "properties":[{"identifier":"Temp","name":"Temp","accessMode":"r","required":true,"dataType":{"type":"int","specs":{"min":"-40","max":"120","step":"1"}}},
                           {"identifier":"Note","name":"Note","accessMode":"rw","required":false,"dataType":{"type":"text","specs":{"length":"64"}}}],
             "events":[{"identifier":"Overheat","name":"Overheat","type":"alert","outputData":[]}],
             "services":[]}
            """));
        await server.Call("PublishThingModel", ("ProductKey", pk));
        await server.Call("SaveProductPanel", ("ProductKey", pk), ("Definition", """{"pages":[{"title":"Home","sections":[{"title":"Now","widgets":[{"type":"value","identifier":"Temp"},{"type":"chart","identifier":"Temp"}]}]}]}"""));
        await server.Call("ConfirmProductInfo", ("ProductKey", pk));
        var items = (await server.Call("GetDebugChecklist", ("ProductKey", pk))).At("Data.Items").EnumerateArray().ToList();
        Assert.Equal(["property Temp", "event Overheat"], items.Select(i => i.Str("Kind") + " " + i.Str("Identifier"))); // only required properties

        var d = await server.NewTestDeviceAsync(pk);
        await using (var device = await server.ConnectAsync(d))
        {
            Assert.Equal(200, (await device.RequestAsync($"/sys/{pk}/{d.DeviceName}/thing/event/property/post", "thing.event.property.post", """{"Temp":21}""", qos: 1)).At("code").GetInt32());
            Assert.Equal(200, (await device.RequestAsync($"/sys/{pk}/{d.DeviceName}/thing/event/Overheat/post", "thing.event.Overheat.post", "{}", qos: 1)).At("code").GetInt32());
        }
        var done = await ConnectivityCalls.EventuallyAsync(() => server.Call("GetDebugChecklist", ("ProductKey", pk)), r => r.At("Data.Complete").GetBoolean());
        Assert.All(done.At("Data.Items").EnumerateArray(), i => Assert.Equal(d.DeviceName, i.Str("DeviceName")));
        await server.Call("ReleaseProduct", ("ProductKey", pk));
        var progress = (await server.Call("GetProductDevelopmentProgress", ("ProductKey", pk))).At("Data");
        Assert.Equal("pending", progress.Str("ReleaseState"));
        Assert.All(progress.At("Steps").EnumerateArray().Where(s => s.Str("Step") is "information" or "features" or "panel" or "debugging"),
            s => Assert.True(s.At("Done").GetBoolean(), s.ToString()));
    }
}
