// One message as the rules engine's SQL sees it: its topic (and levels for topic(n)), its JSON payload, and what the
// built-in functions report (deviceName(), productKey(), messageId(), timestamp()). The engine builds one for every
// message of a watched product, and most rules read little of it: the payload is parsed, the levels split and the
// message id drawn only when something asks for them.
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Thingyard.Rules.Sql;

public sealed class SqlMessage
{
    public const int MaxDepth = 64;

    ReadOnlyMemory<byte> _json;
    JsonNode? _payload;
    bool _parsed;
    string[]? _levels;
    Func<string>? _newMessageId;
    string? _messageId;

    public SqlMessage(string topic, JsonNode? payload, string productKey, string deviceName, string messageId, long timeMs)
        : this(topic, productKey, deviceName, timeMs)
    {
        (_payload, _parsed, _messageId) = (payload, true, messageId);
    }

    /// <summary>A message whose payload is parsed when first read; <paramref name="json"/> must be JSON (IsJson).</summary>
    public SqlMessage(string topic, ReadOnlyMemory<byte> json, string productKey, string deviceName, Func<string> messageId, long timeMs)
        : this(topic, productKey, deviceName, timeMs)
    {
        (_json, _newMessageId) = (json, messageId);
    }

    SqlMessage(string topic, string productKey, string deviceName, long timeMs) => (Topic, ProductKey, DeviceName, TimeMs) = (topic, productKey, deviceName, timeMs);

    public string Topic { get; }
    /// <summary>Topic levels without the leading empty one: topic(1) is Levels[0].</summary>
    public string[] Levels => _levels ??= Topic.TrimStart('/').Split('/');
    public JsonNode? Payload
    {
        get
        {
            if (_parsed) return _payload;
            _payload = JsonNode.Parse(_json.Span, documentOptions: new JsonDocumentOptions { MaxDepth = MaxDepth });
            _parsed = true;
            return _payload;
        }
    }
    public string ProductKey { get; }
    public string DeviceName { get; }
    public string MessageId => _messageId ??= _newMessageId!();
    /// <summary>When the platform received it (Unix ms): what timestamp() returns.</summary>
    public long TimeMs { get; }
    public TimeZoneInfo TimeZone { get; init; } = TimeZoneInfo.Local;

    /// <summary>Whether <paramref name="utf8"/> is one JSON value (nesting at most MaxDepth), read without building it.</summary>
    public static bool IsJson(ReadOnlySpan<byte> utf8)
    {
        var reader = new Utf8JsonReader(utf8, new JsonReaderOptions { MaxDepth = MaxDepth });
        try
        {
            while (reader.Read()) { }
            return reader.BytesConsumed > 0;
        }
        catch (JsonException) { return false; }
    }
}
