// A device: one thing with its own triplet (ProductKey, DeviceName, DeviceSecret) and its registry state.
using Thingyard.Access;

namespace Thingyard.Registry;

public sealed class Device : IAccountOwned, IInProduct
{
    public long Id { get; set; }
    public long AccountId { get; set; }
    public long ProductId { get; set; }
    public required string ProductKey { get; set; }
    public required string DeviceName { get; set; }
    public required string DeviceSecret { get; set; }
    public required string IotId { get; set; }
    public string? Nickname { get; set; }
    public string Status { get; set; } = DeviceStatus.Unactive;
    public long CreatedAtMs { get; set; }
    public long ModifiedAtMs { get; set; }
    public long? ActivatedAtMs { get; set; }
    public long? LastOnlineAtMs { get; set; }
    public string? IpAddress { get; set; }
    /// <summary>The cluster node its connection was last on (null on a single node): when that node dies, the
    /// leader sets its devices that have not reconnected elsewhere OFFLINE.</summary>
    public string? ConnectedNode { get; set; }
    public string? FirmwareVersion { get; set; }
    /// <summary>Token of a device registered without pre-registration (authType regnwl); it connects with it (connwl).</summary>
    public string? DeviceToken { get; set; }
    /// <summary>Set on a device received by distribution: the instance that owns it (where it must be deleted).</summary>
    public string? SourceInstanceId { get; set; }
    /// <summary>A test device (a virtual device run by the server); left out of production counts.</summary>
    public bool IsTest { get; set; }
    /// <summary>The batch registration that created it, if any.</summary>
    public long? ApplyId { get; set; }
}

public static class DeviceStatus
{
    public const string Unactive = "UNACTIVE";
    public const string Online = "ONLINE";
    public const string Offline = "OFFLINE";
    public const string Disabled = "DISABLE";

    public static readonly string[] All = [Unactive, Online, Offline, Disabled];
}
