// A product's server-side subscription: which kinds of its devices' messages go to which consumer groups.
using Thingyard.Access;

namespace Thingyard.Subscriptions;

/// <summary>The message kinds of Alibaba's CreateSubscribeRelation flags (DeviceDataFlag, ...), one bit each.</summary>
[Flags]
public enum MessageKinds
{
    None = 0,
    /// <summary>Device upstream data: property and event posts, custom topics, downlink replies.</summary>
    DeviceData = 1,
    /// <summary>Online and offline.</summary>
    DeviceStatusChange = 2,
    /// <summary>Create, delete, enable, disable.</summary>
    DeviceLifeCycle = 4,
    /// <summary>A gateway's sub-devices added and removed.</summary>
    DeviceTopoLifeCycle = 8,
    /// <summary>Sub-devices a gateway found.</summary>
    FoundDeviceList = 16,
    OtaEvent = 32,
    ThingHistory = 64,
    DeviceTag = 128,
    OtaVersion = 256,
    OtaJob = 512,
    /// <summary>End users binding, sharing, unbinding and resetting devices (Thingyard's own kind).</summary>
    EndUserBinding = 1024,
}

/// <summary>AccountId: the subscribing account, whose consumer groups receive the messages: the product's owner, or an
/// account the product is authorized to (its relation carries only the authorized devices' messages).</summary>
public sealed class SubscribeRelation : IAccountOwned, IInProduct
{
    public long Id { get; set; }
    public long AccountId { get; set; }
    public long ProductId { get; set; }
    /// <summary>AMQP (the only type served; MNS is refused).</summary>
    public string Type { get; set; } = "AMQP";
    public MessageKinds Kinds { get; set; }
    public long CreatedAtMs { get; set; }
    public long ModifiedAtMs { get; set; }
}

/// <summary>A consumer group a subscription delivers to (a subscription has one or more).</summary>
public sealed class SubscribeRelationGroup
{
    public long RelationId { get; set; }
    public long ConsumerGroupId { get; set; }
}
