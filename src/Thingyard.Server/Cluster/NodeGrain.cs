// A node as the other nodes call it: one grain per node, placed on that node (NodePlacement), handing each call to the
// node's ClusterNode.
using Orleans.Concurrency;
using Thingyard.Server.Connectivity;

namespace Thingyard.Server.Cluster;

[Alias("Thingyard.INodeGrain")]
public interface INodeGrain : IGrainWithStringKey
{
    /// <summary>Sends to a device connected here; <paramref name="replyKey"/>: the caller on <paramref name="replyTo"/>
    /// waits for the device's answer to it.</summary>
    [Alias("Send")]
    Task<bool> Send(long deviceId, string topic, byte[] payload, int qos, string? replyKey, string? replyTo);

    /// <summary>Closes the device's connection (a connection of the same device to another node took it over).</summary>
    [Alias("Drop"), OneWay]
    Task Drop(long deviceId, long connection);

    /// <summary>A device's answer to a call made from this node through another.</summary>
    [Alias("Reply"), OneWay]
    Task Reply(long deviceId, string key, DeviceReply reply);

    /// <summary>A change made on another node; answered once applied here (the caller's response may wait for it).</summary>
    [Alias("Changed")]
    Task Changed(ClusterChange change);

    /// <summary>Sends to every device of the product connected here and subscribed to the topic.</summary>
    [Alias("Broadcast"), OneWay]
    Task Broadcast(long productId, string topic, byte[] payload);

    /// <summary>thing.config.push to the product's devices connected here; how many got it.</summary>
    [Alias("PushConfig")]
    Task<int> PushConfig(long productId, string productKey, string configId, int size, string sha256);

    /// <summary>The topic filters a device connected here is subscribed to.</summary>
    [Alias("Subscriptions")]
    Task<TopicSubscription[]> Subscriptions(long deviceId, string productKey, string deviceName);

    /// <summary>Devices connected here.</summary>
    [Alias("Devices")]
    Task<int> Devices();
}

[NodePlacement]
public sealed class NodeGrain(ClusterNode node, RemoteConfig.ConfigDelivery configs) : Grain, INodeGrain
{
    public Task<int> PushConfig(long productId, string productKey, string configId, int size, string sha256) =>
        Task.FromResult(configs.PushHere(productId, productKey, new Thingyard.RemoteConfig.ProductConfigFile { ConfigId = configId, Size = size, Sha256 = sha256 }));

    public Task<bool> Send(long deviceId, string topic, byte[] payload, int qos, string? replyKey, string? replyTo) =>
        Task.FromResult(node.Send(deviceId, topic, payload, qos, replyKey, replyTo));

    public Task Drop(long deviceId, long connection) => node.DropAsync(deviceId, connection);

    public Task Reply(long deviceId, string key, DeviceReply reply)
    {
        node.Reply(deviceId, key, reply);
        return Task.CompletedTask;
    }

    public Task Changed(ClusterChange change)
    {
        node.Apply(change);
        return Task.CompletedTask;
    }

    public Task Broadcast(long productId, string topic, byte[] payload)
    {
        node.BroadcastHere(productId, topic, payload);
        return Task.CompletedTask;
    }

    public Task<int> Devices() => Task.FromResult(node.DeviceCount);

    public Task<TopicSubscription[]> Subscriptions(long deviceId, string productKey, string deviceName) =>
        Task.FromResult(node.Subscriptions(deviceId, productKey, deviceName));
}
