// Device shadows: devices report state, applications set desired state; every change must carry a newer version
// (else 409, as the platform does). Timestamps in the document are in seconds, as the shadow protocol uses.
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Thingyard.Storage;

namespace Thingyard.Telemetry;

public sealed class ShadowException(int code, string message) : Exception(message)
{
    public int Code { get; } = code;
}

public sealed class ShadowStore(IDbContextFactory<ThingyardDb> dbs, TimeProvider time)
{
    public const int MaxAttributes = 128;
    public const int MaxDocumentBytes = 16 * 1024;

    public async Task<JsonObject> GetAsync(long deviceId, CancellationToken ct = default)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        var row = await db.Shadows.AsNoTracking().FirstOrDefaultAsync(s => s.DeviceId == deviceId, ct);
        return Document(row, time.GetUtcNow().ToUnixTimeSeconds());
    }

    /// <summary>Applies an update or delete to one section ("reported" from devices, "desired" from applications).
    /// A value "null" (or JSON null) deletes a key; a section of "null" deletes the whole section.</summary>
    public async Task<JsonObject> ChangeAsync(long deviceId, string section, JsonNode? state, long? version, bool replace, CancellationToken ct = default)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        var row = await db.Shadows.FirstOrDefaultAsync(s => s.DeviceId == deviceId, ct);
        if (row is null)
        {
            row = new DeviceShadow { DeviceId = deviceId };
            db.Shadows.Add(row);
        }
        if (version is { } v && v <= row.Version)
            throw new ShadowException(409, $"version {v} is not newer than the shadow's version {row.Version}");
        var now = time.GetUtcNow().ToUnixTimeSeconds();
        var current = Parse(section == "reported" ? row.Reported : row.Desired);
        var metadata = Parse(row.Metadata);
        var sectionMeta = metadata[section] as JsonObject ?? new JsonObject();

        if (IsNull(state))
        {
            current = new JsonObject();
            sectionMeta = new JsonObject();
        }
        else if (state is JsonObject changes)
        {
            if (replace) { current = new JsonObject(); sectionMeta = new JsonObject(); }
            foreach (var (key, value) in changes)
            {
                if (IsNull(value))
                {
                    current.Remove(key);
                    sectionMeta.Remove(key);
                }
                else
                {
                    current[key] = value!.DeepClone();
                    sectionMeta[key] = new JsonObject { ["timestamp"] = now };
                }
            }
        }
        else throw new ShadowException(402, $"state.{section} must be an object or \"null\"");
        if (current.Count > MaxAttributes) throw new ShadowException(408, $"a shadow holds at most {MaxAttributes} {section} attributes");

        metadata[section] = sectionMeta;
        var json = current.ToJsonString();
        if (json.Length > MaxDocumentBytes) throw new ShadowException(400, $"the {section} state is larger than {MaxDocumentBytes} bytes");
        if (section == "reported") row.Reported = current.Count == 0 ? null : json;
        else row.Desired = current.Count == 0 ? null : json;
        row.Metadata = metadata.ToJsonString();
        row.Version = version ?? row.Version + 1;
        row.UpdatedAtMs = time.GetUtcNow().ToUnixTimeMilliseconds();
        await db.SaveChangesAsync(ct);
        return Document(row, now);
    }

    /// <summary>{"state":{"reported","desired"},"metadata":{...},"timestamp":s,"version":N}.</summary>
    public static JsonObject Document(DeviceShadow? row, long nowSeconds)
    {
        var state = new JsonObject();
        if (row?.Reported is { } r) state["reported"] = JsonNode.Parse(r);
        if (row?.Desired is { } d) state["desired"] = JsonNode.Parse(d);
        var metadata = Parse(row?.Metadata);
        foreach (var key in metadata.Select(p => p.Key).ToList())
            if (metadata[key] is JsonObject { Count: 0 }) metadata.Remove(key);
        return new JsonObject
        {
            ["state"] = state,
            ["metadata"] = metadata,
            ["timestamp"] = nowSeconds,
            ["version"] = row?.Version ?? 0,
        };
    }

    static JsonObject Parse(string? json) => json is null ? new JsonObject() : JsonNode.Parse(json) as JsonObject ?? new JsonObject();

    /// <summary>A shadow "null": JSON null or the string "null" (how devices and the API say "delete").</summary>
    public static bool IsNull(JsonNode? n) => n is null || (n is JsonValue v && v.TryGetValue<string>(out var s) && s == "null");
}
