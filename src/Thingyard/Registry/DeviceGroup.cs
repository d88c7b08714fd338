// Device groups (with optional parent) and their memberships; tags ride on the group as a JSON object.
using Thingyard.Access;

namespace Thingyard.Registry;

public sealed class DeviceGroup : IAccountOwned
{
    public long Id { get; set; }
    public long AccountId { get; set; }
    public required string GroupId { get; set; }
    public required string Name { get; set; }
    public string? Description { get; set; }
    public string? SuperGroupId { get; set; }
    public string TagsJson { get; set; } = "{}";
    public long CreatedAtMs { get; set; }
}

public sealed class DeviceGroupMember
{
    public long GroupId { get; set; }
    public long DeviceId { get; set; }
}
