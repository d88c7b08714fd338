// A device connected to A that connects again to B (same client id and credentials) moves there: A closes the old
// connection and does not set the device offline, so its status read through any node stays ONLINE throughout, and
// calls made anywhere now reach it on B.
using Thingyard.Tests.Devices;
using Thingyard.Tests.Infrastructure;

namespace Thingyard.Tests.Cluster;

[Collection(ClusterCollection.Name)]
public sealed class TakeOverTests(ClusterNodes cluster)
{
    [Fact]
    public async Task A_device_taken_over_by_B_stays_online_and_is_reached_on_B()
    {
        if (!TestDatabase.IsPostgres) return;
        await cluster.RunningAsync();
        var login = await cluster.A.NewDeviceAsync(await cluster.A.NewProductAsync());
        var d = login.Device;
        await using var onA = await login.ConnectOnlineAsync(cluster.A, cluster.C, "rrpc/request/+");
        var closedOnA = DeviceKit.Disconnected(onA.Client);

        // Status through every node, over and over, from before the take-over until after it settled.
        var answers = new List<(string Node, string Action, string Status)>();
        using var stop = new CancellationTokenSource();
        var polling = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
                foreach (var node in cluster.Nodes)
                {
                    answers.Add((node.Name, "GetDeviceStatus", await node.StatusAsync(d)));
                    answers.Add((node.Name, "QueryDeviceDetail", (await node.Call("QueryDeviceDetail", d.Args())).Str("Data.Status")));
                }
        });
        await Task.Delay(300);

        await using var onB = await login.ConnectAsync(cluster.B);
        await onB.SubscribeAsync(onB.Sys("rrpc/request/+"));
        var closed = await DeviceKit.Within(closedOnA);
        Assert.NotNull(closed);
        Assert.False(onA.Client.IsConnected);

        Assert.Equal("b", await cluster.EventuallyConnectedToAsync(d, cluster.B));

        // A call through C now goes to B.
        Assert.Equal(3, await cluster.C.PingAsync(onB, d, 3));
        Assert.Equal(4, await cluster.A.PingAsync(onB, d, 4));

        await Task.Delay(1000);
        stop.Cancel();
        await polling;
        Assert.True(answers.Count > 6, $"only {answers.Count} status answers");
        var notOnline = answers.Where(a => a.Status != "ONLINE").ToList();
        Assert.True(notOnline.Count == 0, $"{notOnline.Count} of {answers.Count} status answers were not ONLINE, e.g. {string.Join(", ", notOnline.Take(5))}");
        Assert.Equal("ONLINE", await cluster.C.StatusAsync(d));
        Assert.True(onB.Client.IsConnected);
    }
}
