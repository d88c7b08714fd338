// One event a device reported (QueryDeviceEventData).
namespace Thingyard.Telemetry;

public sealed class EventRecord
{
    public long Id { get; set; }
    public long DeviceId { get; set; }
    public required string Identifier { get; set; }
    /// <summary>info, alert or error, from the thing model ("info" when the event is not in it).</summary>
    public required string EventType { get; set; }
    public long TimeMs { get; set; }
    /// <summary>The event's output parameters as compact JSON.</summary>
    public required string OutputData { get; set; }
}
