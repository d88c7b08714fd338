// Raised after sub-devices are added to or removed from a gateway's topology (by the gateway over MQTT or through the
// OpenAPI), once committed: the server-side subscription's topology messages (DeviceTopoLifeCycleFlag).
namespace Thingyard.Gateways;

/// <summary>Added: true for sub-devices joining the gateway, false for those leaving it.</summary>
public sealed record TopologyChange(long GatewayDeviceId, bool Added, IReadOnlyList<long> SubDeviceIds);

public sealed class TopologyChanges
{
    public event Action<TopologyChange>? Changed;

    public void Publish(TopologyChange change)
    {
        if (change.SubDeviceIds.Count > 0) Changed?.Invoke(change);
    }
}
