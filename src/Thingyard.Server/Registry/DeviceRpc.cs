// RPC actions for single devices and device lists: register, query, enable/disable, delete, status.
using Microsoft.EntityFrameworkCore;
using Thingyard.Access;
using Thingyard.Registry;
using Thingyard.Server.Rpc;
using Thingyard.Storage;

namespace Thingyard.Server.Registry;

public static class DeviceRpc
{
    public static RpcActions AddDeviceActions(this RpcActions actions) => actions
        .Add("RegisterDevice", RegisterDevice)
        .Add("QueryDeviceDetail", QueryDeviceDetail)
        .Add("QueryDeviceInfo", QueryDeviceInfo)
        .Add("QueryDevice", QueryDevice)
        .Add("QueryDeviceByStatus", QueryDeviceByStatus)
        .Add("BatchQueryDeviceDetail", BatchQueryDeviceDetail)
        .Add("DeleteDevice", DeleteDevice)
        .Add("DisableThing", DisableThing)
        .Add("EnableThing", EnableThing)
        .Add("GetDeviceStatus", GetDeviceStatus)
        .Add("BatchGetDeviceState", BatchGetDeviceState)
        .Add("QueryDeviceStatistics", QueryDeviceStatistics);

    static async Task<object> RegisterDevice(RpcCall c)
    {
        var d = await c.Service<DeviceRegistry>().RegisterAsync(c.Caller, c.Required("ProductKey"), c.Optional("DeviceName"), c.Optional("Nickname"), c.Ct);
        return new { Data = new { d.DeviceName, d.DeviceSecret, d.IotId, d.Nickname, d.ProductKey } };
    }

    static async Task<object> QueryDeviceDetail(RpcCall c)
    {
        var registry = c.Service<DeviceRegistry>();
        var d = await registry.GetAsync(c.Caller, c.Device(), c.Ct);
        return new { Data = Detail(c.Caller, d, await registry.ProductOfAsync(d, c.Ct), c.Service<Settings.InstanceOptions>().RegionId) };
    }

    /// <summary>A device's detail; its secret only for a caller that may see it (not an account it is authorized to).</summary>
    internal static object Detail(Caller caller, Device d, Product p, string region) => new
    {
        d.DeviceName, DeviceSecret = caller.SecretFor(d, d.DeviceSecret), d.FirmwareVersion,
        GmtActive = RpcTime.Gmt(d.ActivatedAtMs), GmtCreate = RpcTime.Gmt(d.CreatedAtMs), GmtOnline = RpcTime.Gmt(d.LastOnlineAtMs),
        d.IotId, d.IpAddress, d.Nickname, p.NodeType, Owner = caller.SeesSecretsOf(d), d.ProductKey, ProductName = p.Name, Region = region, d.Status,
        UtcActive = RpcTime.Utc(d.ActivatedAtMs), UtcCreate = RpcTime.Utc(d.CreatedAtMs), UtcOnline = RpcTime.Utc(d.LastOnlineAtMs),
    };

    static async Task<object> QueryDeviceInfo(RpcCall c)
    {
        var d = await c.Service<DeviceRegistry>().GetAsync(c.Caller, c.Device(), c.Ct);
        return new { Data = new { d.DeviceName, DeviceSecret = c.Caller.SecretFor(d, d.DeviceSecret), d.IotId, d.Nickname, d.ProductKey } };
    }

    static Task<object> QueryDevice(RpcCall c) => ListDevices(c, null);

    static Task<object> QueryDeviceByStatus(RpcCall c) => ListDevices(c, c.Required("Status"));

    /// <summary>QueryDevice pages by CurrentPage, or by NextToken (which this server makes the next page number).</summary>
    static async Task<object> ListDevices(RpcCall c, string? status)
    {
        var paging = c.Optional("NextToken") is { } token && int.TryParse(token, out var next)
            ? Common.Paging.Of(next, c.Int("PageSize"), 10, 50)
            : c.Paging(10, 50);
        var productKey = status is null ? c.Optional("ProductKey") : c.Required("ProductKey");
        var (devices, total) = await c.Service<DeviceRegistry>().ListAsync(c.Caller, productKey, status, paging, c.Ct);
        var pageCount = paging.PageCount(total);
        if (status is not null)
            return new
            {
                Page = paging.Page, PageCount = pageCount, PageSize = paging.PageSize, Total = total,
                Data = new
                {
                    SimpleDeviceInfo = devices.Select(d => new
                    {
                        d.DeviceName, DeviceSecret = c.Caller.SecretFor(d, d.DeviceSecret), GmtCreate = RpcTime.Gmt(d.CreatedAtMs), GmtModified = RpcTime.Gmt(d.ModifiedAtMs),
                        d.IotId, d.Nickname, d.ProductKey, d.Status, UtcCreate = RpcTime.Utc(d.CreatedAtMs), UtcModified = RpcTime.Utc(d.ModifiedAtMs),
                    }),
                },
            };
        return new
        {
            Page = paging.Page, PageCount = pageCount, PageSize = paging.PageSize, Total = total,
            NextToken = paging.Page < pageCount ? (paging.Page + 1).ToString() : null,
            Data = new
            {
                DeviceInfo = devices.Select(d => new
                {
                    DeviceId = d.IotId, d.DeviceName, DeviceSecret = c.Caller.SecretFor(d, d.DeviceSecret), DeviceStatus = d.Status, DeviceType = d.ProductKey,
                    GmtCreate = RpcTime.Gmt(d.CreatedAtMs), GmtModified = RpcTime.Gmt(d.ModifiedAtMs), d.IotId, d.Nickname, d.ProductKey,
                    UtcCreate = RpcTime.Utc(d.CreatedAtMs), UtcModified = RpcTime.Utc(d.ModifiedAtMs),
                }),
            },
        };
    }

