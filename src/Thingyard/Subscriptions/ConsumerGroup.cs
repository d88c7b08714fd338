// A consumer group: the queue an application's AMQP clients read a product's subscribed messages from (Alibaba's
// server-side subscription). Every account has DEFAULT_GROUP; others are created with CreateConsumerGroup.
using Thingyard.Access;

namespace Thingyard.Subscriptions;

public sealed class ConsumerGroup : IAccountOwned
{
    /// <summary>The group every account has without creating it (Alibaba's id and name for it).</summary>
    public const string DefaultGroupId = "DEFAULT_GROUP";

    public long Id { get; set; }
    public long AccountId { get; set; }
    /// <summary>The public id a client names in its AMQP user name (DEFAULT_GROUP, or 26 random characters).</summary>
    public required string GroupId { get; set; }
    public required string Name { get; set; }
    public long CreatedAtMs { get; set; }
    /// <summary>Messages dropped unconsumed because they outlived the retention or the backlog limit.</summary>
    public long DroppedCount { get; set; }
    /// <summary>In a cluster, the node that delivers the group's backlog (its clients on other nodes are fed through it);
    /// taken over by another node when it dies.</summary>
    public string? HomeNode { get; set; }
}
