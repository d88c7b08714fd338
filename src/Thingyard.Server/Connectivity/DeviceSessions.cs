// Where each device is connected in this process: the session per MQTT client and per device, and the
// sub-devices a gateway has logged in on its connection.
using System.Collections.Concurrent;
using Thingyard.Connectivity;

namespace Thingyard.Server.Connectivity;

public sealed class DeviceSessions(IClusterSessions cluster)
{
    /// <summary>In a cluster a device not connected here may be connected to another node.</summary>
    public bool Clustered => cluster.Enabled;

    readonly ConcurrentDictionary<string, DeviceSession> _byClient = new();
    readonly ConcurrentDictionary<long, DeviceSession> _byDevice = new();
    readonly ConcurrentDictionary<long, DeviceSession> _subDeviceRoutes = new();

    public int Count => _byDevice.Count;

    /// <summary>Registers the session; returns the one it replaces (the same device connected elsewhere), if any.</summary>
    public DeviceSession? Add(DeviceSession session)
    {
        _byClient[session.ClientId] = session;
        DeviceSession? previous = null;
        _byDevice.AddOrUpdate(session.Device.DeviceId, session, (_, old) => { previous = old; return session; });
        _subDeviceRoutes.TryRemove(session.Device.DeviceId, out _);
        return previous is not null && !ReferenceEquals(previous, session) ? previous : null;
    }

    /// <summary>Removes exactly this session; true when it was still the device's current one (the device went offline).</summary>
    public bool Remove(DeviceSession session)
    {
        _byClient.TryRemove(KeyValuePair.Create(session.ClientId, session));
        foreach (var sub in session.SubDevices.Values) _subDeviceRoutes.TryRemove(KeyValuePair.Create(sub.DeviceId, session));
        return _byDevice.TryRemove(KeyValuePair.Create(session.Device.DeviceId, session));
    }

    public DeviceSession? ByClient(string clientId) => _byClient.GetValueOrDefault(clientId);

    public DeviceSession? ByDevice(long deviceId) => _byDevice.GetValueOrDefault(deviceId);

    public bool IsOnline(long deviceId) => _byDevice.ContainsKey(deviceId) || _subDeviceRoutes.ContainsKey(deviceId);

    /// <summary>The connection a device's messages travel on: its own, or its gateway's when it is a logged-in sub-device.</summary>
    public DeviceSession? Route(long deviceId) =>
        _byDevice.GetValueOrDefault(deviceId) ?? _subDeviceRoutes.GetValueOrDefault(deviceId);

    public void LoginSubDevice(DeviceSession gateway, DeviceIdentity sub)
    {
        gateway.SubDevices[(sub.ProductKey, sub.DeviceName)] = sub;
        _subDeviceRoutes[sub.DeviceId] = gateway;
    }

    public bool LogoutSubDevice(DeviceSession gateway, string productKey, string deviceName)
    {
        if (!gateway.SubDevices.TryRemove((productKey, deviceName), out var sub)) return false;
        _subDeviceRoutes.TryRemove(KeyValuePair.Create(sub.DeviceId, gateway));
        return true;
    }

    public IEnumerable<DeviceSession> All => _byDevice.Values;
}
