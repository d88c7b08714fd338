// An upstream Alink JSON request: {"id","version","sys":{"ack"},"params","method"}. The id is echoed verbatim, whatever its form.
using System.Buffers;
using System.Text.Json;

namespace Thingyard.Protocol.Alink;

public sealed class AlinkRequest : IDisposable
{
    readonly JsonDocument _doc;

    AlinkRequest(JsonDocument doc, JsonElement? id, string? method, JsonElement parameters, bool wantsReply)
    {
        _doc = doc;
        Id = id;
        Method = method;
        Params = parameters;
        WantsReply = wantsReply;
    }

    /// <summary>The raw id element (string or number) so the reply carries it exactly as sent.</summary>
    public JsonElement? Id { get; }
    /// <summary>The id as text (a number's digits, a string's value); null when the request has none.</summary>
    public string? IdText => Id is { } id ? id.ValueKind == JsonValueKind.String ? id.GetString() : id.GetRawText() : null;
    public string? Method { get; }
    /// <summary>The params element; Undefined when absent.</summary>
    public JsonElement Params { get; }
    /// <summary>sys.ack = 0 asks for no reply; without sys the platform replies.</summary>
    public bool WantsReply { get; }
    public JsonElement Root => _doc.RootElement;

    /// <summary>Parses a payload; null with a reason when it is not a JSON object.</summary>
    public static AlinkRequest? TryParse(ReadOnlySequence<byte> payload, out string? error)
    {
        error = null;
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(payload, new JsonDocumentOptions { MaxDepth = 32 });
        }
        catch (JsonException e)
        {
            error = $"payload is not JSON: {e.Message}";
            return null;
        }
        // JsonDocument defers checking the UTF-8 inside strings to GetString(), so a handler would throw halfway through.
        if (!Utf8Payload.IsValid(payload))
        {
            doc.Dispose();
            error = "payload is not valid UTF-8";
            return null;
        }
        var root = doc.RootElement;
        if (root.ValueKind != JsonValueKind.Object)
        {
            doc.Dispose();
            error = "payload must be a JSON object";
            return null;
        }
        JsonElement? id = root.TryGetProperty("id", out var i) && i.ValueKind is JsonValueKind.String or JsonValueKind.Number ? i : null;
        var method = root.TryGetProperty("method", out var m) && m.ValueKind == JsonValueKind.String ? m.GetString() : null;
        var parameters = root.TryGetProperty("params", out var p) ? p : default;
        var ack = !(root.TryGetProperty("sys", out var sys) && sys.ValueKind == JsonValueKind.Object
                    && sys.TryGetProperty("ack", out var a) && a.ValueKind == JsonValueKind.Number && a.TryGetInt32(out var n) && n == 0);
        return new AlinkRequest(doc, id, method, parameters, ack);
    }

    public void Dispose() => _doc.Dispose();
}
