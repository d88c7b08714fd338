// RPC actions for gateway topology: which gateway carries a sub-device, a gateway's sub-devices, removing and adding
// topology from the cloud side (adding needs each sub-device's sign, as thing.topo.add over MQTT does).
using Thingyard.Access;
using Thingyard.Common;
using Thingyard.Connectivity;
using Thingyard.Gateways;
using Thingyard.Registry;
using Thingyard.Server.Connectivity;
using Thingyard.Server.Settings;
using Thingyard.Server.Registry;
using Thingyard.Server.Rpc;
using Thingyard.Server.Things;
using Thingyard.Protocol.Signing;

namespace Thingyard.Server.Gateways;

public static class GatewayRpc
{
    public const int MaxTopoPageSize = 50;

    public static RpcActions AddGatewayActions(this RpcActions actions) => actions
        .Add("GetGatewayBySubDevice", GetGatewayBySubDevice)
        .Add("GetThingTopo", GetThingTopo)
        .Add("RemoveThingTopo", RemoveThingTopo)
        .Add("BatchAddThingTopo", BatchAddThingTopo);

    /// <summary>The gateway's details, with the lower-case iotId and region keys the SDK model reads and a lower-case
    /// Status (online/offline/unactive/disable) as documented. No Data when the device has no gateway.</summary>
    static async Task<object> GetGatewayBySubDevice(RpcCall c)
    {
        var sub = await ThingRpc.DeviceOf(c);
        var gateway = await c.Service<Topology>().GatewayOfAsync(sub.Id, c.Ct);
        if (gateway is null) return new { };
        var product = await c.Service<DeviceRegistry>().ProductOfAsync(gateway, c.Ct);
        var status = DeviceRpc.LiveStatus(gateway, c.Service<DeviceSessions>());
        return new
        {
            Data = new
            {
                gateway.DeviceName, DeviceSecret = c.Caller.SecretFor(gateway, gateway.DeviceSecret), gateway.FirmwareVersion,
                GmtActive = RpcTime.Gmt(gateway.ActivatedAtMs), GmtCreate = RpcTime.Gmt(gateway.CreatedAtMs), GmtOnline = RpcTime.Gmt(gateway.LastOnlineAtMs),
                gateway.IpAddress, NodeType = product.NodeType.ToString(System.Globalization.CultureInfo.InvariantCulture), gateway.ProductKey,
                ProductName = product.Name, Status = status.ToLowerInvariant(),
                UtcActive = RpcTime.Utc(gateway.ActivatedAtMs), UtcCreate = RpcTime.Utc(gateway.CreatedAtMs), UtcOnline = RpcTime.Utc(gateway.LastOnlineAtMs),
                iotId = gateway.IotId, region = c.Service<InstanceOptions>().RegionId,
            },
        };
    }

    /// <summary>A gateway's sub-devices, paged by PageNo/PageSize (1-50), under List.deviceInfo (lower case, as the SDK reads it).</summary>
    static async Task<object> GetThingTopo(RpcCall c)
    {
        var gateway = await ThingRpc.DeviceOf(c);
        var paging = Paging.Of(c.Int("PageNo"), c.Int("PageSize"), 10, MaxTopoPageSize);
        var (devices, total) = await c.Service<Topology>().SubDevicesAsync(gateway.Id, paging.Skip, paging.PageSize, c.Ct);
        return new
        {
            Data = new
            {
                CurrentPage = paging.Page,
                PageCount = paging.PageCount(total),
                paging.PageSize,
                Total = total,
                List = new { deviceInfo = devices.Select(d => new { d.DeviceName, d.IotId, d.ProductKey }).ToList() },
            },
        };
    }

    /// <summary>A gateway loses all its sub-devices; a sub-device leaves its gateway. Sub-devices logged in through the
    /// gateway go offline. Data is true when a relation was removed.</summary>
    static async Task<object> RemoveThingTopo(RpcCall c)
    {
        var device = await ThingRpc.DeviceOf(c);
        var topology = c.Service<Topology>();
        var removed = new List<(long GatewayId, long SubId)>();
        var (subs, _) = await topology.SubDevicesAsync(device.Id, 0, Topology.MaxSubDevices, c.Ct);
        if (subs.Count > 0)
        {
            await topology.RemoveAsync(device.Id, subs.Select(s => s.Id).ToList(), c.Ct);
            removed.AddRange(subs.Select(s => (device.Id, s.Id)));
        }
        else if (await topology.GatewayOfAsync(device.Id, c.Ct) is { } gateway && await topology.RemoveAsync(gateway.Id, [device.Id], c.Ct) > 0)
            removed.Add((gateway.Id, device.Id));

        var sessions = c.Service<DeviceSessions>();
        var uplinks = c.Service<GatewayUplinks>();
        foreach (var (gatewayId, subId) in removed)
            if (sessions.ByDevice(gatewayId) is { } session && session.SubDevices.Values.FirstOrDefault(s => s.DeviceId == subId) is { } identity)
                uplinks.LogoutOne(session, identity);
        return new { Data = removed.Count > 0 };
    }

    /// <summary>BatchAddThingTopo: GwProductKey/GwDeviceName and TopoAddItem.N.{ProductKey, DeviceName, ClientId, Timestamp,
    /// SignMethod, Sign}, each signed with the sub-device's secret over clientId, deviceName, productKey and timestamp.
    /// All or nothing.</summary>
    static async Task<object> BatchAddThingTopo(RpcCall c)
    {
        var registry = c.Service<DeviceRegistry>();
        var gateway = await registry.GetAsync(c.Caller, DeviceRef.Of(null, c.Required("GwProductKey"), c.Required("GwDeviceName")), c.Ct);
        if ((await registry.ProductOfAsync(gateway, c.Ct)).NodeType != 1)
            throw IotException.Invalid($"The device '{gateway.ProductKey}/{gateway.DeviceName}' is not a gateway.");
        var items = c.Objects("TopoAddItem");
        if (items.Count == 0) throw RpcGatewayException.Missing("TopoAddItem.1.ProductKey");
        if (items.Count > GatewayUplinks.MaxPerBatch) throw IotException.Invalid($"At most {GatewayUplinks.MaxPerBatch} sub-devices (TopoAddItem.N) per call.");
        var subIds = new List<long>();
        foreach (var item in items)
        {
            string Field(string name) => item.TryGetValue(name, out var v) && v.Length > 0 ? v : throw RpcGatewayException.Missing($"TopoAddItem.N.{name}");
            var sub = await registry.GetAsync(c.Caller, DeviceRef.Of(null, Field("ProductKey"), Field("DeviceName")), c.Ct);
            if (sub.Id == gateway.Id) throw IotException.Invalid("A gateway cannot be its own sub-device.");
            var signed = new Dictionary<string, string>(StringComparer.Ordinal)
            {
                ["clientId"] = Field("ClientId"), ["deviceName"] = sub.DeviceName, ["productKey"] = sub.ProductKey, ["timestamp"] = Field("Timestamp"),
            };
            if (!DeviceSignature.Verify(sub.DeviceSecret, item.GetValueOrDefault("SignMethod"), signed, Field("Sign")))
                throw IotException.Invalid($"The sign of sub-device '{sub.ProductKey}/{sub.DeviceName}' does not match.");
            subIds.Add(sub.Id);
        }
        try { await c.Service<Topology>().AddAsync(gateway.Id, subIds, c.Ct); }
        catch (InvalidOperationException e) { throw new IotException("iot.device.TopoRelationCountExceeded", e.Message); }
        return new { };
    }
}
