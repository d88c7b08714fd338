// One message as the rules engine's SQL sees it: its topic (and levels for topic(n)), its JSON payload, and what the
// built-in functions report (deviceName(), productKey(), messageId(), timestamp()).
using System.Text.Json.Nodes;

namespace Thingyard.Rules.Sql;

public sealed class SqlMessage(string topic, JsonNode? payload, string productKey, string deviceName, string messageId, long timeMs)
{
    public string Topic { get; } = topic;
    /// <summary>Topic levels without the leading empty one: topic(1) is Levels[0].</summary>
    public string[] Levels { get; } = topic.TrimStart('/').Split('/');
    public JsonNode? Payload { get; } = payload;
    public string ProductKey { get; } = productKey;
    public string DeviceName { get; } = deviceName;
    public string MessageId { get; } = messageId;
    /// <summary>When the platform received it (Unix ms): what timestamp() returns.</summary>
    public long TimeMs { get; } = timeMs;
    public TimeZoneInfo TimeZone { get; init; } = TimeZoneInfo.Local;
}
