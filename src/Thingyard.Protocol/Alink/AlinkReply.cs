// Writes Alink replies and downstream requests. Replies always carry id, code, data and message (the Python SDK indexes them).
using System.Buffers;
using System.Text.Json;

namespace Thingyard.Protocol.Alink;

public static class AlinkReply
{
    public static byte[] Write(JsonElement? id, int code, string? method, Action<Utf8JsonWriter>? data, string? message = null)
    {
        var buffer = new ArrayBufferWriter<byte>(128);
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WritePropertyName("id");
            if (id is { } i) i.WriteTo(w); else w.WriteStringValue("");
            w.WriteNumber("code", code);
            w.WritePropertyName("data");
            if (data is null) { w.WriteStartObject(); w.WriteEndObject(); }
            else data(w);
            w.WriteString("message", message ?? (code == AlinkCodes.Ok ? "success" : "error"));
            w.WriteString("version", "1.0");
            if (method is not null) w.WriteString("method", method);
            w.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>A downstream request: {"id","version","params","method"}.</summary>
    public static byte[] Request(string id, string method, Action<Utf8JsonWriter> parameters)
    {
        var buffer = new ArrayBufferWriter<byte>(128);
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("id", id);
            w.WriteString("version", "1.0");
            w.WritePropertyName("params");
            parameters(w);
            w.WriteString("method", method);
            w.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }
}
