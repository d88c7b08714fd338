// Whether this node runs the work done once per cluster: job workers (batch registration, distribution), the webhook
// outbox, alarm timers, retention. A single node always does; in a cluster the node hosting WorkLeaderGrain does, and
// ClusterLeadership keeps this up to date. Workers check Leads before each pass; their jobs' progress is in the
// database, so a new leader resumes them where the last one stopped.
namespace Thingyard.Server.Cluster;

public sealed class Leadership(bool leads = true)
{
    volatile bool _leads = leads;

    public bool Leads => _leads;

    /// <summary>Raised when this node becomes the leader (workers wake up rather than wait for their next poll).</summary>
    public event Action? Gained;

    internal void Set(bool leads)
    {
        var gained = leads && !_leads;
        _leads = leads;
        if (gained) Gained?.Invoke();
    }
}
