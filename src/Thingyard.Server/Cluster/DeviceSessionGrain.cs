// Where a device is connected, cluster-wide: one grain per device, activated on the node the device first connects to
// (PreferLocal: the claim of a connect is then a local call) and kept while the device is connected. Its state is
// memory only: sessions end with their node. When a node dies, the grains it hosted are made again, empty, on their
// next call, and every node claims its devices again (ClusterNode.ReclaimAllAsync).
using Orleans.Concurrency;
using Orleans.Placement;

namespace Thingyard.Server.Cluster;

[Alias("Thingyard.IDeviceSessionGrain")]
public interface IDeviceSessionGrain : IGrainWithIntegerKey
{
    /// <summary>The device connected on route's node: returns the session it replaces when that one is on another node
    /// (which must close it), else null.</summary>
    [Alias("Claim")]
    Task<SessionRoute?> Claim(SessionRoute route);

    /// <summary>The connection ended: true when it was the device's current session (the device is now offline), false
    /// when another connection took over.</summary>
    [Alias("Release")]
    Task<bool> Release(SessionRoute route);

    [Alias("Current"), ReadOnly]
    Task<SessionRoute?> Current();
}

[PreferLocalPlacement]
public sealed class DeviceSessionGrain : Grain, IDeviceSessionGrain
{
    SessionRoute? _current;

    public Task<SessionRoute?> Claim(SessionRoute route)
    {
        var previous = _current;
        _current = route;
        DelayDeactivation(TimeSpan.FromDays(3650)); // kept while connected; Release lets it go
        return Task.FromResult(previous is not null && previous.Node != route.Node ? previous : null);
    }

    public Task<bool> Release(SessionRoute route)
    {
        if (_current is null || _current.Node != route.Node || _current.Connection != route.Connection)
            return Task.FromResult(_current is null);
        _current = null;
        DeactivateOnIdle();
        return Task.FromResult(true);
    }

    public Task<SessionRoute?> Current() => Task.FromResult(_current);
}
