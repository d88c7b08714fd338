// This instance and its peers, as configured. Bootstrap and distribution jobs look instances up here.
using Thingyard.Distribution;
using Thingyard.Server.Connectivity;
using Thingyard.Server.Settings;

namespace Thingyard.Server.Distribution;

public sealed class InstanceDirectory(InstanceOptions instance, FederationOptions f, MqttBroker broker)
{
    readonly Dictionary<string, InstanceInfo> _peers = f.Peers
        .Where(p => !string.IsNullOrEmpty(p.InstanceId) && p.InstanceId != instance.InstanceId)
        .ToDictionary(p => p.InstanceId, p => p.ToInfo(), StringComparer.Ordinal);

    public string SelfId => instance.InstanceId;

    /// <summary>This instance; the MQTT host defaults to <paramref name="requestHost"/> (what the device reached us by).</summary>
    public InstanceInfo Self(string? requestHost = null)
    {
        return new InstanceInfo
        {
            InstanceId = instance.InstanceId, RegionId = instance.RegionId, Name = f.Name,
            HttpUrl = f.HttpUrl?.TrimEnd('/') ?? "", MqttHost = f.MqttHost ?? requestHost ?? "localhost",
            MqttPort = f.MqttPort ?? broker.Port, Latitude = f.Latitude, Longitude = f.Longitude,
        };
    }

    public IReadOnlyCollection<InstanceInfo> Peers => _peers.Values;

    public InstanceInfo? Peer(string instanceId) => _peers.GetValueOrDefault(instanceId);

    /// <summary>Any known instance (this one included) by id.</summary>
    public InstanceInfo? Find(string instanceId, string? requestHost = null) =>
        instanceId == instance.InstanceId ? Self(requestHost) : Peer(instanceId);

    public bool PeeringEnabled => !string.IsNullOrEmpty(f.SharedSecret);
}