    static async Task<object> BatchQueryDeviceDetail(RpcCall c)
    {
        var productKey = c.Required("ProductKey");
        var registry = c.Service<DeviceRegistry>();
        var devices = await registry.FindManyAsync(c.Caller, productKey, c.List("DeviceName"), [], c.Ct);
        var product = await c.Service<ProductRegistry>().GetAsync(c.Caller, productKey, c.Ct);
        var region = c.Service<Settings.InstanceOptions>().RegionId;
        return new { Data = new { Data = devices.Select(d => Detail(c.Caller, d, product, region)) } };
    }

    static async Task<object> DeleteDevice(RpcCall c)
    {
        await c.Service<DeviceRegistry>().DeleteAsync(c.Caller, c.Device(), c.Ct);
        return new { };
    }

    static async Task<object> DisableThing(RpcCall c)
    {
        await c.Service<DeviceRegistry>().DisableAsync(c.Caller, c.Device(), c.Ct);
        return new { };
    }

    static async Task<object> EnableThing(RpcCall c)
    {
        await c.Service<DeviceRegistry>().EnableAsync(c.Caller, c.Device(), c.Ct);
        return new { };
    }

    static async Task<object> GetDeviceStatus(RpcCall c)
    {
        var d = await c.Service<DeviceRegistry>().GetAsync(c.Caller, c.Device(), c.Ct);
        return new { Data = new { Status = LiveStatus(d, c.Service<Connectivity.DeviceSessions>()), Timestamp = d.LastOnlineAtMs ?? d.ModifiedAtMs } };
    }

    /// <summary>The stored status trails the broker (the telemetry writer records it); a live connection here decides ONLINE/OFFLINE.
    /// In a cluster a stored ONLINE without a connection here is another node's connection (the leader sets a dead node's devices OFFLINE).</summary>
    internal static string LiveStatus(Device d, Connectivity.DeviceSessions sessions) =>
        d.Status == DeviceStatus.Disabled ? d.Status
        : sessions.IsOnline(d.Id) ? DeviceStatus.Online
        : d.Status == DeviceStatus.Online && !sessions.Clustered ? DeviceStatus.Offline
        : d.Status;

    static async Task<object> BatchGetDeviceState(RpcCall c)
    {
        var devices = await c.Service<DeviceRegistry>().FindManyAsync(c.Caller, c.Optional("ProductKey"), c.List("DeviceName"), c.List("IotId"), c.Ct);
        var sessions = c.Service<Connectivity.DeviceSessions>();
        return new
        {
            DeviceStatusList = new
            {
                DeviceStatus = devices.Select(d => new
                {
                    AsAddress = d.IpAddress, DeviceId = d.IotId, d.DeviceName, d.IotId, LastOnlineTime = RpcTime.Gmt(d.LastOnlineAtMs), Status = LiveStatus(d, sessions),
                }),
            },
        };
    }

    static async Task<object> QueryDeviceStatistics(RpcCall c)
    {
        var db = c.Service<ThingyardDb>();
        var query = db.Devices.VisibleTo(c.Caller);
        if (c.Optional("ProductKey") is { } pk)
        {
            var product = await c.Service<ProductRegistry>().GetAsync(c.Caller, pk, c.Ct);
            query = query.Where(d => d.ProductId == product.Id);
        }
        if (c.Optional("GroupId") is { } groupId)
        {
            var group = await c.Service<GroupRegistry>().GetAsync(c.Caller, groupId, c.Ct);
            query = query.Where(d => db.DeviceGroupMembers.Any(m => m.GroupId == group.Id && m.DeviceId == d.Id));
        }
        return new
        {
            Data = new
            {
                activeCount = await query.CountAsync(d => d.ActivatedAtMs != null, c.Ct),
                deviceCount = await query.CountAsync(c.Ct),
                onlineCount = await query.CountAsync(d => d.Status == DeviceStatus.Online, c.Ct),
            },
        };
    }
}
