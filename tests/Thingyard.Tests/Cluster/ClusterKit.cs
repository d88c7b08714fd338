// Helpers the cluster tests share: signed calls to one node, a modelled device made through a node, and one device's
// CONNECT (same client id and credentials) aimed at any node.
using System.Text.Json;
using MQTTnet;
using MQTTnet.Formatter;
using Thingyard.Tests.Connectivity;
using Thingyard.Tests.Devices;
using Thingyard.Tests.Infrastructure;
using Thingyard.Tests.Registry;

namespace Thingyard.Tests.Cluster;

/// <summary>A device's CONNECT signed once: the same client id, user name and password can be sent to any node.</summary>
public sealed record DeviceLogin(TestDevice Device, string ClientId, string UserName, string Password)
{
    public MqttClientOptions To(Node node) => new MqttClientOptionsBuilder()
        .WithTcpServer("127.0.0.1", node.MqttPort)
        .WithProtocolVersion(MqttProtocolVersion.V311)
        .WithClientId(ClientId)
        .WithCredentials(UserName, Password)
        .WithKeepAlivePeriod(TimeSpan.FromSeconds(60))
        .WithCleanSession(true)
        .WithTimeout(TimeSpan.FromSeconds(10))
        .Build();

    public async Task<MqttDevice> ConnectAsync(Node node)
    {
        var device = await MqttDevice.ConnectAsync(To(node), Device.ProductKey, Device.DeviceName);
        Assert.True(device.ConnectResult!.ResultCode == MqttClientConnectResultCode.Success, $"{Device.DeviceName} was refused by node {node}: {device.ConnectResult.ResultCode}");
        return device;
    }
}

public static class ClusterKit
{
    public static Task<JsonElement> Call(this Node node, string action, params (string Key, string Value)[] p) =>
        node.Rpc().CallAsync(action, p.Select(x => KeyValuePair.Create(x.Key, x.Value)));

    public static (string, string)[] Args(this TestDevice d, params (string, string)[] more) =>
        [("ProductKey", d.ProductKey), ("DeviceName", d.DeviceName), .. more];

    /// <summary>A product with the sample thing model (ping: a sync service; temperature: a writable property).</summary>
    public static async Task<string> NewProductAsync(this Node node)
    {
        var pk = (await node.Call("CreateProduct", ("ProductName", RegistryCalls.Unique("Cluster")), ("NodeType", "0"))).Str("ProductKey");
        await node.Call("ImportThingModelTsl", ("ProductKey", pk), ("TslStr", ConnectivityCalls.SampleTsl));
        await node.Call("PublishThingModel", ("ProductKey", pk));
        return pk;
    }

    public static async Task<DeviceLogin> NewDeviceAsync(this Node node, string productKey)
    {
        var d = (await node.Call("RegisterDevice", ("ProductKey", productKey))).At("Data");
        var device = new TestDevice(productKey, d.Str("DeviceName"), d.Str("DeviceSecret"), d.Str("IotId"));
        var (clientId, user, password) = DeviceKit.Credentials(device, new ConnectStyle());
        return new DeviceLogin(device, clientId, user, password);
    }

    public static async Task<string> StatusAsync(this Node node, TestDevice d) =>
        (await node.Call("GetDeviceStatus", d.Args())).Str("Data.Status");

    /// <summary>Polls the status through the node until it is the expected one (at most about 30 s); returns the last answer.</summary>
    public static async Task<string> EventuallyStatusAsync(this Node node, TestDevice d, string expected)
    {
        var status = await node.StatusAsync(d);
        for (var i = 0; i < 150 && status != expected; i++)
        {
            await Task.Delay(200);
            status = await node.StatusAsync(d);
        }
        return status;
    }

    /// <summary>Connects to the node, subscribes under /sys/pk/dn/, and waits until the other node reports it ONLINE
    /// (so its session is registered in the cluster).</summary>
    public static async Task<MqttDevice> ConnectOnlineAsync(this DeviceLogin login, Node node, Node seenFrom, params string[] filters)
    {
        var device = await login.ConnectAsync(node);
        foreach (var f in filters) await device.SubscribeAsync(device.Sys(f));
        Assert.Equal("ONLINE", await seenFrom.EventuallyStatusAsync(login.Device, "ONLINE"));
        return device;
    }

    /// <summary>Answers the next RRPC request of a sync service call with {echo: n} and returns the request.</summary>
    public static async Task<JsonElement> AnswerPingAsync(this MqttDevice device)
    {
        var request = await device.NextAsync(r => r.Topic.StartsWith(device.Sys("rrpc/request/"), StringComparison.Ordinal));
        var rrpcId = request.Topic[(request.Topic.LastIndexOf('/') + 1)..];
        var body = request.Json;
        var n = body.GetProperty("params").GetProperty("n").GetInt32();
        await device.PublishAsync(device.Sys($"rrpc/response/{rrpcId}"), $$"""{"id":"{{body.GetProperty("id").GetString()}}","code":200,"data":{"echo":{{n}}} }""");
        return body;
    }

    /// <summary>Invokes ping (sync) through the node while the device answers; returns the echo in the call's Result.</summary>
    public static async Task<int> PingAsync(this Node node, MqttDevice device, TestDevice d, int n)
    {
        var call = node.Call("InvokeThingService", d.Args(("Identifier", "ping"), ("Args", $$"""{"n":{{n}}}""")));
        var request = await device.AnswerPingAsync();
        Assert.Equal("thing.service.ping", request.GetProperty("method").GetString());
        var response = await call;
        return JsonDocument.Parse(response.Str("Data.Result")).RootElement.GetProperty("echo").GetInt32();
    }
}
