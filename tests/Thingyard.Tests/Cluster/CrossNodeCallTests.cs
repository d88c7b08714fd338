// Downlinks made on one node reach a device connected to another: a sync service call through C is answered by the
// device on A (the answer crosses back as the call's Result), and a property set through C arrives on A.
using System.Text.Json;
using Thingyard.Tests.Infrastructure;

namespace Thingyard.Tests.Cluster;

[Collection(ClusterCollection.Name)]
public sealed class CrossNodeCallTests(ClusterNodes cluster)
{
    [Fact]
    public async Task A_sync_service_called_through_C_is_answered_by_the_device_on_A()
    {
        if (!TestDatabase.IsPostgres) return;
        await cluster.RunningAsync();
        var login = await cluster.A.NewDeviceAsync(await cluster.A.NewProductAsync());
        await using var device = await login.ConnectOnlineAsync(cluster.A, cluster.C, "rrpc/request/+");

        Assert.Equal(7, await cluster.C.PingAsync(device, login.Device, 7));
        Assert.Equal(11, await cluster.B.PingAsync(device, login.Device, 11));
    }

    [Fact]
    public async Task A_property_set_through_C_reaches_the_device_on_A()
    {
        if (!TestDatabase.IsPostgres) return;
        await cluster.RunningAsync();
        var login = await cluster.A.NewDeviceAsync(await cluster.A.NewProductAsync());
        await using var device = await login.ConnectOnlineAsync(cluster.A, cluster.C, "thing/service/property/set");

        await cluster.C.Call("SetDeviceProperty", login.Device.Args(("Items", """{"temperature":21.5}""")));
        var set = (await device.NextAsync(r => r.Topic == device.Sys("thing/service/property/set"))).Json;
        Assert.Equal("thing.service.property.set", set.GetProperty("method").GetString());
        Assert.Equal(21.5, set.GetProperty("params").GetProperty("temperature").GetDouble());
    }
}
