// What a virtual device answers, per service identifier (or "property.set"): a code, a message, a delay and the output
// parameters. Parsed once when saved (bad JSON is refused then) and again when a running device picks it up.
using System.Text.Json;
using Thingyard.Common;

namespace Thingyard.Lifecycle;

/// <summary>One configured answer. Output is raw JSON (an object) or null for generated output parameters.</summary>
public sealed record VirtualReply(int Code, string? Message, int DelayMs, string? OutputJson)
{
    public const int Ok = 200;
    public static readonly VirtualReply Default = new(Ok, null, 0, null);
}

public static class VirtualReplies
{
    /// <summary>The key of the answer to property sets.</summary>
    public const string PropertySet = "property.set";
    /// <summary>Kept under the sync call timeout's range so a configured delay stays a test of the caller, not a hang.</summary>
    public const int MaxDelayMs = 60_000;
    public const int MaxJsonLength = 64 * 1024;

    /// <summary>The answers in <paramref name="json"/> (null or empty: none), or InvalidParameter naming what is wrong.</summary>
    public static IReadOnlyDictionary<string, VirtualReply> Parse(string? json)
    {
        var replies = new Dictionary<string, VirtualReply>(StringComparer.Ordinal);
        if (string.IsNullOrWhiteSpace(json)) return replies;
        if (json.Length > MaxJsonLength) throw IotException.Invalid($"Replies is longer than {MaxJsonLength} characters.");
        JsonDocument doc;
        try { doc = JsonDocument.Parse(json); }
        catch (JsonException e) { throw IotException.Invalid($"Replies is not valid JSON: {e.Message}"); }
        using (doc)
        {
            if (doc.RootElement.ValueKind != JsonValueKind.Object)
                throw IotException.Invalid("Replies must be a JSON object: {\"<serviceId or property.set>\": {\"code\":200,\"message\":\"...\",\"delayMs\":0,\"output\":{}}}.");
            foreach (var entry in doc.RootElement.EnumerateObject())
                replies[entry.Name] = One(entry.Name, entry.Value);
        }
        return replies;
    }

    /// <summary>The answer for <paramref name="identifier"/>: the configured one, else code 200 with generated output.</summary>
    public static VirtualReply For(IReadOnlyDictionary<string, VirtualReply> replies, string identifier) =>
        replies.TryGetValue(identifier, out var reply) ? reply : VirtualReply.Default;

    static VirtualReply One(string name, JsonElement v)
    {
        if (v.ValueKind != JsonValueKind.Object) throw IotException.Invalid($"Replies.{name} must be an object with code, message, delayMs and output.");
        var code = VirtualReply.Ok;
        string? message = null, output = null;
        var delay = 0;
        foreach (var p in v.EnumerateObject())
        {
            switch (p.Name)
            {
                case "code" when p.Value.ValueKind == JsonValueKind.Number && p.Value.TryGetInt32(out var c): code = c; break;
                case "message" when p.Value.ValueKind is JsonValueKind.String or JsonValueKind.Null: message = p.Value.GetString(); break;
                case "delayMs" when p.Value.ValueKind == JsonValueKind.Number && p.Value.TryGetInt32(out var d) && d is >= 0 and <= MaxDelayMs: delay = d; break;
                case "output" when p.Value.ValueKind == JsonValueKind.Object: output = p.Value.GetRawText(); break;
                case "output" when p.Value.ValueKind == JsonValueKind.Null: break;
                case "code": throw IotException.Invalid($"Replies.{name}.code must be an integer.");
                case "message": throw IotException.Invalid($"Replies.{name}.message must be a string.");
                case "delayMs": throw IotException.Invalid($"Replies.{name}.delayMs must be an integer from 0 to {MaxDelayMs}.");
                case "output": throw IotException.Invalid($"Replies.{name}.output must be an object of output parameters.");
                default: throw IotException.Invalid($"Replies.{name}.{p.Name} is not known; use code, message, delayMs and output.");
            }
        }
        return new VirtualReply(code, message, delay, output);
    }
}
