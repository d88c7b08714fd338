// Values while a rule's SQL is evaluated: null, double, string, bool, or a JSON object/array (JsonNode). Conversions
// to and from the message's JSON live here.
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Thingyard.Rules.Sql;

public static class SqlValues
{
    /// <summary>A JSON node as an evaluation value: numbers as double, strings, bools; objects and arrays as they are.</summary>
    public static object? FromJson(JsonNode? node)
    {
        if (node is not JsonValue v) return node;
        return v.GetValueKind() switch
        {
            JsonValueKind.Number => v.TryGetValue<double>(out var d) ? d : v.GetValue<JsonElement>().GetDouble(),
            JsonValueKind.String => v.GetValue<string>(),
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => null,
        };
    }

    /// <summary>An evaluation value as a new JSON node for the output (integral numbers written without a fraction).</summary>
    public static JsonNode? ToJson(object? value) => value switch
    {
        null => null,
        double d when d == Math.Floor(d) && Math.Abs(d) < 9_007_199_254_740_992 => JsonValue.Create((long)d),
        double d when double.IsFinite(d) => JsonValue.Create(d),
        double => null,
        string s => JsonValue.Create(s),
        bool b => JsonValue.Create(b),
        JsonNode n => n.DeepClone(),
        _ => null,
    };

    /// <summary>A number, or a string that reads as one; otherwise null.</summary>
    public static double? Number(object? v) => v switch
    {
        double d => d,
        string s when double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) => d,
        _ => null,
    };

    public static string Text(object? v) => v switch
    {
        null => "",
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        bool b => b ? "true" : "false",
        string s => s,
        JsonNode n => n.ToJsonString(),
        _ => v.ToString() ?? "",
    };

    /// <summary>-1, 0 or 1; null when the two cannot be compared (either is null, or they are of different kinds).</summary>
    public static int? Compare(object? a, object? b)
    {
        if (a is null || b is null) return null;
        if (a is double x && b is double y) return x.CompareTo(y);
        if (a is string s && b is string t) return string.CompareOrdinal(s, t) switch { < 0 => -1, 0 => 0, _ => 1 };
        if (a is bool p && b is bool q) return p == q ? 0 : null;
        // A number against numeric text: devices often send numbers as strings.
        if (Number(a) is { } m && Number(b) is { } n && (a is double || b is double)) return m.CompareTo(n);
        if (a is JsonNode j && b is JsonNode k) return JsonNode.DeepEquals(j, k) ? 0 : null;
        return null;
    }
}
