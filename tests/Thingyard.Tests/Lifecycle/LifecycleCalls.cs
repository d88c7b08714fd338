// Shorthands the lifecycle tests share.
using System.Text.Json;
using Thingyard.Tests.Connectivity;
using Thingyard.Tests.Infrastructure;
using Thingyard.Tests.Registry;

namespace Thingyard.Tests.Lifecycle;

public static class LifecycleCalls
{
    const string Tsl = """
        {"schema":"https://iotx-tsl.oss-ap-southeast-1.aliyuncs.com/schema.json","profile":{"productKey":"x"},
         "properties":[{"identifier":"Temp","name":"Temp","accessMode":"r","required":true,"dataType":{"type":"int","specs":{"min":"-40","max":"120","step":"1"}}}],
         "events":[],"services":[]}
        """;
    const string Panel = """{"pages":[{"title":"Home","sections":[{"title":"S","widgets":[{"type":"value","identifier":"Temp"}]}]}]}""";

    /// <summary>Takes a product of the admin account (null) or of <paramref name="account"/> through the real release path:
    /// a thing model published, a panel saved, the information confirmed, submitted with the checklist waived.</summary>
    public static async Task SubmitForReleaseAsync(this ThingyardServer server, TestAccount? account, string pk)
    {
        Task<JsonElement> Call(string action, params (string, string)[] p) => account is null ? server.Call(action, p) : server.CallAs(account, action, p);
        await Call("ImportThingModelTsl", ("ProductKey", pk), ("TslStr", Tsl));
        await Call("PublishThingModel", ("ProductKey", pk));
        await Call("SaveProductPanel", ("ProductKey", pk), ("Definition", Panel));
        await Call("ConfirmProductInfo", ("ProductKey", pk));
        await Call("ReleaseProduct", ("ProductKey", pk), ("WaiveReason", "prototype devices at the factory"));
    }

    /// <summary>Submits the product (<see cref="SubmitForReleaseAsync"/>) and approves it with the operator's key.</summary>
    public static async Task ReleaseAsync(this ThingyardServer server, TestAccount? account, string pk)
    {
        await server.SubmitForReleaseAsync(account, pk);
        await server.Call("ApproveProductRelease", ("ProductKey", pk));
    }

    /// <summary>A credentials CSV (ProductKey,DeviceName,DeviceSecret) as rows of cells, the header first.</summary>
    public static List<string[]> CsvRows(string csv) =>
        csv.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r').Split(',')).ToList();

    /// <summary>Connects a lamp from a credentials row with the official Node device SDK, which posts LightSwitch and
    /// fires Error; the platform must accept the post.</summary>
    public static async Task ConnectLampWithNodeSdkAsync(this ThingyardServer server, string[] row)
    {
        var lines = await NodeSdk.RunScriptAsync("device.js", "connect-post", new
        {
            brokerUrl = $"mqtt://127.0.0.1:{server.MqttPort}", productKey = row[0], deviceName = row[1], deviceSecret = row[2],
            // Dictionaries: the thing model's identifiers are case-sensitive, and anonymous objects would be camel-cased.
            props = new Dictionary<string, int> { ["LightSwitch"] = 1 }, @event = "Error", eventParams = new Dictionary<string, int> { ["ErrorCode"] = 0 },
        });
        Assert.Contains(lines, l => l.GetProperty("type").GetString() == "props_reply" && l.GetProperty("res").GetProperty("code").GetInt32() == 200);
    }
}
