// A server shared by a connectivity test class, with helpers to make a product with a thing model and a device.
using System.Text.Json;
using Thingyard.Tests.Infrastructure;
using Thingyard.Tests.Registry;

namespace Thingyard.Tests.Connectivity;

public sealed record TestDevice(string ProductKey, string DeviceName, string DeviceSecret, string IotId);

public static class ConnectivityCalls
{
    /// <summary>temperature (float -40..120, rw), mode (enum 0/1, rw), serial (text, r); event overheat (alert, output temp);
    /// services reboot (async, input delay int 0..60) and ping (sync, input n int, output echo int).</summary>
    public const string SampleTsl = """
    {
      "properties": [
        {"identifier":"temperature","name":"Temperature","accessMode":"rw","required":false,
         "dataType":{"type":"float","specs":{"min":"-40","max":"120","step":"0.1","unit":"°C"}}},
        {"identifier":"mode","name":"Mode","accessMode":"rw","required":false,
         "dataType":{"type":"enum","specs":{"0":"auto","1":"manual"}}},
        {"identifier":"serial","name":"Serial","accessMode":"r","required":false,
         "dataType":{"type":"text","specs":{"length":"32"}}}
      ],
      "events": [
        {"identifier":"overheat","name":"Overheat","type":"alert","method":"thing.event.overheat.post",
         "outputData":[{"identifier":"temp","name":"Temp","dataType":{"type":"float","specs":{"min":"-40","max":"200","step":"0.1"}}}]}
      ],
      "services": [
        {"identifier":"reboot","name":"Reboot","callType":"async","method":"thing.service.reboot",
         "inputData":[{"identifier":"delay","name":"Delay","dataType":{"type":"int","specs":{"min":"0","max":"60","step":"1"}}}],
         "outputData":[]},
        {"identifier":"ping","name":"Ping","callType":"sync","method":"thing.service.ping",
         "inputData":[{"identifier":"n","name":"N","dataType":{"type":"int","specs":{"min":"0","max":"1000","step":"1"}}}],
         "outputData":[{"identifier":"echo","name":"Echo","dataType":{"type":"int","specs":{"min":"0","max":"1000","step":"1"}}}]}
      ]
    }
    """;

    public static async Task<string> NewModelledProductAsync(this ThingyardServer server, int nodeType = 0, bool dynamicRegistration = false)
    {
        var pk = await server.NewProductAsync("Conn", nodeType);
        await server.Call("ImportThingModelTsl", ("ProductKey", pk), ("TslStr", SampleTsl));
        await server.Call("PublishThingModel", ("ProductKey", pk));
        return pk;
    }

    public static async Task<TestDevice> NewTestDeviceAsync(this ThingyardServer server, string productKey, string? name = null)
    {
        var d = await server.NewDeviceAsync(productKey, name);
        return new TestDevice(productKey, d.Str("DeviceName"), d.Str("DeviceSecret"), d.Str("IotId"));
    }

    public static Task<MqttDevice> ConnectAsync(this ThingyardServer server, TestDevice d, string signMethod = "hmacsha1") =>
        MqttDevice.ConnectAsync(server, d.ProductKey, d.DeviceName, d.DeviceSecret, signMethod);

    /// <summary>Polls (at most 50 x 100 ms) until the check passes; returns the last value.</summary>
    public static async Task<T> EventuallyAsync<T>(Func<Task<T>> read, Func<T, bool> ok)
    {
        var value = await read();
        for (var i = 0; i < 50 && !ok(value); i++)
        {
            await Task.Delay(100);
            value = await read();
        }
        return value;
    }

    public static Task<string> StatusAsync(this ThingyardServer server, TestDevice d) =>
        server.Call("GetDeviceStatus", ("ProductKey", d.ProductKey), ("DeviceName", d.DeviceName)).ContinueWith(t => t.Result.Str("Data.Status"));
}
