// One unit of work for the telemetry writer: a property value, an event, a service call or reply, a status change, or
// a message for a consumer group's backlog (so a forwarded message is stored in the same commit as its telemetry), or
// the signal that clients accepted backlog messages (TelemetryPipeline.Accept), which the same single writer deletes
// (SQLite has one).
using Thingyard.Subscriptions;

namespace Thingyard.Telemetry;

public enum TelemetryKind : byte { Property, Event, ServiceCall, ServiceReply, Online, Offline, Forward, Accepted }

public sealed class TelemetryEntry
{
    public TelemetryKind Kind { get; init; }
    public long DeviceId { get; init; }
    /// <summary>Property, event or service identifier; the IP for Online.</summary>
    public string? Identifier { get; init; }
    public long TimeMs { get; init; }
    /// <summary>Value, event output, service input or service output as compact JSON.</summary>
    public string? Json { get; init; }
    /// <summary>Event type, or the Alink message id of a service call or reply.</summary>
    public string? Extra { get; init; }
    public int Code { get; init; }
    /// <summary>The backlog row of a Forward entry.</summary>
    public BacklogMessage? Message { get; init; }
    /// <summary>Completed once the batch holding this entry is committed (QoS 1 acknowledges after it).</summary>
    public TaskCompletionSource? Durable { get; set; }

    public static TelemetryEntry Property(long deviceId, string identifier, long timeMs, string json) =>
        new() { Kind = TelemetryKind.Property, DeviceId = deviceId, Identifier = identifier, TimeMs = timeMs, Json = json };

    public static TelemetryEntry Event(long deviceId, string identifier, string eventType, long timeMs, string json) =>
        new() { Kind = TelemetryKind.Event, DeviceId = deviceId, Identifier = identifier, Extra = eventType, TimeMs = timeMs, Json = json };

    public static TelemetryEntry ServiceCall(long deviceId, string identifier, string messageId, long timeMs, string input) =>
        new() { Kind = TelemetryKind.ServiceCall, DeviceId = deviceId, Identifier = identifier, Extra = messageId, TimeMs = timeMs, Json = input };

    public static TelemetryEntry ServiceReply(long deviceId, string messageId, int code, string output) =>
        new() { Kind = TelemetryKind.ServiceReply, DeviceId = deviceId, Extra = messageId, Code = code, Json = output };

    /// <summary><paramref name="node"/>: the cluster node holding the connection (null on a single node).</summary>
    public static TelemetryEntry Online(long deviceId, long timeMs, string? ip, string? node = null) =>
        new() { Kind = TelemetryKind.Online, DeviceId = deviceId, TimeMs = timeMs, Identifier = ip, Extra = node };

    public static TelemetryEntry Forward(BacklogMessage message) =>
        new() { Kind = TelemetryKind.Forward, DeviceId = message.DeviceId, TimeMs = message.GenerateTimeMs, Message = message };

    /// <summary>Wakes an idle writer: accepted backlog messages wait to be deleted (one for any number of them).</summary>
    public static readonly TelemetryEntry Accepted = new() { Kind = TelemetryKind.Accepted };

    public static TelemetryEntry Offline(long deviceId, long timeMs) =>
        new() { Kind = TelemetryKind.Offline, DeviceId = deviceId, TimeMs = timeMs };
}
