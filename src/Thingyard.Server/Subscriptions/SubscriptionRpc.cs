// RPC actions for server-side subscriptions (AMQP), with the platform's parameters and response shapes: consumer groups
// (CreateConsumerGroup, QueryConsumerGroupList, QueryConsumerGroupByGroupId, UpdateConsumerGroup, DeleteConsumerGroup,
// ResetConsumerGroupPosition, QueryConsumerGroupStatus) and a product's subscription (CreateSubscribeRelation, UpdateSubscribeRelation,
// QuerySubscribeRelation, DeleteSubscribeRelation, CreateConsumerGroupSubscribeRelation,
// DeleteConsumerGroupSubscribeRelation).
using Thingyard.Server.Registry;
using Thingyard.Server.Rpc;
using Thingyard.Subscriptions;

namespace Thingyard.Server.Subscriptions;

public static class SubscriptionRpc
{
    public static RpcActions AddSubscriptionActions(this RpcActions actions) => actions
        .Add("CreateConsumerGroup", CreateGroup)
        .Add("QueryConsumerGroupList", ListGroups)
        .Add("QueryConsumerGroupByGroupId", GetGroup)
        .Add("UpdateConsumerGroup", RenameGroup)
        .Add("DeleteConsumerGroup", DeleteGroup)
        .Add("ResetConsumerGroupPosition", ResetGroup)
        .Add("QueryConsumerGroupStatus", GroupStatus)
        .Add("CreateSubscribeRelation", CreateRelation)
        .Add("UpdateSubscribeRelation", UpdateRelation)
        .Add("QuerySubscribeRelation", GetRelation)
        .Add("DeleteSubscribeRelation", DeleteRelation)
        .Add("CreateConsumerGroupSubscribeRelation", AddGroup)
        .Add("DeleteConsumerGroupSubscribeRelation", RemoveGroup);

    /// <summary>Each request flag and the message kind it selects.</summary>
    static readonly (string Flag, MessageKinds Kind)[] Flags =
    [
        ("DeviceDataFlag", MessageKinds.DeviceData),
        ("DeviceStatusChangeFlag", MessageKinds.DeviceStatusChange),
        ("DeviceLifeCycleFlag", MessageKinds.DeviceLifeCycle),
        ("DeviceTopoLifeCycleFlag", MessageKinds.DeviceTopoLifeCycle),
        ("FoundDeviceListFlag", MessageKinds.FoundDeviceList),
        ("OtaEventFlag", MessageKinds.OtaEvent),
        ("ThingHistoryFlag", MessageKinds.ThingHistory),
        ("DeviceTagFlag", MessageKinds.DeviceTag),
        ("OtaVersionFlag", MessageKinds.OtaVersion),
        ("OtaJobFlag", MessageKinds.OtaJob),
        ("EndUserBindFlag", MessageKinds.EndUserBinding),
    ];

    static async Task<object> CreateGroup(RpcCall c)
    {
        var group = await c.Service<ConsumerGroupRegistry>().CreateAsync(c.Caller, c.Required("GroupName"), c.Ct);
        return new { group.GroupId };
    }

    static async Task<object> ListGroups(RpcCall c)
    {
        var page = await c.Service<ConsumerGroupRegistry>().ListAsync(c.Caller, c.Optional("GroupName"), c.Bool("Fuzzy") ?? false,
            c.Paging(10, 1000), c.Ct);
        return new
        {
            CurrentPage = page.Paging.Page, PageSize = page.Paging.PageSize, page.PageCount, page.Total,
            Data = new { ConsumerGroupDTO = page.Items.Select(Info) },
        };
    }

    static async Task<object> GetGroup(RpcCall c) =>
        new { Data = Info(await c.Service<ConsumerGroupRegistry>().GetAsync(c.Caller, c.Required("GroupId"), c.Ct)) };

    static async Task<object> RenameGroup(RpcCall c)
    {
        await c.Service<ConsumerGroupRegistry>().RenameAsync(c.Caller, c.Required("GroupId"), c.Required("NewGroupName"), c.Ct);
        return new { };
    }

    static async Task<object> DeleteGroup(RpcCall c)
    {
        var group = await c.Service<ConsumerGroupRegistry>().DeleteAsync(c.Caller, c.Required("GroupId"), c.Ct);
        c.Service<Amqp.AmqpServer>().CloseGroup(group.Id, $"consumer group {group.GroupId} was deleted");
        c.Service<DeliveryHub>().Reset(group.Id);
        return new { };
    }

    static async Task<object> ResetGroup(RpcCall c)
    {
        var (group, _) = await c.Service<ConsumerGroupRegistry>().ResetAsync(c.Caller, c.Required("GroupId"), c.Ct);
        c.Service<DeliveryHub>().Reset(group.Id);
        return new { };
    }

