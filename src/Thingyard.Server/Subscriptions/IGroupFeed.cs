// What a consumer group's client is attached to: the group's queue here (GroupQueue), or, in a cluster, a feed from the
// node that delivers the group (Cluster/ClusterGroups). The AMQP link sees no difference.
using Thingyard.Subscriptions;

namespace Thingyard.Server.Subscriptions;

public interface IGroupFeed
{
    void Attach(IConsumer consumer);
    void Detach(IConsumer consumer);
    /// <summary>Accepted or rejected (done), or released/modified (sent again).</summary>
    void Settled(IConsumer consumer, long id, bool done);
    void CreditAdded();
}

/// <summary>In a cluster: where each group is delivered from (its home node), and how this node's part reaches it.</summary>
public interface IGroupHomes
{
    /// <summary>The feed a client connected here attaches to (the group's queue here, or its home's through the cluster).</summary>
    IGroupFeed FeedFor(long groupId);

    /// <summary>Segments committed here for groups whose queue is not here with clients: sent to their home.</summary>
    void Committed(IReadOnlyList<List<BacklogMessage>> segments);

    /// <summary>The group's backlog was emptied or trimmed in the table: its home reads it again.</summary>
    void Reset(long groupId);

    /// <summary>The group's delivery as its home sees it (null when no node delivers it).</summary>
    Task<DeliveryHub.GroupStatus?> StatusAsync(long groupId, CancellationToken ct);
}
