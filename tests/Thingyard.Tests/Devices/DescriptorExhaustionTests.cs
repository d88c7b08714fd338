// The server under a 1,024 open-file limit, flooded with three times as many idle sockets as it has descriptors, on
// the MQTT port and on HTTP, without credentials: it refuses what it cannot hold and keeps serving. (On the code
// before the connection caps, about 835 such sockets made the process print "Out of memory." and exit.)
using System.Net.Sockets;
using Thingyard.Tests.Connectivity;
using Thingyard.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Thingyard.Tests.Devices;

public sealed class DescriptorExhaustionTests(ITestOutputHelper output)
{
    const int Limit = 1024;

    [Fact]
    public async Task Far_more_sockets_than_descriptors_are_refused_and_the_server_keeps_serving()
    {
        var dataDir = Path.Combine(Path.GetTempPath(), "thingyard-tests", Guid.NewGuid().ToString("N"));
        var settings = new Dictionary<string, string>(await TestDatabase.NewAsync()) { ["Thingyard:MaxHttpConnections"] = "200" };
        await using var server = await ServerProcess.StartAsync(dataDir, settings, openFileLimit: Limit);
        var sockets = new List<Socket>();
        try
        {
            async Task FloodAsync(int port, int count)
            {
                for (var i = 0; i < count; i++)
                {
                    var s = new Socket(SocketType.Stream, ProtocolType.Tcp);
                    try { await s.ConnectAsync("127.0.0.1", port); sockets.Add(s); }
                    catch (SocketException) { s.Dispose(); } // the listen backlog is full: refused by the kernel
                }
            }
            await FloodAsync(server.MqttPort, 3 * Limit);
            await FloodAsync(server.HttpPort, Limit);
            output.WriteLine($"{sockets.Count} sockets open against a server limited to {Limit} descriptors");
            Assert.False(server.HasExited, server.Output);
        }
        finally { sockets.ForEach(s => s.Dispose()); }

        // Still alive, serving HTTP and MQTT.
        using var http = new HttpClient { BaseAddress = server.BaseAddress };
        var metrics = await ConnectivityCalls.EventuallyAsync(async () =>
        {
            try { return await http.GetStringAsync("/metrics"); } catch (HttpRequestException) { return ""; }
        }, m => m.Length > 0);
        var refused = MetricsText.Parse(metrics)["thingyard_mqtt_sockets_refused_total"];
        output.WriteLine($"refused MQTT sockets: {refused}");
        Assert.True(refused > Limit);

        var rpc = server.Rpc();
        var pk = (await rpc.CallAsync("CreateProduct", [new("ProductName", "Flooded"), new("NodeType", "0")])).GetProperty("ProductKey").GetString()!;
        var created = (await rpc.CallAsync("RegisterDevice", [new("ProductKey", pk), new("DeviceName", "dev-0001")])).GetProperty("Data");
        var device = new TestDevice(pk, "dev-0001", created.GetProperty("DeviceSecret").GetString()!, created.GetProperty("IotId").GetString()!);
        await using var mqtt = await MqttDevice.ConnectAsync(DeviceKit.Options(server.MqttPort, device), pk, "dev-0001");
        Assert.True(mqtt.Client.IsConnected);
        Assert.False(server.HasExited);
        try { Directory.Delete(dataDir, recursive: true); } catch (IOException) { }
    }
}
