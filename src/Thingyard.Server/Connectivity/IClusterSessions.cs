// Devices connected to other nodes of a cluster (Cluster/ClusterSessions); on a single node, SingleNode: nothing is
// anywhere else, and nothing here costs more than a field read.
namespace Thingyard.Server.Connectivity;

/// <summary>A device connected to another node: which one, and whether its client id asked for the ext RRPC form.</summary>
public sealed record RemoteSession(string Node, bool ExtRrpc);

public interface IClusterSessions
{
    bool Enabled { get; }

    /// <summary>This node's name in the cluster; null on a single node.</summary>
    string? Node { get; }

    /// <summary>The device is online on this connection here (its own, or its gateway's for a sub-device): the node that
    /// held it before closes that connection (or logs the sub-device out there).</summary>
    Task ClaimAsync(DeviceSession connection, long deviceId);

    /// <summary>The device left this connection: true when it was its current one cluster-wide (it goes offline).</summary>
    Task<bool> ReleaseAsync(DeviceSession connection, long deviceId);

    /// <summary>The node a device not connected here is connected to, if any.</summary>
    ValueTask<RemoteSession?> FindAsync(long deviceId);

    /// <summary>Sends through the node holding the device; with <paramref name="replyKey"/>, its answer comes back to this
    /// node's Downlink.</summary>
    Task<bool> SendAsync(RemoteSession at, long deviceId, string topic, byte[] payload, int qos, string? replyKey);

    /// <summary>Hands a device's answer to the node whose call is waiting for it.</summary>
    void ForwardReply(string node, long deviceId, string key, DeviceReply reply);

    /// <summary>The topic filters the device is subscribed to on the node holding it (QueryDeviceSubTopic).</summary>
    Task<IReadOnlyList<KeyValuePair<string, long>>> SubscriptionsAsync(RemoteSession at, long deviceId, string productKey, string deviceName);

    /// <summary>PubBroadcast on the other nodes.</summary>
    void Broadcast(long productId, string topic, byte[] payload);

    /// <summary>thing.config.push to the product's devices on the other nodes; how many got it.</summary>
    Task<int> PushConfigAsync(long productId, string productKey, Thingyard.RemoteConfig.ProductConfigFile file);
}

public sealed class SingleNode : IClusterSessions
{
    public bool Enabled => false;
    public string? Node => null;
    public Task ClaimAsync(DeviceSession connection, long deviceId) => Task.CompletedTask;
    public Task<bool> ReleaseAsync(DeviceSession connection, long deviceId) => Task.FromResult(true);
    public ValueTask<RemoteSession?> FindAsync(long deviceId) => ValueTask.FromResult<RemoteSession?>(null);
    public Task<bool> SendAsync(RemoteSession at, long deviceId, string topic, byte[] payload, int qos, string? replyKey) => Task.FromResult(false);
    public void ForwardReply(string node, long deviceId, string key, DeviceReply reply) { }
    public void Broadcast(long productId, string topic, byte[] payload) { }
    public Task<IReadOnlyList<KeyValuePair<string, long>>> SubscriptionsAsync(RemoteSession at, long deviceId, string productKey, string deviceName) =>
        Task.FromResult<IReadOnlyList<KeyValuePair<string, long>>>([]);
    public Task<int> PushConfigAsync(long productId, string productKey, Thingyard.RemoteConfig.ProductConfigFile file) => Task.FromResult(0);
}
