// Cloud-to-device delivery: straight into the device connection's queue (no broker-wide subscription scan),
// and correlation of Alink/RRPC replies with the calls that are waiting for them.
using System.Buffers;
using System.Collections.Concurrent;
using System.Text.Json;
using MQTTnet;
using MQTTnet.Protocol;

namespace Thingyard.Server.Connectivity;

/// <summary>A device's answer to a downstream call (it crosses nodes in a cluster when the call was made on another).</summary>
[GenerateSerializer, Immutable]
public sealed record DeviceReply([property: Id(0)] int Code, [property: Id(1)] string? DataJson, [property: Id(2)] string? Message,
    [property: Id(3)] byte[] RawPayload);

/// <summary>Where a device's messages go: a connection here, or the node of a cluster that holds it.</summary>
public readonly record struct DeviceRoute(DeviceSession? Local, RemoteSession? Remote)
{
    public bool ExtRrpc => Local?.Features.ExtRrpc ?? Remote!.ExtRrpc;
}

public sealed class Downlink(DeviceSessions sessions, MessageTap tap, IClusterSessions cluster)
{
    // Calls made on another node through this one: who waits for the device's answer to (device, key).
    readonly ConcurrentDictionary<(long DeviceId, string Key), string> _remoteWaits = new();

    long _nextId = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() % 1_000_000_000;
    readonly ConcurrentDictionary<(long DeviceId, string Id), TaskCompletionSource<DeviceReply>> _pending = new();

    /// <summary>A fresh Alink id: numeric string, unique per device (and process) for far more than a day.</summary>
    public string NextId() => Interlocked.Increment(ref _nextId).ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Delivers to the connection carrying the device. Replies and pushes go only to a client subscribed to the topic
    /// unless <paramref name="evenUnsubscribed"/> (registration results, which devices never subscribe to).</summary>
    public bool Send(DeviceSession session, long deviceId, string topic, byte[] payload, int qos = 0, bool evenUnsubscribed = false)
    {
        if (!evenUnsubscribed && !session.IsSubscribed(topic)) return false;
        if (session.Mqtt is not { } mqtt) return false;
        var message = new MqttApplicationMessage
        {
            Topic = topic,
            Payload = new ReadOnlySequence<byte>(payload),
            QualityOfServiceLevel = qos >= 1 ? MqttQualityOfServiceLevel.AtLeastOnce : MqttQualityOfServiceLevel.AtMostOnce,
        };
        if (!mqtt.TryEnqueueApplicationMessage(message, out _)) return false;
        tap.Down(deviceId, topic, payload);
        return true;
    }

    /// <summary>Sends to a device wherever it is connected here (own connection or its gateway's).</summary>
    public bool SendToDevice(long deviceId, string topic, byte[] payload, int qos = 0)
    {
        var session = sessions.Route(deviceId);
        return session is not null && Send(session, deviceId, topic, payload, qos);
    }

    /// <summary>Sends to a device wherever it is connected: here, or (in a cluster) through the node holding it;
    /// <paramref name="replyKey"/> names a reply this node waits for (ExpectReply), which that node sends back.</summary>
    public async ValueTask<bool> SendToDeviceAsync(long deviceId, string topic, byte[] payload, int qos = 0, string? replyKey = null)
    {
        if (sessions.Route(deviceId) is { } session) return Send(session, deviceId, topic, payload, qos);
        if (!cluster.Enabled || await cluster.FindAsync(deviceId) is not { } remote) return false;
        return await cluster.SendAsync(remote, deviceId, topic, payload, qos, replyKey);
    }

    /// <summary>The device's route: its connection here, the node holding it, or null when it is offline.</summary>
    public async ValueTask<DeviceRoute?> FindAsync(long deviceId)
    {
        if (sessions.Route(deviceId) is { } session) return new DeviceRoute(session, null);
        if (cluster.Enabled && await cluster.FindAsync(deviceId) is { } remote) return new DeviceRoute(null, remote);
        return null;
    }

    /// <summary>A send asked by <paramref name="node"/> for a device here, whose answer that node waits for.</summary>
    public void ExpectRemoteReply(long deviceId, string key, string node, TimeSpan timeout)
    {
        _remoteWaits[(deviceId, key)] = node;
        _ = Task.Delay(timeout).ContinueWith(_ => _remoteWaits.TryRemove(KeyValuePair.Create((deviceId, key), node)), TaskScheduler.Default);
    }

    /// <summary>Registers interest in the reply to message <paramref name="id"/> before the request goes out.</summary>
    public Task<DeviceReply> ExpectReply(long deviceId, string id, TimeSpan timeout)
    {
        var tcs = new TaskCompletionSource<DeviceReply>(TaskCreationOptions.RunContinuationsAsynchronously);
        _pending[(deviceId, id)] = tcs;
        var cts = new CancellationTokenSource(timeout);
        cts.Token.Register(() =>
        {
            if (_pending.TryRemove(KeyValuePair.Create((deviceId, id), tcs))) tcs.TrySetException(new TimeoutException());
            cts.Dispose();
        });
        return tcs.Task;
    }

    public void Forget(long deviceId, string id) => _pending.TryRemove((deviceId, id), out _);

    /// <summary>Hands a reply to the waiting call, if any; false when nobody waits (async call or late reply).</summary>
    public bool Complete(long deviceId, string id, DeviceReply reply)
    {
        if (_pending.TryRemove((deviceId, id), out var tcs)) return tcs.TrySetResult(reply);
        if (_remoteWaits.IsEmpty || !_remoteWaits.TryRemove((deviceId, id), out var node)) return false;
        cluster.ForwardReply(node, deviceId, id, reply);
        return true;
    }

    /// <summary>Reads {code, data, message} from an Alink reply payload.</summary>
    public static DeviceReply ParseReply(JsonElement root, byte[] raw)
    {
        var code = root.TryGetProperty("code", out var c) && c.ValueKind == JsonValueKind.Number && c.TryGetInt32(out var n) ? n : 200;
        var data = root.TryGetProperty("data", out var d) ? d.GetRawText() : null;
        var message = root.TryGetProperty("message", out var m) && m.ValueKind == JsonValueKind.String ? m.GetString() : null;
        return new DeviceReply(code, data, message, raw);
    }
}
