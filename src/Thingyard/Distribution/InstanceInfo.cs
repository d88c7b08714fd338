// One Thingyard instance of a federation: where it is (region, coordinates) and how devices and peers reach it.
namespace Thingyard.Distribution;

public sealed record InstanceInfo
{
    public required string InstanceId { get; init; }
    public required string RegionId { get; init; }
    public string Name { get; init; } = "";
    /// <summary>Base URL peers call (the instance's HTTP listener), e.g. http://10.0.0.2:8080.</summary>
    public string HttpUrl { get; init; } = "";
    /// <summary>The MQTT endpoint devices are sent to by bootstrap.</summary>
    public string MqttHost { get; init; } = "";
    public int MqttPort { get; init; } = 1883;
    /// <summary>Location for nearest-access distribution (degrees).</summary>
    public double Latitude { get; init; }
    public double Longitude { get; init; }
}
