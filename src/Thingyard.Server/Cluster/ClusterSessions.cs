// The cluster side of Connectivity: claims and releases a device's session in its DeviceSessionGrain, finds the node of
// a device connected elsewhere, and sends through that node's NodeGrain.
using Thingyard.RemoteConfig;
using Thingyard.Server.Connectivity;

namespace Thingyard.Server.Cluster;

public sealed class ClusterSessions(IGrainFactory grains, ClusterIdentity self, ILogger<ClusterSessions> log) : IClusterSessions
{
    public bool Enabled => true;
    string? IClusterSessions.Node => self.Node;

    SessionRoute RouteOf(DeviceSession s) => new(self.Node, s.ClientId, s.Connection, s.Features.ExtRrpc);

    IDeviceSessionGrain Grain(long deviceId) => grains.GetGrain<IDeviceSessionGrain>(deviceId);

    public INodeGrain Node(string name) => grains.GetGrain<INodeGrain>(name);

    public async Task ClaimAsync(DeviceSession connection, long deviceId)
    {
        try
        {
            if (await Grain(deviceId).Claim(RouteOf(connection)) is { } previous)
            {
                log.LogInformation("Device {DeviceId} is online here (on {ClientId}) while online on node {Node}: that node lets it go",
                    deviceId, connection.ClientId, previous.Node);
                _ = Node(previous.Node).Drop(deviceId, previous.Connection);
            }
        }
        catch (Exception e)
        {
            // The device stays connected here; calls from other nodes cannot find it until it reconnects or the nodes reclaim.
            log.LogWarning(e, "Could not register device {DeviceId}'s session in the cluster", deviceId);
        }
    }

    public async Task<bool> ReleaseAsync(DeviceSession connection, long deviceId)
    {
        try { return await Grain(deviceId).Release(RouteOf(connection)); }
        catch (Exception e)
        {
            log.LogWarning(e, "Could not release device {DeviceId}'s session in the cluster; it is set offline", deviceId);
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

    public async Task<int> PushConfigAsync(long productId, string productKey, ProductConfigFile file)
    {
        var counts = await Task.WhenAll(self.Others().Select(async node =>
        {
            try { return await Node(node).PushConfig(productId, productKey, file.ConfigId, file.Size, file.Sha256); }
            catch (Exception e)
            {
                log.LogWarning(e, "Pushing product {ProductKey}'s configuration through node {Node} failed", productKey, node);
                return 0;
            }
        }));
        return counts.Sum();
    }

    public async Task<IReadOnlyList<KeyValuePair<string, long>>> SubscriptionsAsync(RemoteSession at, long deviceId, string productKey, string deviceName)
    {
        try { return [.. (await Node(at.Node).Subscriptions(deviceId, productKey, deviceName)).Select(s => KeyValuePair.Create(s.Filter, s.SinceMs))]; }
        catch (Exception e)
        {
            log.LogWarning(e, "Asking node {Node} for device {DeviceId}'s subscriptions failed", at.Node, deviceId);
            return [];
        }
    }

    public void Broadcast(long productId, string topic, byte[] payload)
    {
        foreach (var node in self.Others()) _ = Node(node).Broadcast(productId, topic, payload);
    }
}
