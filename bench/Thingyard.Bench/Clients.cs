// The load generator's active clients: a publisher that keeps a window of property posts in flight and counts what
// comes back, a device that answers RRPC ping requests, and a requester that plays the cloud side for Mosquitto.
using System.Buffers.Text;
using System.Collections.Concurrent;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;

namespace Thingyard.Bench;

/// <summary>Publishes Alink property posts with at most <c>window</c> unfinished; a post is finished when its echo arrives
/// (Thingyard: the post_reply; Mosquitto: the relayed message) and, at QoS 1, its PUBACK too.</summary>
public sealed class UpstreamClient : MqttSession
{
    static readonly byte[] Prefix = "{\"id\":\""u8.ToArray();
    static readonly byte[] Suffix = "\",\"version\":\"1.0\",\"params\":{\"temperature\":21.5},\"method\":\"thing.event.property.post\"}"u8.ToArray();
    static readonly byte[] Ok = "\"code\":200"u8.ToArray();

    readonly byte[] _topic;
    readonly int _qos;
    readonly int _window;
    readonly bool _checkCode;
    long _sent, _echoes, _okEchoes, _pubAcks;
    long _nextId;
    volatile bool _stop;

    public DeviceCred Device { get; }

    public UpstreamClient(Socket socket, DeviceCred device, int qos, int window, bool checkCode) : base(socket)
    {
        Device = device;
        _topic = Encoding.UTF8.GetBytes(device.Sys("thing/event/property/post"));
        _qos = qos;
        _window = window;
        _checkCode = checkCode;
    }

    public long Sent => Volatile.Read(ref _sent);
    public long Echoes => Volatile.Read(ref _echoes);
    /// <summary>Echoes that say code 200 (Thingyard) or any echo (Mosquitto relays the post itself).</summary>
    public long OkEchoes => Volatile.Read(ref _okEchoes);
    public long PubAcks => Volatile.Read(ref _pubAcks);
    public long Completed => _qos == 0 ? Echoes : Math.Min(Echoes, PubAcks);
    public long Outstanding => Sent - Completed;

    public void StopSending() => _stop = true;

    /// <summary>Queues posts up to the window (and sends them before the receive loop starts).</summary>
    public async Task StartAsync(CancellationToken ct)
    {
        Fill();
        await FlushAsync(ct);
    }

    void Fill()
    {
        if (_stop) return;
        Span<byte> payload = stackalloc byte[Prefix.Length + 20 + Suffix.Length];
        for (var n = _window - Outstanding; n > 0; n--)
        {
            Prefix.CopyTo(payload);
            Utf8Formatter.TryFormat(++_nextId, payload[Prefix.Length..], out var digits);
            Suffix.CopyTo(payload[(Prefix.Length + digits)..]);
            var length = Prefix.Length + digits + Suffix.Length;
            var dst = Reserve(Mqtt.MaxPublishSize(_topic.Length, length));
            Commit(Mqtt.WritePublish(dst, _topic, payload[..length], _qos, _qos > 0 ? NextPacketId() : (ushort)0));
            _sent++;
        }
    }

    protected override void OnPacket(byte header, ReadOnlySpan<byte> body)
    {
        switch (header & 0xF0)
        {
            case Mqtt.Publish:
                Mqtt.ReadPublish((byte)(header & 0x0F), body, out _, out var id, out var payload);
                if ((header & 0x06) != 0) Mqtt.WritePubAck(Reserve(4), id);
                if ((header & 0x06) != 0) Commit(4);
                _echoes++;
                if (!_checkCode || payload.IndexOf(Ok) >= 0) _okEchoes++;
                break;
            case Mqtt.PubAck:
                _pubAcks++;
                break;
        }
    }

    protected override bool AfterChunk()
    {
        Fill();
        return !(_stop && Outstanding <= 0);
    }
}

/// <summary>A device answering sync service calls: /sys/pk/dn/rrpc/request/{id} → /sys/pk/dn/rrpc/response/{id}
/// with {"id":&lt;same&gt;,"code":200,"data":{"echo":n}}.</summary>
public sealed class RrpcResponder : MqttSession
{
    readonly byte[] _responsePrefix;
    long _answered;

    public DeviceCred Device { get; }
    public long Answered => Volatile.Read(ref _answered);

    public RrpcResponder(Socket socket, DeviceCred device) : base(socket)
    {
        Device = device;
        _responsePrefix = Encoding.UTF8.GetBytes(device.Sys("rrpc/response/"));
    }

    public string RequestFilter => Device.Sys("rrpc/request/+");

