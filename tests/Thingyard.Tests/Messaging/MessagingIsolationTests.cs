// Every messaging, telemetry, shadow and topology action is scoped to the caller's account: another account's
// device is "not found" (never "offline" or "forbidden", which would confirm it exists) and receives nothing.
using Thingyard.Tests.Connectivity;
using Thingyard.Tests.Infrastructure;
using Thingyard.Tests.Registry;
using static Thingyard.Tests.Messaging.MessagingKit;
using Thingyard.Tests.Topics;

namespace Thingyard.Tests.Messaging;

public sealed class MessagingIsolationTests(ThingyardServer server) : IClassFixture<ThingyardServer>
{
    [Fact]
    public async Task Another_accounts_device_is_not_found_by_any_action_and_hears_nothing()
    {
        var gatewayPk = await server.NewModelledProductAsync(nodeType: 1);
        var g = await server.NewTestDeviceAsync(gatewayPk);
        var (d, device) = await server.OnlineDeviceAsync("#");
        await using var connection = device;
        await server.AddTopicClassAsync(d.ProductKey, "#", "SUB");
        await device.SubscribeAsync($"/{d.ProductKey}/{d.DeviceName}/user/#");
        await device.SubscribeAsync($"/shadow/get/{d.ProductKey}/{d.DeviceName}");
        await device.SubscribeAsync($"/broadcast/{d.ProductKey}/#");
        await using var gateway = await server.ConnectOnlineAsync(g);
        await gateway.AddTopologyAsync(d);

        var other = await server.OtherAccountAsync();
        var window = new[] { ("StartTime", "0"), ("EndTime", DateTimeOffset.UtcNow.AddHours(1).ToUnixTimeMilliseconds().ToString()) };
        var byIotId = new[] { ("IotId", d.IotId) };
        var calls = new (string Action, (string, string)[] Params)[]
        {
            ("SetDeviceProperty", d.Args(("Items", """{"mode":1}"""))),
            ("SetDeviceProperty", [.. byIotId, ("Items", """{"mode":1}""")]),
            ("SetDevicesProperty", [("ProductKey", d.ProductKey), ("DeviceName.1", d.DeviceName), ("Items", """{"mode":1}""")]),
            ("InvokeThingService", d.Args(("Identifier", "reboot"), ("Args", """{"delay":1}"""))),
            ("InvokeThingsService", [("ProductKey", d.ProductKey), ("DeviceName.1", d.DeviceName), ("Identifier", "reboot"), ("Args", "{}")]),
            ("RRpc", d.Args(("RequestBase64Byte", B64("x")), ("Timeout", "1000"))),
            ("Pub", d.Args(("TopicFullName", $"/{d.ProductKey}/{d.DeviceName}/user/get"), ("MessageContent", B64("x")))),
            ("Pub", [("ProductKey", d.ProductKey), ("TopicFullName", $"/{d.ProductKey}/{d.DeviceName}/user/get"), ("MessageContent", B64("x"))]),
            ("QueryDeviceSubTopic", d.Args()),
            ("QueryDevicePropertyStatus", d.Args()),
            ("QueryDevicePropertyStatus", byIotId),
            ("QueryDevicePropertyData", d.Args([("Identifier", "temperature"), .. window])),
            ("QueryDevicePropertiesData", d.Args([("Identifier.1", "temperature"), .. window])),
            ("QueryDeviceEventData", d.Args(window)),
            ("QueryDeviceServiceData", d.Args(window)),
            ("GetDeviceShadow", d.Args()),
            ("UpdateDeviceShadow", d.Args(("ShadowMessage", """{"method":"update","state":{"desired":{"a":1}},"version":99}"""))),
            ("GetGatewayBySubDevice", d.Args()),
            ("GetThingTopo", g.Args()),
            ("RemoveThingTopo", d.Args()),
            ("RemoveThingTopo", g.Args()),
            ("BatchAddThingTopo", [("GwProductKey", g.ProductKey), ("GwDeviceName", g.DeviceName), ("TopoAddItem.1.ProductKey", d.ProductKey),
                ("TopoAddItem.1.DeviceName", d.DeviceName), ("TopoAddItem.1.ClientId", "x"), ("TopoAddItem.1.Timestamp", "1"), ("TopoAddItem.1.Sign", "x")]),
        };
        foreach (var (action, p) in calls)
        {
            var e = await server.FailsAs(other, action, p);
            Assert.True(e.Code == "iot.device.NotExistedDevice", $"{action}: {e.Code} {e.Message}");
            Assert.DoesNotContain(d.DeviceSecret, e.Body.ToString());
        }
        var broadcast = await server.FailsAs(other, "PubBroadcast", ("ProductKey", d.ProductKey), ("TopicFullName", $"/broadcast/{d.ProductKey}/x"), ("MessageContent", B64("x")));
        Assert.Equal("iot.prod.NotExistedProduct", broadcast.Code);

        Assert.False(await device.ReceivesAsync(r => true, 300));
        // The owner still sees everything intact.
        Assert.Equal(g.IotId, (await server.Call("GetGatewayBySubDevice", d.Args())).Str("Data.iotId"));
        Assert.Equal(0, System.Text.Json.JsonDocument.Parse((await server.Call("GetDeviceShadow", d.Args())).Str("ShadowMessage")).RootElement.GetProperty("version").GetInt64());
    }
}
