// Helpers the messaging tests share: connected devices that are known to be online, device parameters for RPC calls,
// Base64, property posts, and a gateway that has added sub-devices to its topology over MQTT.
using System.Text;
using System.Text.Json;
using Thingyard.Protocol.Signing;
using Thingyard.Tests.Connectivity;
using Thingyard.Tests.Infrastructure;
using Thingyard.Tests.Registry;

namespace Thingyard.Tests.Messaging;

/// <summary>A server whose synchronous service calls give up after a short wait (the device-does-not-answer cases).</summary>
public sealed class ShortSyncTimeoutServer : ThingyardServer
{
    public const int SyncCallTimeoutMs = 300;

    public ShortSyncTimeoutServer() => Settings["Thingyard:Mqtt:SyncCallTimeoutMs"] = SyncCallTimeoutMs.ToString();
}

public static class MessagingKit
{
    /// <summary>ProductKey and DeviceName of a device, followed by more parameters.</summary>
    public static (string, string)[] Args(this TestDevice d, params (string, string)[] more) =>
        [("ProductKey", d.ProductKey), ("DeviceName", d.DeviceName), .. more];

    public static string B64(string text) => Convert.ToBase64String(Encoding.UTF8.GetBytes(text));

    public static string FromB64(string b64) => Encoding.UTF8.GetString(Convert.FromBase64String(b64));

    /// <summary>A new modelled device, connected, subscribed to the given filters, and online as far as the API can tell.</summary>
    public static async Task<(TestDevice Info, MqttDevice Mqtt)> OnlineDeviceAsync(this ThingyardServer server, params string[] sysFilters)
    {
        var d = await server.NewTestDeviceAsync(await server.NewModelledProductAsync());
        return (d, await server.ConnectOnlineAsync(d, sysFilters));
    }

    /// <summary>Connects, subscribes (filters starting with '/' are used as they are, others under /sys/pk/dn/), waits for ONLINE.</summary>
    public static async Task<MqttDevice> ConnectOnlineAsync(this ThingyardServer server, TestDevice d, params string[] filters)
    {
        var device = await server.ConnectAsync(d);
        Assert.Equal(MQTTnet.MqttClientConnectResultCode.Success, device.ConnectResult!.ResultCode);
        foreach (var f in filters) await device.SubscribeAsync(f.StartsWith('/') ? f : device.Sys(f));
        Assert.Equal("ONLINE", await ConnectivityCalls.EventuallyAsync(() => server.StatusAsync(d), s => s == "ONLINE"));
        return device;
    }

    /// <summary>thing.event.property.post, asserting the platform accepted it.</summary>
    public static async Task PostPropertiesAsync(this MqttDevice device, string paramsJson)
    {
        var reply = await device.RequestAsync(device.Sys("thing/event/property/post"), "thing.event.property.post", paramsJson);
        Assert.Equal(200, reply.GetProperty("code").GetInt32());
    }

    /// <summary>Waits for a downstream Alink request on a topic and returns its JSON.</summary>
    public static async Task<JsonElement> NextRequestAsync(this MqttDevice device, string topic) =>
        (await device.NextAsync(r => r.Topic == topic)).Json;

    /// <summary>The sign a sub-device's topo add / BatchAddThingTopo item carries (JS SDK form: HMAC-SHA1, lower-case hex).</summary>
    public static (string ClientId, string Timestamp, string Sign) SubSign(TestDevice sub)
    {
        var clientId = $"{sub.ProductKey}&{sub.DeviceName}";
        var ts = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds().ToString();
        var sign = DeviceSignature.Sign("hmacsha1", sub.DeviceSecret, $"clientId{clientId}deviceName{sub.DeviceName}productKey{sub.ProductKey}timestamp{ts}");
        return (clientId, ts, sign);
    }

    /// <summary>The gateway adds the sub-devices to its topology with thing.topo.add, asserting success.</summary>
    public static async Task AddTopologyAsync(this MqttDevice gateway, params TestDevice[] subs)
    {
        var items = subs.Select(s =>
        {
            var (clientId, ts, sign) = SubSign(s);
            return $$"""{"productKey":"{{s.ProductKey}}","deviceName":"{{s.DeviceName}}","clientId":"{{clientId}}","timestamp":{{ts}},"signMethod":"hmacsha1","sign":"{{sign}}"}""";
        });
        var reply = await gateway.RequestAsync(gateway.Sys("thing/topo/add"), "thing.topo.add", "[" + string.Join(",", items) + "]");
        Assert.Equal(200, reply.GetProperty("code").GetInt32());
    }

    /// <summary>A second account with its own modelled product and device, for "not found across accounts" checks.</summary>
    public static async Task<TestAccount> OtherAccountAsync(this ThingyardServer server) => await server.NewAccountAsync(RegistryCalls.Unique("acct"));
}
