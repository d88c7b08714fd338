// Work done once per cluster moves when its node dies: a device distribution job running on the leader, which is killed
// mid-way, is finished by the node that leads next, and the target ends with exactly the job's devices, once each.
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Thingyard.Storage;
using Thingyard.Tests.Connectivity;
using Thingyard.Tests.Distribution;
using Thingyard.Tests.Infrastructure;
using Thingyard.Tests.Registry;

namespace Thingyard.Tests.Cluster;

[Collection(ClusterCollection.Name)]
public sealed class JobFailoverTests(ClusterNodes cluster)
{
    const int Devices = 1000; // the most one job takes

    static KeyValuePair<string, string> P(string key, string value) => KeyValuePair.Create(key, value);

    [Fact]
    public async Task A_distribution_job_whose_leader_is_killed_is_finished_by_the_next_leader()
    {
        if (!TestDatabase.IsPostgres) return;
        await cluster.RunningAsync();
        await using var target = new ThingyardServer { HttpPort = cluster.TargetHttpPort };
        foreach (var (k, v) in new Dictionary<string, string>
        {
            ["Thingyard:InstanceId"] = ClusterNodes.TargetId, ["Thingyard:Admin:AccountUid"] = Federation.AdminUid,
            ["Thingyard:Mqtt:Port"] = cluster.TargetMqttPort.ToString(), ["Thingyard:Federation:SharedSecret"] = Federation.Secret,
            ["Thingyard:Federation:Peers:0:InstanceId"] = ClusterNodes.InstanceId, ["Thingyard:Federation:Peers:0:HttpUrl"] = $"http://127.0.0.1:{cluster.C.HttpPort}",
            ["Thingyard:Federation:Peers:0:MqttHost"] = "127.0.0.1", ["Thingyard:Federation:Peers:0:MqttPort"] = cluster.C.MqttPort.ToString(),
        }) target.Settings[k] = v;
        await target.InitializeAsync();

        var leader = await LeaderAsync();
        var other = cluster.Nodes.First(n => n != leader);
        var rpc = other.Rpc();
        var names = Enumerable.Range(1, Devices).Select(i => $"fail_{i:D4}").ToArray();
        var pk = (await rpc.CallAsync("CreateProduct", [P("ProductName", RegistryCalls.Unique("Failover")), P("NodeType", "0")])).Str("ProductKey");
        var check = await rpc.CallAsync("BatchCheckDeviceNames", [P("ProductKey", pk), .. names.Select((n, i) => P($"DeviceName.{i + 1}", n))]);
        var applyId = check.Str("Data.ApplyId");
        await rpc.CallAsync("BatchRegisterDeviceWithApplyId", [P("ProductKey", pk), P("ApplyId", applyId)]);
        var registered = await UntilAsync(async () => (await rpc.CallAsync("QueryBatchRegisterDeviceStatus", [P("ProductKey", pk), P("ApplyId", applyId)])).Str("Data.Status"),
            s => s == "CREATE_SUCCESS");
        Assert.Equal("CREATE_SUCCESS", registered);

        // Created on a node that does not lead: the leader's worker runs it.
        var jobId = (await rpc.CallAsync("CreateDeviceDistributeJob",
            [P("ProductKey", pk), P("TargetInstanceConfig.1.TargetInstanceId", ClusterNodes.TargetId), .. names.Select((n, i) => P($"DeviceName.{i + 1}", n))])).Str("JobId");
        var arrived = await UntilAsync(() => TargetCountAsync(target, pk), n => n > 0);
        Assert.True(arrived is > 0 and < Devices, $"{arrived} of {Devices} devices were at the target when the leader was to be killed");
        Assert.True(leader.Leads, $"node {leader} no longer leads");
        await cluster.KillAsync(leader);

        var survivor = cluster.Nodes.First(n => n != leader && n.Running).Rpc();
        var job = await UntilAsync(async () => (await survivor.CallAsync("QueryDeviceDistributeJob", [P("JobId", jobId)])).At("Data"),
            d => d.GetProperty("Status").GetInt32() >= 2);
        Assert.True(job.GetProperty("Status").GetInt32() == 2, $"the job did not complete: {job}\n{cluster.Logs}");
        Assert.NotNull(cluster.Leader);
        Assert.NotSame(leader, cluster.Leader);

        await using var db = await target.Services.GetRequiredService<IDbContextFactory<ThingyardDb>>().CreateDbContextAsync();
        var atTarget = await db.Devices.Where(d => d.ProductKey == pk).Select(d => d.DeviceName).ToListAsync();
        Assert.Equal(names.Order(), atTarget.Order());
        Assert.Equal(1, await db.Products.CountAsync(p => p.ProductKey == pk));
        var listed = await survivor.CallAsync("ListDistributedDevice", [P("ProductKey", pk), P("PageSize", "50")]);
        Assert.Equal(Devices, listed.At("Data").GetProperty("Total").GetInt32());
    }

    async Task<Node> LeaderAsync()
    {
        for (var i = 0; i < 150 && cluster.Leader is null; i++) await Task.Delay(200);
        return cluster.Leader ?? throw new InvalidOperationException("No node says it runs the cluster's jobs:\n" + cluster.Logs);
    }

    static async Task<int> TargetCountAsync(ThingyardServer target, string pk)
    {
        await using var db = await target.Services.GetRequiredService<IDbContextFactory<ThingyardDb>>().CreateDbContextAsync();
        return await db.Devices.CountAsync(d => d.ProductKey == pk);
    }

    /// <summary>Polls (at most 60 s) until the check passes; returns the last value.</summary>
    static async Task<T> UntilAsync<T>(Func<Task<T>> read, Func<T, bool> ok)
    {
        var value = await read();
        for (var i = 0; i < 300 && !ok(value); i++)
        {
            await Task.Delay(200);
            value = await read();
        }
        return value;
    }
}
