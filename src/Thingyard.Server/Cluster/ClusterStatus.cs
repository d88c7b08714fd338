// What `thingyard cluster status`, QueryClusterStatus and the console's Cluster page show: the nodes Orleans knows, their
// state, which one leads, and how many devices each holds (asked of each active node). A single node answers for itself.
using Thingyard.Server.Connectivity;

namespace Thingyard.Server.Cluster;

public sealed record NodeStatus(string Name, string Address, string Status, int? Devices, bool Leader, bool Self);

public sealed record ClusterState(bool Enabled, string Node, IReadOnlyList<NodeStatus> Nodes);

public sealed class ClusterStatus(IServiceProvider services, DeviceSessions sessions, Settings.ClusterOptions options)
{
    public async Task<ClusterState> ReadAsync(CancellationToken ct)
    {
        if (!options.Enabled)
            return new ClusterState(false, Environment.MachineName, [new NodeStatus(Environment.MachineName, "", "ACTIVE", sessions.Count, true, true)]);
        var self = services.GetRequiredService<ClusterIdentity>();
        var grains = services.GetRequiredService<IGrainFactory>();
        string? leader = null;
        try { leader = await grains.GetGrain<IWorkLeaderGrain>(0).Leader().WaitAsync(TimeSpan.FromSeconds(3), ct); }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested) { }
        // The newest incarnation of each node name (a restarted node leaves its dead one behind).
        var members = self.Members.GroupBy(m => m.Name).Select(g => g.OrderByDescending(m => m.SiloAddress.Generation).First()).OrderBy(m => m.Name).ToList();
        var nodes = await Task.WhenAll(members.Select(async m =>
        {
            int? devices = null;
            if (m.Status == SiloStatus.Active)
            {
                try { devices = m.Name == self.Node ? sessions.Count : await grains.GetGrain<INodeGrain>(m.Name).Devices().WaitAsync(TimeSpan.FromSeconds(3), ct); }
                catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested) { }
            }
            return new NodeStatus(m.Name, m.SiloAddress.Endpoint.ToString(), m.Status.ToString().ToUpperInvariant(), devices, m.Name == leader, m.Name == self.Node);
        }));
        return new ClusterState(true, self.Node, nodes);
    }
}
