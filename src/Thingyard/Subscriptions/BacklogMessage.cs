// A message waiting in a consumer group's backlog until one of the group's clients accepts it. Stored in a
// BacklogSegment written in the same transaction as the telemetry it came with, so a QoS 1 publish acknowledged to a
// device is also queued for delivery. The id orders the backlog and is the message id clients see. (The Backlog table
// of one row per message is how earlier versions stored it: read once at start and moved into segments.)
namespace Thingyard.Subscriptions;

public sealed class BacklogMessage
{
    /// <summary>Assigned by the server (MessageIds), increasing: the delivery order and the AMQP message id.</summary>
    public long Id { get; set; }
    /// <summary>The consumer group's row id.</summary>
    public long ConsumerGroupId { get; set; }
    /// <summary>The device it is about (0 when none): clients of a group split the devices, each device's messages in order.</summary>
    public long DeviceId { get; set; }
    /// <summary>The topic clients see in the message's "topic" property (/pk/dn/thing/event/property/post, ...).</summary>
    public required string Topic { get; set; }
    public required byte[] Payload { get; set; }
    /// <summary>When the platform generated the message (the "generateTime" property), Unix ms.</summary>
    public long GenerateTimeMs { get; set; }
    /// <summary>The segment holding it, once stored (not a column).</summary>
    public long Seq { get; set; }
}
