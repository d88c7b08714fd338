// The cluster side of Connectivity: claims and releases a device's session in its DeviceSessionGrain, finds the node of
// a device connected elsewhere, and sends through that node's NodeGrain.
using Thingyard.Server.Connectivity;

namespace Thingyard.Server.Cluster;

public sealed class ClusterSessions(IGrainFactory grains, ClusterIdentity self, ILogger<ClusterSessions> log) : IClusterSessions
{
    public bool Enabled => true;
    string? IClusterSessions.Node => self.Node;

    SessionRoute RouteOf(DeviceSession s) => new(self.Node, s.ClientId, s.Connection, s.Features.ExtRrpc);

    IDeviceSessionGrain Grain(long deviceId) => grains.GetGrain<IDeviceSessionGrain>(deviceId);

    public INodeGrain Node(string name) => grains.GetGrain<INodeGrain>(name);

    public async Task ClaimAsync(DeviceSession session)
    {
        try
        {
            if (await Grain(session.Device.DeviceId).Claim(RouteOf(session)) is { } previous)
            {
                log.LogInformation("{Device} connected here while connected to node {Node}: closing that connection", session.Device, previous.Node);
                _ = Node(previous.Node).Drop(session.Device.DeviceId, previous.Connection);
            }
        }
        catch (Exception e)
        {
            // The device stays connected here; calls from other nodes cannot find it until it reconnects or the nodes reclaim.
            log.LogWarning(e, "Could not register {Device}'s session in the cluster", session.Device);
        }
    }

    public async Task<bool> ReleaseAsync(DeviceSession session)
    {
        try { return await Grain(session.Device.DeviceId).Release(RouteOf(session)); }
        catch (Exception e)
        {
            log.LogWarning(e, "Could not release {Device}'s session in the cluster; it is set offline", session.Device);
            return true;
        }
    }

    public async ValueTask<RemoteSession?> FindAsync(long deviceId)
    {
        try
        {
            return await Grain(deviceId).Current() is { } route && route.Node != self.Node ? new RemoteSession(route.Node, route.ExtRrpc) : null;
        }
        catch (Exception e)
        {
            log.LogWarning(e, "Could not look up device {DeviceId}'s session in the cluster", deviceId);
            return null;
        }
    }

    public async Task<bool> SendAsync(RemoteSession at, long deviceId, string topic, byte[] payload, int qos, string? replyKey)
    {
        try { return await Node(at.Node).Send(deviceId, topic, payload, qos, replyKey, replyKey is null ? null : self.Node); }
        catch (Exception e)
        {
            log.LogWarning(e, "Sending to device {DeviceId} through node {Node} failed", deviceId, at.Node);
            return false;
        }
    }

    public void ForwardReply(string node, long deviceId, string key, DeviceReply reply) => _ = Node(node).Reply(deviceId, key, reply);

    public void Broadcast(long productId, string topic, byte[] payload)
    {
        foreach (var node in self.Others()) _ = Node(node).Broadcast(productId, topic, payload);
    }
}
