// Shorthands the sharing tests share.
using Thingyard.Tests.Infrastructure;
using Thingyard.Tests.Registry;

namespace Thingyard.Tests.Sharing;

public static class SharingCalls
{
    const string Tsl = """
        {"schema":"https://iotx-tsl.oss-ap-southeast-1.aliyuncs.com/schema.json","profile":{"productKey":"x"},
         "properties":[{"identifier":"Level","name":"Level","accessMode":"rw","required":false,"dataType":{"type":"int","specs":{"min":"0","max":"9","step":"1"}}}],
         "events":[],
         "services":[{"identifier":"Blink","name":"Blink","callType":"async","method":"thing.service.Blink","inputData":[{"identifier":"Times","name":"Times","dataType":{"type":"int","specs":{"min":"1","max":"5","step":"1"}}}],"outputData":[]}]}
        """;

    /// <summary>A product of the admin account, released through review with a writable Level and a Blink service.</summary>
    public static async Task<string> ReleasedLampAsync(this ThingyardServer server)
    {
        var pk = await server.NewProductAsync("Lamp");
        await server.Call("ImportThingModelTsl", ("ProductKey", pk), ("TslStr", Tsl));
        await server.Call("PublishThingModel", ("ProductKey", pk));
        await server.Call("SaveProductPanel", ("ProductKey", pk), ("Definition", """{"pages":[{"title":"Home","sections":[{"title":"S","widgets":[{"type":"value","identifier":"Level"}]}]}]}"""));
        await server.Call("ConfirmProductInfo", ("ProductKey", pk));
        await server.Call("ReleaseProduct", ("ProductKey", pk), ("WaiveReason", "tested by hand"));
        await server.Call("ApproveProductRelease", ("ProductKey", pk));
        return pk;
    }

}
