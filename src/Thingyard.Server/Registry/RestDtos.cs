// REST request and response records for the registry (camelCase JSON).
using Thingyard.Access;
using Thingyard.Registry;

namespace Thingyard.Server.Registry;

public sealed record ProductDto(string ProductKey, string ProductSecret, string Name, string? Description, int NodeType, int DataFormat,
    string AuthType, string NetType, bool DynamicRegistration, string ProductStatus, long CreatedAt, int? DeviceCount = null,
    string? CategoryKey = null, string? ModuleId = null, string ReleaseState = "development")
{
    /// <summary>The product as the caller sees it: its secret left out for an account it is only authorized to.</summary>
    public static ProductDto Of(Caller caller, Product p, int? count = null) => Of(p, count) with { ProductSecret = caller.SecretFor(p, p.ProductSecret) };

    static ProductDto Of(Product p, int? count) => new(p.ProductKey, p.ProductSecret, p.Name, p.Description, p.NodeType,
        p.DataFormat, p.AuthType, p.NetType, p.DynamicRegistration, p.ProductStatus, p.CreatedAtMs, count, p.CategoryKey, p.ModuleId, p.ReleaseState);
}

/// <param name="CategoryKey">A thing template (GET /api/v1/thing-templates) whose standard features become the draft thing model.</param>
public sealed record CreateProductRequest(string Name, int NodeType = 0, int DataFormat = 1, string AuthType = "secret",
    string? Description = null, string NetType = "WIFI", bool DynamicRegistration = false, string? ProjectId = null, string? CategoryKey = null);

/// <param name="ModuleId">A certified module (GET /api/v1/modules).</param>
public sealed record SetModuleRequest(string ModuleId);

public sealed record ModuleDto(string ModuleId, string Vendor, string Model, string NetType, IReadOnlyList<string> Sdk)
{
    public static ModuleDto Of(CertifiedModule m) => new(m.ModuleId, m.Vendor, m.Model, m.NetType, m.Sdk);
}

public sealed record UpdateProductRequest(string? Name, string? Description, bool? DynamicRegistration);

public sealed record DeviceDto(string IotId, string ProductKey, string DeviceName, string DeviceSecret, string? Nickname, string Status,
    long CreatedAt, long? ActivatedAt, long? LastOnlineAt, string? IpAddress, string? FirmwareVersion)
{
    /// <summary>The device as the caller sees it: its secret left out for an account it is only authorized to.</summary>
    public static DeviceDto Of(Caller caller, Device d) => Of(d) with { DeviceSecret = caller.SecretFor(d, d.DeviceSecret) };

    static DeviceDto Of(Device d) => new(d.IotId, d.ProductKey, d.DeviceName, d.DeviceSecret, d.Nickname, d.Status,
        d.CreatedAtMs, d.ActivatedAtMs, d.LastOnlineAtMs, d.IpAddress, d.FirmwareVersion);
}

public sealed record RegisterDeviceRequest(string? DeviceName, string? Nickname);

public sealed record PageDto<T>(IReadOnlyList<T> Items, int Total, int Page, int PageSize);

public sealed record TagDto(string Key, string Value);

/// <summary>A product's topics; Model says whether the events and services come from the published thing model or the draft.</summary>
public sealed record ProductTopicsDto(string Model, List<TopicDto> Topics);

/// <summary>One topic, ${deviceName} standing for the device; Direction is the device's: publish or subscribe.</summary>
public sealed record TopicDto(string Category, string Topic, string Direction, string Description);

public sealed record BatchRequest(string ProductKey, IReadOnlyList<string>? Names, int? Count);

public sealed record BatchDto(long ApplyId, string ProductKey, string Status, int Count, IReadOnlyList<string> InvalidNames)
{
    public static BatchDto Of(BatchRegistration job) => new(job.Id, job.ProductKey, job.Status, job.Count, BatchRegistrar.Lists(job).Invalid);
}

public sealed record GroupDto(string GroupId, string Name, string? Description, string? SuperGroupId, long CreatedAt, IReadOnlyDictionary<string, string> Tags)
{
    public static GroupDto Of(DeviceGroup g) => new(g.GroupId, g.Name, g.Description, g.SuperGroupId, g.CreatedAtMs, GroupRegistry.Tags(g));
}

public sealed record CreateGroupRequest(string Name, string? Description, string? SuperGroupId);

public sealed record GroupDevicesRequest(IReadOnlyList<DeviceKey> Devices);

public sealed record DeviceKey(string ProductKey, string DeviceName);
