// Reads the two forms a report takes: a bare value, or {"value": v, "time": ms}.
using System.Text.Json;

namespace Thingyard.Server.Things;

public static class ReportedValue
{
    /// <summary>Reports may carry a device time up to a day away from arrival (the platform's rule).</summary>
    public const long MaxSkewMs = 24 * 3600 * 1000L;

    public static (JsonElement Value, long? Time) Unwrap(JsonElement element)
    {
        if (element.ValueKind != JsonValueKind.Object || !element.TryGetProperty("value", out var value)) return (element, null);
        long? time = null;
        foreach (var p in element.EnumerateObject())
        {
            if (p.NameEquals("value")) continue;
            if (!p.NameEquals("time")) return (element, null); // a struct that happens to have a "value" member
            time = ReadTime(p.Value);
            if (time is null) return (element, null);
        }
        return (value, time);
    }

    /// <summary>Milliseconds as a number or numeric string.</summary>
    public static long? ReadTime(JsonElement t) => t.ValueKind switch
    {
        JsonValueKind.Number when t.TryGetInt64(out var n) => n,
        JsonValueKind.String when long.TryParse(t.GetString(), out var s) => s,
        _ => null,
    };

    /// <summary>The time to store, or an error when the device's time is more than a day off.</summary>
    public static long TimeOf(long? reported, long nowMs, string what, List<string> errors)
    {
        if (reported is not { } t) return nowMs;
        if (Math.Abs(t - nowMs) > MaxSkewMs)
        {
            errors.Add($"{what}: time {t} is more than 24 h away from the server time {nowMs}");
            return nowMs;
        }
        return t;
    }
}
