// One reported property value in a device's history (QueryDevicePropertyData), and the latest value per property.
namespace Thingyard.Telemetry;

public sealed class PropertySample
{
    public long Id { get; set; }
    public long DeviceId { get; set; }
    public required string Identifier { get; set; }
    /// <summary>Device time of the value (the report's time, else the time it arrived), UTC ms.</summary>
    public long TimeMs { get; set; }
    /// <summary>The value as compact JSON.</summary>
    public required string Value { get; set; }
}

/// <summary>The newest value of one property of one device (QueryDevicePropertyStatus).</summary>
public sealed class PropertyLatest
{
    public long DeviceId { get; set; }
    public required string Identifier { get; set; }
    public long TimeMs { get; set; }
    public required string Value { get; set; }
}
