// This node as the others see it: what NodeGrain hands over (sends to devices connected here, take-overs, answers to
// calls made here, changes, broadcasts), and what it does when the membership changes: when a node dies, the devices
// connected here are claimed again (their session grains may have lived on it) and the leader sets the dead node's
// devices that have not reconnected elsewhere OFFLINE.
using Microsoft.EntityFrameworkCore;
using Thingyard.Registry;
using Thingyard.Server.Connectivity;
using Thingyard.Server.Settings;
using Thingyard.Storage;

namespace Thingyard.Server.Cluster;

public sealed class ClusterNode(DeviceSessions sessions, Downlink downlink, BrokerHooks hooks, ClusterRelay relay, IClusterSessions cluster,
    MqttOptions mqtt, IDbContextFactory<ThingyardDb> dbs, ILogger<ClusterNode> log)
{
    long _forwardedIn;

    /// <summary>Messages sent here on behalf of other nodes.</summary>
    public long ForwardedIn => Interlocked.Read(ref _forwardedIn);

    public int DeviceCount => sessions.Count;

    public TopicSubscription[] Subscriptions(long deviceId, string productKey, string deviceName) =>
        sessions.Route(deviceId) is { } s ? [.. s.SubscriptionsOf(deviceId, productKey, deviceName).Select(x => new TopicSubscription(x.Key, x.Value))] : [];

    public bool Send(long deviceId, string topic, byte[] payload, int qos, string? replyKey, string? replyTo)
    {
        if (sessions.Route(deviceId) is not { } session) return false;
        // Registered before the send: the device may answer before Send returns.
        if (replyKey is not null && replyTo is not null)
            downlink.ExpectRemoteReply(deviceId, replyKey, replyTo, TimeSpan.FromMilliseconds(mqtt.SyncCallTimeoutMs + 1000));
        var sent = downlink.Send(session, deviceId, topic, payload, qos);
        if (sent) Interlocked.Increment(ref _forwardedIn);
        return sent;
    }

    public Task DropAsync(long deviceId, long connection) => hooks.TakenOverAsync(deviceId, connection);

    public void Reply(long deviceId, string key, DeviceReply reply) => downlink.Complete(deviceId, key, reply);

    public void Apply(ClusterChange change) => relay.Apply(change);

    public void BroadcastHere(long productId, string topic, byte[] payload)
    {
        foreach (var s in sessions.All)
            if (s.Device.ProductId == productId) downlink.Send(s, s.Device.DeviceId, topic, payload);
    }

    /// <summary>Claims every device connected here again, a few at a time.</summary>
    public async Task ReclaimAllAsync()
    {
        var all = sessions.All.ToList();
        await Parallel.ForEachAsync(all, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (s, _) =>
        {
            await cluster.ClaimAsync(s, s.Device.DeviceId);
            foreach (var sub in s.SubDevices.Values) await cluster.ClaimAsync(s, sub.DeviceId);
        });
        if (all.Count > 0) log.LogInformation("Claimed the sessions of {Count} devices connected here again after a node left", all.Count);
    }

    /// <summary>Devices the dead node held and that have not connected again elsewhere go OFFLINE.</summary>
    public async Task SetOfflineAsync(string deadNode, CancellationToken ct)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        var count = await db.Devices.Where(d => d.Status == DeviceStatus.Online && d.ConnectedNode == deadNode)
            .ExecuteUpdateAsync(s => s.SetProperty(d => d.Status, DeviceStatus.Offline), ct);
        if (count > 0) log.LogWarning("Node {Node} left the cluster: {Count} of its devices that have not reconnected are OFFLINE", deadNode, count);
    }
}
