// What nodes tell each other: where a device's session is, and the changes every node's caches must hear of.
namespace Thingyard.Server.Cluster;

/// <summary>A device's live session: the node holding its MQTT connection, the connection (client id and a number unique
/// to that node's run), and whether its client id asked for the ext RRPC form.</summary>
[GenerateSerializer, Immutable]
public sealed record SessionRoute(
    [property: Id(0)] string Node,
    [property: Id(1)] string ClientId,
    [property: Id(2)] long Connection,
    [property: Id(3)] bool ExtRrpc);

/// <summary>A topic filter a device subscribed to, and since when (UTC ms).</summary>
[GenerateSerializer, Immutable]
public sealed record TopicSubscription([property: Id(0)] string Filter, [property: Id(1)] long SinceMs);

public enum ChangeFeed
{
    Device, ThingModel, TopicClasses, Subscriptions, Script, Rules, AlarmRules, AlarmCleared, Authorization, Grants, AccessKey, AuthFailure,
}

/// <summary>A change made on one node that the others must apply to what they hold: the feed and its arguments (the
/// fields a feed does not use stay empty).</summary>
[GenerateSerializer, Immutable]
public sealed record ClusterChange(
    [property: Id(0)] ChangeFeed Feed,
    [property: Id(1)] int Kind = 0,
    [property: Id(2)] long Id = 0,
    [property: Id(3)] long Other = 0,
    [property: Id(4)] string? Text = null,
    [property: Id(5)] string? Text2 = null,
    [property: Id(6)] long[]? Ids = null,
    [property: Id(7)] bool Flag = false);
