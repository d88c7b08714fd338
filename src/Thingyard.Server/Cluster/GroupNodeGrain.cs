// The consumer-group side of a node as the others call it (placed on the node its key names, like NodeGrain): clients
// connected to one node are fed by the node that delivers their group (its home), so each message goes to one client
// of the group cluster-wide.
using Orleans.Concurrency;
using Thingyard.Subscriptions;

namespace Thingyard.Server.Cluster;

/// <summary>A backlog message as it crosses nodes.</summary>
[GenerateSerializer, Immutable]
public sealed record WireMessage(
    [property: Id(0)] long Id, [property: Id(1)] long Seq, [property: Id(2)] long GroupId, [property: Id(3)] long DeviceId,
    [property: Id(4)] string Topic, [property: Id(5)] byte[] Payload, [property: Id(6)] long GenerateTimeMs)
{
    public static WireMessage Of(BacklogMessage m) => new(m.Id, m.Seq, m.ConsumerGroupId, m.DeviceId, m.Topic, m.Payload, m.GenerateTimeMs);

    public BacklogMessage ToMessage() =>
        new() { Id = Id, Seq = Seq, ConsumerGroupId = GroupId, DeviceId = DeviceId, Topic = Topic, Payload = Payload, GenerateTimeMs = GenerateTimeMs };
}

/// <summary>A client's figures for QueryConsumerGroupStatus, from the group's home.</summary>
[GenerateSerializer, Immutable]
public sealed record WireClient([property: Id(0)] string ClientId, [property: Id(1)] string Address, [property: Id(2)] long ConnectedAtMs);

[GenerateSerializer, Immutable]
public sealed record WireGroupStatus([property: Id(0)] long Backlog, [property: Id(1)] WireClient[] Clients, [property: Id(2)] int PerMinute,
    [property: Id(3)] long LastConsumedAtMs);

[Alias("Thingyard.IGroupNodeGrain")]
public interface IGroupNodeGrain : IGrainWithStringKey
{
    /// <summary>At the group's home: a client connected to <paramref name="node"/> joins the group; false when this node
    /// is not the group's home (any more).</summary>
    [Alias("Attach")]
    Task<bool> Attach(long groupId, string node, long key, WireClient client, int credit);

    [Alias("Detach"), OneWay]
    Task Detach(long groupId, string node, long key);

    [Alias("Credit"), OneWay]
    Task Credit(long groupId, string node, long key, int credit);

    /// <summary>Settlements of a client, with its link credit as it is now.</summary>
    [Alias("Settle"), OneWay]
    Task Settle(long groupId, string node, long key, long[] ids, bool[] done, int credit);

    /// <summary>At the client's node: messages for the client <paramref name="key"/>, in order.</summary>
    [Alias("Deliver")]
    Task<bool> Deliver(long key, WireMessage[] messages);

    /// <summary>At the group's home: a segment another node committed.</summary>
    [Alias("Committed"), OneWay]
    Task Committed(long groupId, WireMessage[] segment);

    [Alias("Reset"), OneWay]
    Task Reset(long groupId);

    [Alias("Status")]
    Task<WireGroupStatus?> Status(long groupId);
}

[NodePlacement]
public sealed class GroupNodeGrain(ClusterGroups groups) : Grain, IGroupNodeGrain
{
    public Task<bool> Attach(long groupId, string node, long key, WireClient client, int credit) => groups.AttachRemoteAsync(groupId, node, key, client, credit);

    public Task Detach(long groupId, string node, long key)
    {
        groups.DetachRemote(groupId, node, key);
        return Task.CompletedTask;
    }

    public Task Credit(long groupId, string node, long key, int credit)
    {
        groups.CreditRemote(groupId, node, key, credit);
        return Task.CompletedTask;
    }

    public Task Settle(long groupId, string node, long key, long[] ids, bool[] done, int credit)
    {
        groups.SettleRemote(groupId, node, key, ids, done, credit);
        return Task.CompletedTask;
    }

    public Task<bool> Deliver(long key, WireMessage[] messages) => Task.FromResult(groups.DeliverHere(key, messages));

    public Task Committed(long groupId, WireMessage[] segment)
    {
        groups.CommittedHere(groupId, segment);
        return Task.CompletedTask;
    }

    public Task Reset(long groupId)
    {
        groups.ResetHere(groupId);
        return Task.CompletedTask;
    }

    public Task<WireGroupStatus?> Status(long groupId) => groups.StatusHereAsync(groupId);
}