    /// <summary>Online clients, backlog and consumption of a group; the figures Alibaba's response model carries, at the top
    /// level as it has them.</summary>
    static async Task<object> GroupStatus(RpcCall c)
    {
        var group = await c.Service<ConsumerGroupRegistry>().GetAsync(c.Caller, c.Required("GroupId"), c.Ct);
        var status = await c.Service<DeliveryHub>().StatusAsync(group.Id, c.Ct);
        return new
        {
            AccumulationCount = status.Backlog,
            ConsumerSpeed = status.PerMinute,
            RealTimeConsumeCountPerMinute = status.PerMinute,
            AccumulatedConsumeCountPerMinute = status.PerMinute,
            LastConsumerTime = status.LastConsumedAtMs is > 0 and var t
                ? DateTimeOffset.FromUnixTimeMilliseconds(t).UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture)
                : "",
            ClientConnectionStatusList = new
            {
                ConsumerGroupClientConnectionInfo = status.Clients.Select(k => new
                {
                    k.ClientId, ClientIpPort = k.Address, OnlineTime = k.ConnectedAtMs,
                    RealTimeConsumeCountPerMinute = status.PerMinute / Math.Max(1, status.Clients.Count),
                    AccumulatedConsumeCountPerMinute = status.PerMinute / Math.Max(1, status.Clients.Count),
                }),
            },
            DroppedCount = group.DroppedCount,
        };
    }

    static async Task<object> CreateRelation(RpcCall c)
    {
        await c.Service<SubscribeRelations>().CreateAsync(c.Caller, c.Required("ProductKey"), c.Required("Type"), KindsOf(c), c.List("ConsumerGroupIds"), c.Ct);
        return new { };
    }

    static async Task<object> UpdateRelation(RpcCall c)
    {
        await c.Service<SubscribeRelations>().UpdateAsync(c.Caller, c.Required("ProductKey"), c.Required("Type"), KindsOf(c), c.List("ConsumerGroupIds"), c.Ct);
        return new { };
    }

    static async Task<object> GetRelation(RpcCall c)
    {
        var view = await c.Service<SubscribeRelations>().GetAsync(c.Caller, c.Required("ProductKey"), c.Required("Type"), c.Ct);
        var kinds = view.Relation.Kinds;
        return new
        {
            view.ProductKey, view.Relation.Type,
            DeviceDataFlag = kinds.HasFlag(MessageKinds.DeviceData),
            DeviceStatusChangeFlag = kinds.HasFlag(MessageKinds.DeviceStatusChange),
            DeviceLifeCycleFlag = kinds.HasFlag(MessageKinds.DeviceLifeCycle),
            DeviceTopoLifeCycleFlag = kinds.HasFlag(MessageKinds.DeviceTopoLifeCycle),
            FoundDeviceListFlag = kinds.HasFlag(MessageKinds.FoundDeviceList),
            OtaEventFlag = kinds.HasFlag(MessageKinds.OtaEvent),
            ThingHistoryFlag = kinds.HasFlag(MessageKinds.ThingHistory),
            DeviceTagFlag = kinds.HasFlag(MessageKinds.DeviceTag),
            OtaVersionFlag = kinds.HasFlag(MessageKinds.OtaVersion),
            OtaJobFlag = kinds.HasFlag(MessageKinds.OtaJob),
            EndUserBindFlag = kinds.HasFlag(MessageKinds.EndUserBinding),
            view.ConsumerGroupIds,
        };
    }

    static async Task<object> DeleteRelation(RpcCall c)
    {
        await c.Service<SubscribeRelations>().DeleteAsync(c.Caller, c.Required("ProductKey"), c.Required("Type"), c.Ct);
        return new { };
    }

    static async Task<object> AddGroup(RpcCall c)
    {
        await c.Service<SubscribeRelations>().AddGroupAsync(c.Caller, c.Required("ProductKey"), c.Required("ConsumerGroupId"), c.Ct);
        return new { };
    }

    static async Task<object> RemoveGroup(RpcCall c)
    {
        await c.Service<SubscribeRelations>().RemoveGroupAsync(c.Caller, c.Required("ProductKey"), c.Required("ConsumerGroupId"), c.Ct);
        return new { };
    }

    /// <summary>The kinds the request's flags select (absent is false; anything but true/false is InvalidParameter).</summary>
    static MessageKinds KindsOf(RpcCall c) =>
        Flags.Aggregate(MessageKinds.None, (kinds, f) => c.Bool(f.Flag) == true ? kinds | f.Kind : kinds);

    static object Info(ConsumerGroup g) => new { g.GroupId, GroupName = g.Name, CreateTime = RpcTime.Utc(g.CreatedAtMs) };
}
