// Follows the cluster for this node: asks every second which node leads (WorkLeaderGrain) and follows Orleans'
// membership; when a node is declared dead, this node claims its devices' sessions again and, when it leads, sets the
// dead node's devices that have not reconnected OFFLINE.
namespace Thingyard.Server.Cluster;

public sealed class ClusterWatcher(IClusterMembershipService membership, IGrainFactory grains, ClusterIdentity self, ClusterNode node, ClusterGroups groups,
    Leadership leadership, ILogger<ClusterWatcher> log) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stopping)
    {
        await Task.WhenAll(FollowLeaderAsync(stopping), FollowMembershipAsync(stopping));
    }

    async Task FollowLeaderAsync(CancellationToken stopping)
    {
        using var tick = new PeriodicTimer(TimeSpan.FromSeconds(1));
        do
        {
            try
            {
                var leader = await grains.GetGrain<IWorkLeaderGrain>(0).Leader().WaitAsync(TimeSpan.FromSeconds(5), stopping);
                var leads = leader == self.Node;
                if (leads != leadership.Leads) log.LogInformation(leads ? "This node now runs the cluster's jobs" : "Node {Leader} runs the cluster's jobs", leader);
                leadership.Set(leads);
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested) { return; }
            catch (Exception e)
            {
                // Not knowing is not leading: two nodes must not run the same job.
                leadership.Set(false);
                log.LogWarning(e, "Could not learn which node runs the cluster's jobs");
            }
        }
        while (await WaitAsync(tick, stopping));
    }

    static async Task<bool> WaitAsync(PeriodicTimer tick, CancellationToken stopping)
    {
        try { return await tick.WaitForNextTickAsync(stopping); }
        catch (OperationCanceledException) { return false; }
    }

    async Task FollowMembershipAsync(CancellationToken stopping)
    {
        var known = new Dictionary<string, SiloStatus>();
        try
        {
            await foreach (var snapshot in membership.MembershipUpdates.WithCancellation(stopping))
            {
                var dead = new List<string>();
                foreach (var m in snapshot.Members.Values)
                {
                    // A restarted node keeps its name but is a new member (a new address generation); the old one dies.
                    var key = m.SiloAddress.ToString();
                    known.TryGetValue(key, out var was);
                    if (m.Status == SiloStatus.Dead && was is not (SiloStatus.None or SiloStatus.Dead)) dead.Add(m.Name);
                    if (m.Status == SiloStatus.Active && was != SiloStatus.Active) log.LogInformation("Node {Node} is active in the cluster ({Address})", m.Name, key);
                    known[key] = m.Status;
                }
                foreach (var name in dead)
                {
                    if (name == self.Node) continue;
                    log.LogWarning("Node {Node} was declared dead", name);
                    groups.NodeDied(name);
                    _ = Task.Run(async () =>
                    {
                        try
                        {
                            await node.ReclaimAllAsync();
                            // Leadership may move because of this death: wait for the next answer before acting as leader.
                            await Task.Delay(TimeSpan.FromSeconds(2), stopping);
                            if (leadership.Leads) await node.SetOfflineAsync(name, stopping);
                        }
                        catch (Exception e) when (e is not OperationCanceledException) { log.LogError(e, "Handling the death of node {Node} failed", name); }
                    }, stopping);
                }
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested) { }
    }
}
