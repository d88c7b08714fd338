// A device shadow: the reported and desired state documents with their per-key timestamps and a version.
namespace Thingyard.Telemetry;

public sealed class DeviceShadow
{
    public long DeviceId { get; set; }
    public long Version { get; set; }
    /// <summary>JSON object of reported keys (absent when there are none).</summary>
    public string? Reported { get; set; }
    public string? Desired { get; set; }
    /// <summary>JSON {"reported":{k:{"timestamp":s}},"desired":{...}} as the shadow document carries it.</summary>
    public string? Metadata { get; set; }
    public long UpdatedAtMs { get; set; }
}