    protected override void OnPacket(byte header, ReadOnlySpan<byte> body)
    {
        if ((header & 0xF0) != Mqtt.Publish) return;
        Mqtt.ReadPublish((byte)(header & 0x0F), body, out var topic, out var packetId, out var payload);
        if ((header & 0x06) != 0) { Mqtt.WritePubAck(Reserve(4), packetId); Commit(4); }
        var slash = topic.LastIndexOf((byte)'/');
        var messageId = topic[(slash + 1)..];

        // The Alink id (string or number, echoed as sent) and params.n.
        var reader = new Utf8JsonReader(payload);
        ReadOnlySpan<byte> idRaw = default;
        var idIsString = false;
        long n = 0;
        var depth = 0;
        var inParams = false;
        try
        {
            while (reader.Read())
            {
                switch (reader.TokenType)
                {
                    case JsonTokenType.StartObject or JsonTokenType.StartArray: depth++; break;
                    case JsonTokenType.EndObject or JsonTokenType.EndArray:
                        depth--;
                        if (depth == 1) inParams = false;
                        break;
                    case JsonTokenType.PropertyName when depth == 1 && reader.ValueTextEquals("id"u8):
                        reader.Read();
                        idIsString = reader.TokenType == JsonTokenType.String;
                        idRaw = reader.ValueSpan;
                        break;
                    case JsonTokenType.PropertyName when depth == 1 && reader.ValueTextEquals("params"u8):
                        inParams = true;
                        break;
                    case JsonTokenType.PropertyName when depth == 2 && inParams && reader.ValueTextEquals("n"u8):
                        reader.Read();
                        if (reader.TokenType == JsonTokenType.Number) reader.TryGetInt64(out n);
                        break;
                }
            }
        }
        catch (JsonException) { }

        Span<byte> response = stackalloc byte[128 + idRaw.Length];
        var w = 0;
        w += Put(response, w, "{\"id\":"u8);
        if (idIsString) response[w++] = (byte)'"';
        idRaw.CopyTo(response[w..]); w += idRaw.Length;
        if (idIsString) response[w++] = (byte)'"';
        w += Put(response, w, ",\"code\":200,\"data\":{\"echo\":"u8);
        Utf8Formatter.TryFormat(n, response[w..], out var digits); w += digits;
        w += Put(response, w, "}}"u8);

        Span<byte> responseTopic = stackalloc byte[_responsePrefix.Length + messageId.Length];
        _responsePrefix.CopyTo(responseTopic);
        messageId.CopyTo(responseTopic[_responsePrefix.Length..]);
        var dst = Reserve(Mqtt.MaxPublishSize(responseTopic.Length, w));
        Commit(Mqtt.WritePublish(dst, responseTopic, response[..w], 0, 0));
        _answered++;
    }

    static int Put(Span<byte> dst, int at, ReadOnlySpan<byte> bytes)
    {
        bytes.CopyTo(dst[at..]);
        return bytes.Length;
    }
}

/// <summary>The cloud side of a request/response through Mosquitto: publishes to a device's request topic and waits
/// for its response topic (subscribed with a wildcard).</summary>
public sealed class RrpcRequester(Socket socket) : MqttSession(socket)
{
    readonly ConcurrentDictionary<long, TaskCompletionSource> _pending = new();

    public const string ResponseFilter = "/sys/+/+/rrpc/response/+";

    public async Task CallAsync(DeviceCred device, long id, int n, TimeSpan timeout, CancellationToken ct)
    {
        var tcs = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _pending[id] = tcs;
        var topic = Encoding.UTF8.GetBytes(device.Sys($"rrpc/request/{id}"));
        var payload = Encoding.UTF8.GetBytes($$"""{"id":"{{id}}","version":"1.0","params":{"n":{{n}}},"method":"thing.service.ping"}""");
        var packet = new byte[Mqtt.MaxPublishSize(topic.Length, payload.Length)];
        var length = Mqtt.WritePublish(packet, topic, payload, 0, 0);
        try
        {
            await SendDirectAsync(packet.AsMemory(0, length), ct);
            await tcs.Task.WaitAsync(timeout, ct);
        }
        finally { _pending.TryRemove(id, out _); }
    }

    protected override void OnPacket(byte header, ReadOnlySpan<byte> body)
    {
        if ((header & 0xF0) != Mqtt.Publish) return;
        Mqtt.ReadPublish((byte)(header & 0x0F), body, out var topic, out _, out _);
        var slash = topic.LastIndexOf((byte)'/');
        if (Utf8Parser.TryParse(topic[(slash + 1)..], out long id, out _) && _pending.TryRemove(id, out var tcs)) tcs.TrySetResult();
    }
}
