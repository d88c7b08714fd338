// RPC actions for device groups: create, update, delete, query, list, membership and group tags.
using Microsoft.EntityFrameworkCore;
using Thingyard.Registry;
using Thingyard.Server.Rpc;

namespace Thingyard.Server.Registry;

public static class GroupRpc
{
    public static RpcActions AddGroupActions(this RpcActions actions) => actions
        .Add("CreateDeviceGroup", CreateDeviceGroup)
        .Add("UpdateDeviceGroup", UpdateDeviceGroup)
        .Add("DeleteDeviceGroup", DeleteDeviceGroup)
        .Add("QueryDeviceGroupInfo", QueryDeviceGroupInfo)
        .Add("QueryDeviceGroupList", QueryDeviceGroupList)
        .Add("BatchAddDeviceGroupRelations", BatchAddDeviceGroupRelations)
        .Add("BatchDeleteDeviceGroupRelations", BatchDeleteDeviceGroupRelations)
        .Add("QueryDeviceListByDeviceGroup", QueryDeviceListByDeviceGroup)
        .Add("QueryDeviceGroupByDevice", QueryDeviceGroupByDevice)
        .Add("SetDeviceGroupTags", SetDeviceGroupTags)
        .Add("QueryDeviceGroupTagList", QueryDeviceGroupTagList);

    static async Task<object> CreateDeviceGroup(RpcCall c)
    {
        var g = await c.Service<GroupRegistry>().CreateAsync(c.Caller, c.Required("GroupName"), c.Optional("GroupDesc"), c.Optional("SuperGroupId"), c.Ct);
        return new { Data = new { GroupDesc = g.Description, g.GroupId, GroupName = g.Name, UtcCreate = RpcTime.Utc(g.CreatedAtMs) } };
    }

    static async Task<object> UpdateDeviceGroup(RpcCall c)
    {
        await c.Service<GroupRegistry>().UpdateAsync(c.Caller, c.Required("GroupId"), c.Optional("GroupDesc"), c.Ct);
        return new { };
    }

    static async Task<object> DeleteDeviceGroup(RpcCall c)
    {
        await c.Service<GroupRegistry>().DeleteAsync(c.Caller, c.Required("GroupId"), c.Ct);
        return new { };
    }

    static async Task<object> QueryDeviceGroupInfo(RpcCall c)
    {
        var groups = c.Service<GroupRegistry>();
        var g = await groups.GetAsync(c.Caller, c.Required("GroupId"), c.Ct);
        var devices = await c.Service<Thingyard.Storage.ThingyardDb>().DeviceGroupMembers.Where(m => m.GroupId == g.Id)
            .Join(c.Service<Thingyard.Storage.ThingyardDb>().Devices, m => m.DeviceId, d => d.Id, (m, d) => d.Status).ToListAsync(c.Ct);
        return new
        {
            Data = new
            {
                DeviceActive = devices.Count(s => s != DeviceStatus.Unactive), DeviceCount = devices.Count,
                DeviceOnline = devices.Count(s => s == DeviceStatus.Online), GroupDesc = g.Description, g.GroupId, GroupName = g.Name,
                GroupType = "LINK_PLATFORM", UtcCreate = RpcTime.Utc(g.CreatedAtMs),
            },
        };
    }

    static async Task<object> QueryDeviceGroupList(RpcCall c)
    {
        var paging = c.Paging(10, 200);
        var (list, total) = await c.Service<GroupRegistry>().ListAsync(c.Caller, c.Optional("GroupName"), c.Optional("SuperGroupId"), paging, c.Ct);
        return new
        {
            CurrentPage = paging.Page, PageCount = paging.PageCount(total), PageSize = paging.PageSize, Total = total,
            Data = new
            {
                GroupInfo = list.Select(g => new
                {
                    GroupDesc = g.Description, g.GroupId, GroupName = g.Name, GroupType = "LINK_PLATFORM", UtcCreate = RpcTime.Utc(g.CreatedAtMs),
                }),
            },
        };
    }

    static async Task<List<Device>> NamedDevices(RpcCall c)
    {
        var items = c.Objects("Device");
        var devices = new List<Device>();
        foreach (var byProduct in items.GroupBy(i => i.GetValueOrDefault("ProductKey")))
            devices.AddRange(await c.Service<DeviceRegistry>().FindManyAsync(c.Caller, byProduct.Key,
                byProduct.Select(i => i.GetValueOrDefault("DeviceName") ?? "").ToList(), [], c.Ct));
        return devices;
    }

    static async Task<object> BatchAddDeviceGroupRelations(RpcCall c)
    {
        var groupId = c.Required("GroupId");
        var devices = await NamedDevices(c);
        var r = await c.Service<GroupRegistry>().AddDevicesAsync(c.Caller, groupId, devices, c.Ct);
        return new
        {
            AlreadyRelatedGroupDeviceCount = r.AlreadyRelated, ExceedTenGroupDeviceCount = r.ExceedTen,
            SuccessAddedDeviceCount = r.Added, ValidDeviceCount = r.Valid,
        };
    }

    static async Task<object> BatchDeleteDeviceGroupRelations(RpcCall c)
    {
        var groupId = c.Required("GroupId");
        var devices = await NamedDevices(c);
        var removed = await c.Service<GroupRegistry>().RemoveDevicesAsync(c.Caller, groupId, devices, c.Ct);
        return new { SuccessDeviceCount = removed, ValidDeviceCount = devices.Count };
    }

    static async Task<object> QueryDeviceListByDeviceGroup(RpcCall c)
    {
        var paging = c.Paging(10, 200);
        var (devices, total) = await c.Service<GroupRegistry>().DevicesAsync(c.Caller, c.Required("GroupId"), paging, c.Ct);
        var productNames = await c.Service<ProductRegistry>().NamesAsync(devices.Select(d => d.ProductId), c.Ct);
        return new
        {
            Page = paging.Page, PageCount = paging.PageCount(total), PageSize = paging.PageSize, Total = total,
            Data = new { SimpleDeviceInfo = devices.Select(d => new { d.DeviceName, d.IotId, d.ProductKey, ProductName = productNames[d.ProductId] }) },
        };
    }

    static async Task<object> QueryDeviceGroupByDevice(RpcCall c)
    {
        var device = await c.Service<DeviceRegistry>().GetAsync(c.Caller, c.Device(), c.Ct);
        var groups = await c.Service<GroupRegistry>().GroupsOfAsync(device, c.Ct);
        return new
        {
            GroupInfos = new
            {
                GroupInfo = groups.Select(g => new { GroupDesc = g.Description, g.GroupId, GroupName = g.Name, GroupType = "LINK_PLATFORM", UtcCreate = RpcTime.Utc(g.CreatedAtMs) }),
            },
        };
    }

    static async Task<object> SetDeviceGroupTags(RpcCall c)
    {
        await c.Service<GroupRegistry>().SetTagsAsync(c.Caller, c.Required("GroupId"), c.Required("TagString"), c.Ct);
        return new { };
    }

    static async Task<object> QueryDeviceGroupTagList(RpcCall c)
    {
        var g = await c.Service<GroupRegistry>().GetAsync(c.Caller, c.Required("GroupId"), c.Ct);
        return new { Data = new { GroupTagInfo = GroupRegistry.Tags(g).Select(t => new { TagKey = t.Key, TagValue = t.Value }) } };
    }
}
