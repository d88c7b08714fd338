// One device publish as the handlers see it: who sent it, on which connection, the parsed topic and payload,
// and how to answer on the matching _reply topic.
using System.Buffers;
using System.Text.Json;
using Thingyard.Connectivity;
using Thingyard.Telemetry;
using Thingyard.Protocol.Alink;

namespace Thingyard.Server.Connectivity;

public sealed class Uplink(DeviceSession session, DeviceIdentity device, string topic, string[] levels, ReadOnlySequence<byte> payload, int qos, long nowMs)
{
    public DeviceSession Session { get; } = session;
    /// <summary>The device the topic belongs to: the connected device, or a sub-device of a gateway.</summary>
    public DeviceIdentity Device { get; } = device;
    public string Topic { get; } = topic;
    /// <summary>Topic levels; [0] is "" because topics start with '/'.</summary>
    public string[] Levels { get; } = levels;
    public ReadOnlySequence<byte> Payload { get; } = payload;
    public int Qos { get; } = qos;
    public long NowMs { get; } = nowMs;

    /// <summary>Telemetry to commit before a QoS 1 publish is acknowledged.</summary>
    public List<TelemetryEntry> Entries { get; } = [];

    /// <summary>The topic level the route's pattern names with {name} (an event identifier, an RRPC id, ...).</summary>
    public string? RouteArg { get; set; }

    /// <summary>The parsed Alink request, when the handler asked for one.</summary>
    public AlinkRequest? Request { get; set; }

    /// <summary>Where replies go instead of the _reply topic: a custom-format device's message decoded by its product's
    /// script gets them encoded back to bytes on up_raw_reply (Scripts/ScriptUplinks).</summary>
    public Action<byte[]>? ReplySink { get; init; }

    /// <summary>A custom topic's payload as the product's transformPayload script turned it into JSON (null when the
    /// product has no such script or it failed): what consumer groups and rules get instead of the raw payload.</summary>
    public string? TransformedPayload { get; set; }
}

/// <summary>Sends replies for the router and handlers.</summary>
public static class UplinkReplies
{
    /// <summary>A success is not sent when the request asked for no ack (sys.ack = 0), unless the reply is the answer
    /// itself (<paramref name="carriesAnswer"/>: thing.config.get, whose documented request sets ack 0).</summary>
    public static void Reply(this Uplink u, Downlink downlink, int code, Action<Utf8JsonWriter>? data = null, string? message = null,
        string? replyTopic = null, bool carriesAnswer = false)
    {
        if (u.Request is { WantsReply: false } && code == AlinkCodes.Ok && !carriesAnswer) return;
        var payload = AlinkReply.Write(u.Request?.Id, code, u.Request?.Method, data, message);
        if (u.ReplySink is { } sink) { sink(payload); return; }
        downlink.Send(u.Session, u.Device.DeviceId, replyTopic ?? u.Topic + "_reply", payload);
    }
}
