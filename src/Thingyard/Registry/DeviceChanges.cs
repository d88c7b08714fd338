// Tells the broker (and its credential cache) when a device's secret, status or existence changes,
// so a disabled or deleted device is dropped at once rather than when a cache entry expires; and the server-side
// subscription, which tells applications of each device created, deleted, enabled or disabled.
namespace Thingyard.Registry;

public enum DeviceChangeKind { Disabled, Enabled, Deleted, SecretChanged, Distributed, Created, Transferred }

/// <summary>Row: the device as it was saved, when the publisher had it (lifecycle messages need its ids and, on
/// creation, its secret).</summary>
public sealed record DeviceChange(DeviceChangeKind Kind, long DeviceId, string ProductKey, string DeviceName, Device? Row = null);

public sealed class DeviceChanges
{
    public event Action<DeviceChange>? Changed;

    public void Publish(DeviceChange change) => Changed?.Invoke(change);

    public void Publish(DeviceChangeKind kind, Device d) => Publish(new DeviceChange(kind, d.Id, d.ProductKey, d.DeviceName, d));
}
