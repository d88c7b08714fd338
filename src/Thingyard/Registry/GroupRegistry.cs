// Device groups: create (with optional parent), update, delete, list, membership and group tags.
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Thingyard.Access;
using Thingyard.Common;
using Thingyard.Storage;

namespace Thingyard.Registry;

public sealed class GroupRegistry(ThingyardDb db, TimeProvider time)
{
    public const int MaxGroupsPerDevice = 10;

    public async Task<DeviceGroup> CreateAsync(Caller caller, string name, string? description, string? superGroupId, CancellationToken ct = default)
    {
        NameRules.CheckGroupName(name);
        if (description is { Length: > 100 }) throw IotException.Invalid("GroupDesc must be at most 100 characters.");
        if (!string.IsNullOrEmpty(superGroupId)) await GetAsync(caller, superGroupId, ct);
        else superGroupId = null;
        // Names are unique per parent within the account that will own the group.
        if (await db.DeviceGroups.OwnedBy(caller.AccountId).AnyAsync(g => g.Name == name && g.SuperGroupId == superGroupId, ct))
            throw new IotException(IotErrors.GroupNameExists, $"A group named '{name}' already exists here.");
        var group = new DeviceGroup
        {
            AccountId = caller.AccountId, GroupId = Ids.GroupId(), Name = name, Description = description,
            SuperGroupId = superGroupId, CreatedAtMs = time.GetUtcNow().ToUnixTimeMilliseconds(),
        };
        db.DeviceGroups.Add(group);
        await db.SaveChangesAsync(ct);
        return group;
    }

    public Task<DeviceGroup> GetAsync(Caller caller, string? groupId, CancellationToken ct = default) =>
        db.DeviceGroups.FindVisibleAsync(caller, g => g.GroupId == groupId,
            () => new IotException(IotErrors.GroupNotFound, $"The group '{groupId}' does not exist."), ct);

    public async Task UpdateAsync(Caller caller, string groupId, string? description, CancellationToken ct = default)
    {
        var group = await GetAsync(caller, groupId, ct);
        if (description is { Length: > 100 }) throw IotException.Invalid("GroupDesc must be at most 100 characters.");
        group.Description = description;
        await db.SaveChangesAsync(ct);
    }

    public async Task DeleteAsync(Caller caller, string groupId, CancellationToken ct = default)
    {
        var group = await GetAsync(caller, groupId, ct);
        if (await db.DeviceGroups.AnyAsync(g => g.SuperGroupId == group.GroupId, ct))
            throw new IotException(IotErrors.GroupHasSubGroups, $"The group '{groupId}' has sub-groups; delete them first.");
        db.DeviceGroups.Remove(group);
        await db.SaveChangesAsync(ct);
    }

    public async Task<(List<DeviceGroup> Groups, int Total)> ListAsync(Caller caller, string? name, string? superGroupId, Paging paging, CancellationToken ct = default)
    {
        var query = db.DeviceGroups.VisibleTo(caller);
        if (!string.IsNullOrEmpty(name)) query = query.Where(g => g.Name.Contains(name));
        if (!string.IsNullOrEmpty(superGroupId)) query = query.Where(g => g.SuperGroupId == superGroupId);
        return (await query.OrderBy(g => g.Id).Skip(paging.Skip).Take(paging.PageSize).ToListAsync(ct), await query.CountAsync(ct));
    }

    public Task<int> DeviceCountAsync(DeviceGroup group, CancellationToken ct = default) =>
        db.DeviceGroupMembers.CountAsync(m => m.GroupId == group.Id, ct);

    public sealed record AddResult(int Valid, int Added, int AlreadyRelated, int ExceedTen);

    /// <summary>Adds devices; ones already in the group or already in ten groups are counted, not failed.</summary>
    public async Task<AddResult> AddDevicesAsync(Caller caller, string groupId, IReadOnlyList<Device> devices, CancellationToken ct = default)
    {
        var group = await GetAsync(caller, groupId, ct);
        int added = 0, already = 0, exceed = 0;
        foreach (var device in devices)
        {
            var memberships = await db.DeviceGroupMembers.Where(m => m.DeviceId == device.Id).Select(m => m.GroupId).ToListAsync(ct);
            if (memberships.Contains(group.Id)) already++;
            else if (memberships.Count >= MaxGroupsPerDevice) exceed++;
            else { db.DeviceGroupMembers.Add(new DeviceGroupMember { GroupId = group.Id, DeviceId = device.Id }); added++; }
        }
        await db.SaveChangesAsync(ct);
        return new AddResult(devices.Count, added, already, exceed);
    }

    public async Task<int> RemoveDevicesAsync(Caller caller, string groupId, IReadOnlyList<Device> devices, CancellationToken ct = default)
    {
        var group = await GetAsync(caller, groupId, ct);
        var ids = devices.Select(d => d.Id).ToList();
        return await db.DeviceGroupMembers.Where(m => m.GroupId == group.Id && ids.Contains(m.DeviceId)).ExecuteDeleteAsync(ct);
    }

    public async Task<(List<Device> Devices, int Total)> DevicesAsync(Caller caller, string groupId, Paging paging, CancellationToken ct = default)
    {
        var group = await GetAsync(caller, groupId, ct);
        var query = db.DeviceGroupMembers.Where(m => m.GroupId == group.Id).Join(db.Devices, m => m.DeviceId, d => d.Id, (m, d) => d);
        return (await query.OrderBy(d => d.Id).Skip(paging.Skip).Take(paging.PageSize).ToListAsync(ct), await query.CountAsync(ct));
    }

    public Task<List<DeviceGroup>> GroupsOfAsync(Device device, CancellationToken ct = default) =>
        db.DeviceGroupMembers.Where(m => m.DeviceId == device.Id).Join(db.DeviceGroups, m => m.GroupId, g => g.Id, (m, g) => g)
            .OrderBy(g => g.Id).ToListAsync(ct);

    /// <summary>SetDeviceGroupTags replaces the group's tags with the TagString JSON array [{tagKey, tagValue}].</summary>
    public async Task SetTagsAsync(Caller caller, string groupId, string tagString, CancellationToken ct = default)
    {
        var group = await GetAsync(caller, groupId, ct);
        List<Dictionary<string, string>>? items;
        try { items = JsonSerializer.Deserialize<List<Dictionary<string, string>>>(tagString); }
        catch (JsonException e) { throw new IotException(IotErrors.InvalidTag, $"TagString is not a JSON array of {{tagKey, tagValue}}: {e.Message}"); }
        var tags = new Dictionary<string, string>();
        foreach (var item in items ?? [])
        {
            if (!item.TryGetValue("tagKey", out var key) || !item.TryGetValue("tagValue", out var value))
                throw new IotException(IotErrors.InvalidTag, "Every tag needs tagKey and tagValue.");
            try { DeviceTags.CheckKey(key); }
            catch (IotException e) { throw new IotException(IotErrors.InvalidTag, e.Message); }
            tags[key] = value;
        }
        group.TagsJson = JsonSerializer.Serialize(tags);
        await db.SaveChangesAsync(ct);
    }

    public static Dictionary<string, string> Tags(DeviceGroup group) =>
        JsonSerializer.Deserialize<Dictionary<string, string>>(group.TagsJson) ?? [];
}
