// The official @alicloud/iot20180120 client (typed model methods, ACS3 signing) reads every messaging, telemetry,
// shadow and topology response: its models keep only keys spelled exactly as they expect.
using System.Text.Json;
using Thingyard.Tests.Connectivity;
using Thingyard.Tests.Infrastructure;
using static Thingyard.Tests.Messaging.MessagingKit;

namespace Thingyard.Tests.Messaging;

public sealed class MessagingSdkTests(ThingyardServer server) : IClassFixture<ThingyardServer>
{
    Task<JsonElement> Typed(string action, object parameters) => NodeSdk.RpcAsync(server, "typed", action, parameters);

    static void Ok(JsonElement r) => Assert.True(r.GetProperty("ok").GetBoolean() && r.At("body.Success").GetBoolean(), r.ToString());

    [Fact]
    public async Task The_typed_sdk_reads_device_commands_and_messaging()
    {
        var (d, device) = await server.OnlineDeviceAsync("thing/service/property/set", "thing/service/reboot");
        await using var connection = device;
        var topic = $"/{d.ProductKey}/{d.DeviceName}/user/get";
        await device.SubscribeAsync(topic);

        var set = await Typed("SetDeviceProperty", new { d.ProductKey, d.DeviceName, Items = """{"mode":1}""" });
        Ok(set);
        var setRequest = await device.NextRequestAsync(device.Sys("thing/service/property/set"));
        Assert.Equal(set.Str("body.Data.MessageId"), setRequest.GetProperty("id").GetString());

        var invoke = await Typed("InvokeThingService", new { d.IotId, Identifier = "reboot", Args = """{"delay":1}""" });
        Ok(invoke);
        Assert.Equal(invoke.Str("body.Data.MessageId"), (await device.NextRequestAsync(device.Sys("thing/service/reboot"))).GetProperty("id").GetString());

        // MessageContent travels in the form body.
        var pub = await Typed("Pub", new { d.ProductKey, d.DeviceName, TopicFullName = topic, MessageContent = B64("from the sdk"), Qos = 0 });
        Ok(pub);
        Assert.False(string.IsNullOrEmpty(pub.Str("body.MessageId")));
        Assert.Equal("from the sdk", (await device.NextAsync(r => r.Topic == topic)).Payload);

        var rrpc = await Typed("RRpc", new { d.ProductKey, d.DeviceName, RequestBase64Byte = B64("x"), Timeout = 1000 });
        Ok(rrpc);
        Assert.Equal("HALFCONN", rrpc.Str("body.RrpcCode"));
        Assert.Equal(JsonValueKind.Number, rrpc.At("body.MessageId").ValueKind);

        var subs = await Typed("QueryDeviceSubTopic", new { d.ProductKey, d.DeviceName });
        Ok(subs);
        Assert.Contains(topic, subs.At("body.TopicList").EnumerateArray().Select(t => t.Str("TopicName")));

        var broadcast = await Typed("PubBroadcast", new { d.ProductKey, TopicFullName = $"/broadcast/{d.ProductKey}/all", MessageContent = B64("x") });
        Ok(broadcast);
        Assert.Equal(JsonValueKind.Number, broadcast.At("body.MessageId").ValueKind);
    }

    [Fact]
    public async Task The_typed_sdk_reads_telemetry_shadow_and_topology()
    {
        var gateway = await server.NewTestDeviceAsync(await server.NewModelledProductAsync(nodeType: 1));
        var (d, device) = await server.OnlineDeviceAsync();
        await using var connection = device;
        await using var gatewayConnection = await server.ConnectOnlineAsync(gateway);
        await gatewayConnection.AddTopologyAsync(d);
        await device.PostPropertiesAsync("""{"temperature":30.5}""");
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var window = new { d.ProductKey, d.DeviceName, StartTime = now - 3600_000, EndTime = now + 3600_000, PageSize = 10, Asc = 1 };

        var status = await ConnectivityCalls.EventuallyAsync(() => Typed("QueryDevicePropertyStatus", new { d.ProductKey, d.DeviceName }),
            r => r.At("body.Data.List.PropertyStatusInfo").EnumerateArray().Any(p => p.TryGetProperty("Value", out _)));
        var temperature = status.At("body.Data.List.PropertyStatusInfo").EnumerateArray().Single(p => p.Str("Identifier") == "temperature");
        Assert.Equal("30.5", temperature.Str("Value"));
        Assert.Equal("float", temperature.Str("DataType"));

        var data = await Typed("QueryDevicePropertyData", new { window.ProductKey, window.DeviceName, window.StartTime, window.EndTime, window.PageSize, window.Asc, Identifier = "temperature" });
        Ok(data);
        Assert.Equal("30.5", data.At("body.Data.List.PropertyInfo").EnumerateArray().Single().Str("Value"));
        Assert.False(data.At("body.Data.NextValid").GetBoolean());

        var many = await Typed("QueryDevicePropertiesData", new { window.ProductKey, window.DeviceName, window.StartTime, window.EndTime, window.PageSize, window.Asc, Identifier = new[] { "temperature" } });
        Ok(many);
        var series = many.At("body.PropertyDataInfos.PropertyDataInfo").EnumerateArray().Single();
        Assert.Equal(JsonValueKind.Number, series.At("List.PropertyInfo").EnumerateArray().Single().GetProperty("Time").ValueKind);

        Ok(await Typed("QueryDeviceEventData", window));
        Ok(await Typed("QueryDeviceServiceData", window));

        Ok(await Typed("UpdateDeviceShadow", new { d.ProductKey, d.DeviceName, ShadowMessage = """{"method":"update","state":{"desired":{"on":1}},"version":1}""", DeltaUpdate = true }));
        var shadow = await Typed("GetDeviceShadow", new { d.ProductKey, d.DeviceName });
        Assert.Equal(1, JsonDocument.Parse(shadow.Str("body.ShadowMessage")).RootElement.At("state.desired.on").GetInt32());
        var conflict = await Typed("UpdateDeviceShadow", new { d.ProductKey, d.DeviceName, ShadowMessage = """{"method":"update","state":{"desired":{"on":0}},"version":1}""" });
        Assert.Equal("iot.shadow.VersionConflict", conflict.At("body.Code").GetString());

        var topo = await Typed("GetThingTopo", new { gateway.ProductKey, gateway.DeviceName, PageNo = 1, PageSize = 10 });
        Assert.Equal(d.IotId, topo.At("body.Data.List.deviceInfo").EnumerateArray().Single().Str("IotId"));
        var gw = await Typed("GetGatewayBySubDevice", new { d.ProductKey, d.DeviceName });
        Assert.Equal(gateway.IotId, gw.Str("body.Data.iotId"));
        Assert.Equal("cn-shanghai", gw.Str("body.Data.region"));
        var removed = await Typed("RemoveThingTopo", new { d.IotId });
        Assert.True(removed.At("body.Data").GetBoolean());
    }
}
