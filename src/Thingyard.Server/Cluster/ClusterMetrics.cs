// Per-node figures at /metrics (each node serves its own): whether it leads, the active nodes it sees, and the traffic
// it exchanges with the others. Labelled with the node's name so a dashboard over every node tells them apart.
using System.Diagnostics.Metrics;

namespace Thingyard.Server.Cluster;

public sealed class ClusterMetrics
{
    public ClusterMetrics(Hosting.ServerMetrics metrics, ClusterIdentity self, Leadership leadership, ClusterNode node, ClusterRelay relay)
    {
        var m = metrics.Meter;
        var label = new KeyValuePair<string, object?>("node", self.Node);
        m.CreateObservableGauge("thingyard.cluster.leader", () => new Measurement<int>(leadership.Leads ? 1 : 0, label),
            description: "1 on the node that runs the cluster's jobs, else 0.");
        m.CreateObservableGauge("thingyard.cluster.nodes_active", () => new Measurement<int>(self.Members.Count(x => x.Status == SiloStatus.Active), label),
            description: "Nodes this node sees active in the cluster (itself included).");
        m.CreateObservableCounter("thingyard.cluster.downlinks_forwarded", () => new Measurement<long>(node.ForwardedIn, label),
            description: "Messages sent to devices connected here on behalf of other nodes.");
        m.CreateObservableCounter("thingyard.cluster.changes_sent", () => new Measurement<long>(relay.Sent, label),
            description: "Changes (cache invalidations, failed authentications) sent to other nodes.");
        m.CreateObservableCounter("thingyard.cluster.changes_received", () => new Measurement<long>(relay.Received, label),
            description: "Changes received from other nodes and applied here.");
    }
}
