// QueryClusterStatus and `thingyard cluster status` on a single node: the node answers for itself (the devices connected
// to it, leading its own jobs); only the platform operator may ask, since node figures span every account. The cluster
// settings are refused where a cluster cannot work.
using Thingyard.Tests.Cli;
using Thingyard.Tests.Connectivity;
using Thingyard.Tests.Infrastructure;
using static Thingyard.Tests.Registry.RegistryCalls;

namespace Thingyard.Tests.Cluster;

public sealed class ClusterStatusTests(ThingyardServer server) : IClassFixture<ThingyardServer>
{
    [Fact]
    public async Task A_single_node_shows_itself_with_its_devices_to_the_operator_only()
    {
        var pk = await server.NewModelledProductAsync();
        var d = await server.NewTestDeviceAsync(pk);
        await using var device = await server.ConnectAsync(d);

        var data = (await server.Call("QueryClusterStatus")).At("Data");
        Assert.False(data.At("Enabled").GetBoolean());
        var node = Assert.Single(data.At("Nodes").EnumerateArray());
        Assert.Equal("ACTIVE", node.Str("Status"));
        Assert.True(node.At("Leader").GetBoolean() && node.At("Self").GetBoolean());
        Assert.True(node.At("Devices").GetInt32() >= 1);

        var other = await server.NewAccountAsync(Unique("tenant"));
        Assert.Equal("iot.common.RamActionPermissionDeny", (await server.FailsAs(other, "QueryClusterStatus")).Code);

        var cli = await CliRun.RunAsync(server, "cluster", "status");
        Assert.Equal(0, cli.Code);
        Assert.Contains("Single node", cli.Out);
        Assert.Matches(@"(?m)^NODE\s+ADDRESS\s+STATUS\s+DEVICES\s+ROLE", cli.Out);
        Assert.Matches(@"(?m)\*\s+ACTIVE\s+\d+\s+leader", cli.Out);
        var refused = await CliRun.RunAsync(CliRun.Environment(server, other), "cluster", "status");
        Assert.NotEqual(0, refused.Code);
        Assert.Contains("iot.common.RamActionPermissionDeny", refused.Err);
    }
}
