// One authenticated MQTT connection: the device on it, what it subscribed to, its upstream rate budget,
// and the sub-devices a gateway has logged in on it.
using System.Collections.Concurrent;
using MQTTnet.Server;
using Thingyard.Connectivity;
using Thingyard.Protocol.Devices;
using Thingyard.Protocol.Topics;

namespace Thingyard.Server.Connectivity;

public sealed class DeviceSession(string clientId, DeviceIdentity device, string? ip, ClientFeatures features = default)
{
    public const string ItemKey = "thingyard.session";
    static long s_connections = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() << 20;

    /// <summary>This connection among every connection this node has had (in a cluster, with the node's name, which
    /// connection a device's session grain points at).</summary>
    public long Connection { get; } = Interlocked.Increment(ref s_connections);

    public string ClientId { get; } = clientId;
    public DeviceIdentity Device { get; } = device;
    public string? Ip { get; } = ip;
    /// <summary>What the client id asked for: platform-side subscriptions (_ss) and the ext RRPC form.</summary>
    public ClientFeatures Features { get; } = features;
    /// <summary>The broker's session, for direct delivery without scanning every subscription in the broker.</summary>
    public MqttSessionStatus? Mqtt { get; set; }
    /// <summary>Sub-devices logged in through this gateway connection, keyed by (pk, dn).</summary>
    public ConcurrentDictionary<(string, string), DeviceIdentity> SubDevices => _subDevices ??= new();
    ConcurrentDictionary<(string, string), DeviceIdentity>? _subDevices;

    readonly Lock _gate = new();
    // Copy-on-write so IsSubscribed (every downlink) reads without the lock; Since is when it was made (UTC ms).
    (string Filter, long Since)[] _filters = [];
    long _windowStart;
    int _windowCount;

    /// <summary>The identity whose namespace a topic lies in, if this connection may use it.</summary>
    public DeviceIdentity? Owner(string topic)
    {
        if (TopicAcl.IsInNamespace(topic, Device.ProductKey, Device.DeviceName)) return Device;
        if (_subDevices is null) return null;
        foreach (var sub in _subDevices.Values)
            if (TopicAcl.IsInNamespace(topic, sub.ProductKey, sub.DeviceName)) return sub;
        return null;
    }

    public void Subscribed(string filter)
    {
        var since = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        lock (_gate) _filters = [.. _filters.Where(f => f.Filter != filter), (filter, since)];
    }

    public void Unsubscribed(string filter)
    {
        lock (_gate) _filters = _filters.Where(f => f.Filter != filter).ToArray();
    }

    public int SubscriptionCount => _filters.Length;

    public bool HasFilter(string filter) => Array.Exists(_filters, f => f.Filter == filter);

    /// <summary>The current subscriptions with the time (UTC ms) each was made (QueryDeviceSubTopic).</summary>
    /// <summary>What this connection subscribed for the device: everything when it is the device's own, the filters in the
    /// sub-device's namespace when it is its gateway's.</summary>
    public IReadOnlyList<KeyValuePair<string, long>> SubscriptionsOf(long deviceId, string productKey, string deviceName) =>
        Device.DeviceId == deviceId ? Subscriptions : [.. Subscriptions.Where(s => TopicAcl.IsInNamespace(s.Key, productKey, deviceName))];

    public IReadOnlyList<KeyValuePair<string, long>> Subscriptions => _filters.Select(f => KeyValuePair.Create(f.Filter, f.Since)).ToList();

    /// <summary>True when one of the client's subscriptions matches the topic (replies go only to subscribers), or the
    /// client asked the platform to subscribe it (_ss=1) and the topic is a system topic of its device or a logged-in
    /// sub-device.</summary>
    public bool IsSubscribed(string topic)
    {
        if (Features.AutoSubscribe && IsAutoSubscribed(topic)) return true;
        foreach (var (f, _) in _filters)
            if (MQTTnet.MqttTopicFilterComparer.Compare(topic, f) == MQTTnet.MqttTopicFilterCompareResult.IsMatch) return true;
        return false;
    }

    bool IsAutoSubscribed(string topic)
    {
        if (TopicAcl.IsAutoSubscribed(topic, Device.ProductKey, Device.DeviceName)) return true;
        if (_subDevices is null) return false;
        foreach (var sub in _subDevices.Values)
            if (TopicAcl.IsAutoSubscribed(topic, sub.ProductKey, sub.DeviceName)) return true;
        return false;
    }

    /// <summary>When the device last published (to the start of that second's window), or <paramref name="otherwise"/>
    /// when it never did: the "lastTime" of its offline message.</summary>
    public long LastActivityMs(long otherwise) => _windowStart > 0 ? _windowStart : otherwise;

    /// <summary>Fixed one-second window counter: false once the device is over its per-second budget.</summary>
    public bool TakeUplinkToken(long nowMs, int perSecond)
    {
        lock (_gate)
        {
            if (nowMs - _windowStart >= 1000) { _windowStart = nowMs; _windowCount = 0; }
            return ++_windowCount <= perSecond;
        }
    }
}
