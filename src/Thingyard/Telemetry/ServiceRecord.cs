// One service call to a device and, once it replied, its answer (QueryDeviceServiceData).
namespace Thingyard.Telemetry;

public sealed class ServiceRecord
{
    public long Id { get; set; }
    public long DeviceId { get; set; }
    public required string Identifier { get; set; }
    /// <summary>The Alink id the call went out with; the reply is matched on it.</summary>
    public required string MessageId { get; set; }
    public long TimeMs { get; set; }
    public required string InputData { get; set; }
    public string? OutputData { get; set; }
    /// <summary>The device's reply code (200 ok), null until it replied.</summary>
    public int? Code { get; set; }
}
