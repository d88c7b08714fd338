// A change made on one node holds on every node at once: a device disabled through B while connected to A is dropped by
// A, and A refuses it as soon as the disable call has returned.
using MQTTnet;
using Thingyard.Tests.Devices;
using Thingyard.Tests.Infrastructure;

namespace Thingyard.Tests.Cluster;

[Collection(ClusterCollection.Name)]
public sealed class DisableAcrossNodesTests(ClusterNodes cluster)
{
    [Fact]
    public async Task A_device_disabled_through_B_is_dropped_and_refused_by_A()
    {
        if (!TestDatabase.IsPostgres) return;
        await cluster.RunningAsync();
        var login = await cluster.A.NewDeviceAsync(await cluster.A.NewProductAsync());
        await using var onA = await login.ConnectOnlineAsync(cluster.A, cluster.B);
        var closed = DeviceKit.Disconnected(onA.Client);

        await cluster.B.Call("DisableThing", login.Device.Args());
        // Immediately: A must already know (its credential cache dropped).
        var again = await DeviceKit.RefusedAsync(login.To(cluster.A));
        Assert.NotEqual(MqttClientConnectResultCode.Success, again);

        await DeviceKit.Within(closed);
        Assert.False(onA.Client.IsConnected);
        Assert.Equal("DISABLE", await cluster.C.StatusAsync(login.Device));
    }
}
