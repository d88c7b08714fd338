// Checks a device-reported value against its TSL data type. Called per message on the ingestion path, so a conforming value
// costs no allocation: error paths and messages are only built once something is wrong.
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json;

namespace Thingyard.Protocol.Tsl;

public static class TslValueChecker
{
    /// <summary>
    /// Null when the value conforms, otherwise "path: what is wrong" (e.g. "temperature: 120 is above max 100").
    /// int: an integral JSON number in range. float/double: any JSON number in range (10 and 10.0 alike). text: a string of at most
    /// specs.length characters. date: UTC milliseconds as a digit string or a non-negative integer. bool/enum: an integral JSON
    /// number that is one of the defined values. struct: an object whose members conform (missing ones allowed, unknown ones not).
    /// array: a JSON array of at most size conforming items.
    /// </summary>
    public static string? Check(TslDataType type, JsonElement value, string path)
    {
        var error = Value(type, value);
        return error is null ? null : Prefix(path, error);
    }

    /// <summary>
    /// Checks an event's output or a service's input object: every key must be one of the parameters and its value must conform;
    /// parameters may be missing.
    /// </summary>
    public static string? CheckParams(IReadOnlyList<TslParam> parameters, JsonElement obj, string path)
    {
        var error = Members(parameters, obj, "parameter");
        return error is null ? null : Prefix(path, error);
    }

    // The private checks return the error relative to the value: ": message", ".member: message" or "[2]: message".

    static string Prefix(string path, string relative) => path.Length > 0
        ? path + relative
        : relative.StartsWith(": ", StringComparison.Ordinal) ? relative[2..] : relative.TrimStart('.');

    static string? Value(TslDataType type, JsonElement v) => type.Type switch
    {
        TslTypes.Int => Int(type.Specs as TslNumericSpecs, v),
        TslTypes.Float => Real(type.Specs as TslNumericSpecs, v, single: true),
        TslTypes.Double => Real(type.Specs as TslNumericSpecs, v, single: false),
        TslTypes.Text => Text(type.Specs as TslTextSpecs, v),
        TslTypes.Date => Date(v),
        TslTypes.Bool => Bool(type.Specs as TslEnumSpecs, v),
        TslTypes.Enum => Enum(type.Specs as TslEnumSpecs, v),
        TslTypes.Struct => Members((type.Specs as TslStructSpecs)?.Members ?? [], v, "struct member"),
        TslTypes.Array => Array(type.Specs as TslArraySpecs, v),
        _ => $": the type '{type.Type}' is unknown",
    };

    static string? Int(TslNumericSpecs? specs, JsonElement v)
    {
        if (v.ValueKind != JsonValueKind.Number) return ": must be an integer, not " + Kind(v);
        if (!v.TryGetInt64(out var n)) return $": {v.GetRawText()} is not an integer";
        if (n is < int.MinValue or > int.MaxValue) return $": {n} is outside the 32-bit integer range";
        return Range(specs, n, v);
    }

    static string? Real(TslNumericSpecs? specs, JsonElement v, bool single)
    {
        if (v.ValueKind != JsonValueKind.Number) return ": must be a number, not " + Kind(v);
        if (!v.TryGetDouble(out var d) || !double.IsFinite(d) || (single && Math.Abs(d) > float.MaxValue))
            return $": {v.GetRawText()} is outside the {(single ? "float" : "double")} range";
        return Range(specs, d, v);
    }

    static string? Range(TslNumericSpecs? specs, double d, JsonElement v)
    {
        if (specs is null) return null;
        if (specs.Min is { } min && d < min) return $": {v.GetRawText()} is below min {Format(min)}";
        if (specs.Max is { } max && d > max) return $": {v.GetRawText()} is above max {Format(max)}";
        return null;
    }

    static string? Text(TslTextSpecs? specs, JsonElement v)
    {
        if (v.ValueKind != JsonValueKind.String) return ": must be a string, not " + Kind(v);
        var limit = specs?.Length ?? TslTextSpecs.MaxLength;
        // The raw UTF-8 (quotes and escapes included) is never shorter than the text, so most values need no decoding.
        if (JsonMarshal.GetRawUtf8Value(v).Length - 2 <= limit) return null;
        var length = v.GetString()!.Length;
        return length <= limit ? null : $": is {length} characters long, more than the length {limit}";
    }

    static string? Date(JsonElement v)
    {
        switch (v.ValueKind)
        {
            case JsonValueKind.Number:
                if (v.TryGetInt64(out var ms) && ms >= 0) return null;
                break;
            case JsonValueKind.String:
                var raw = JsonMarshal.GetRawUtf8Value(v);
                if (raw.Length is > 2 and <= 21 && IsDigits(raw[1..^1])) return null;
                if (raw.Contains((byte)'\\') && v.GetString() is { Length: > 0 and <= 19 } s && s.All(char.IsAsciiDigit)) return null;
                break;
        }
        return $": {Shown(v)} is not a UTC timestamp in milliseconds";
    }

    static bool IsDigits(ReadOnlySpan<byte> bytes)
    {
        foreach (var b in bytes)
            if (b is < (byte)'0' or > (byte)'9') return false;
        return true;
    }

    static string? Bool(TslEnumSpecs? specs, JsonElement v)
    {
        if (v.ValueKind == JsonValueKind.Number && v.TryGetInt32(out var n) && (n is 0 or 1) && (specs is null || specs.Values.ContainsKey(n)))
            return null;
        return $": {Shown(v)} is not a bool value (0 or 1)";
    }

    static string? Enum(TslEnumSpecs? specs, JsonElement v)
    {
        if (v.ValueKind != JsonValueKind.Number || !v.TryGetInt32(out var n))
            return $": {Shown(v)} is not an enum value (an integer)";
        if (specs is null || specs.Values.ContainsKey(n)) return null;
        return $": {n} is not one of the enum values ({string.Join(", ", specs.Values.Keys.Order())})";
    }

    static string? Members(IReadOnlyList<TslParam> members, JsonElement v, string noun)
    {
        if (v.ValueKind != JsonValueKind.Object) return ": must be an object, not " + Kind(v);
        foreach (var property in v.EnumerateObject())
        {
            var member = Find(members, property);
            if (member is null) return $".{property.Name}: is not a defined {noun}";
            if (Value(member.DataType, property.Value) is { } error) return "." + property.Name + error;
        }
        return null;
    }

    static TslParam? Find(IReadOnlyList<TslParam> members, JsonProperty property)
    {
        for (var i = 0; i < members.Count; i++)
            if (property.NameEquals(members[i].Identifier)) return members[i];
        return null;
    }

    static string? Array(TslArraySpecs? specs, JsonElement v)
    {
        if (v.ValueKind != JsonValueKind.Array) return ": must be an array, not " + Kind(v);
        if (specs is null) return null;
        var count = v.GetArrayLength();
        if (count > specs.Size) return $": has {count} items, more than the size {specs.Size}";
        var i = 0;
        foreach (var item in v.EnumerateArray())
        {
            if (Value(specs.Item, item) is { } error) return $"[{i}]{error}";
            i++;
        }
        return null;
    }

    static string Kind(JsonElement v) => v.ValueKind switch
    {
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        _ => "null",
    };

    /// <summary>The value as it appears in the message: short values raw, others by kind.</summary>
    static string Shown(JsonElement v) => v.ValueKind is JsonValueKind.Number or JsonValueKind.String or JsonValueKind.True or JsonValueKind.False &&
        JsonMarshal.GetRawUtf8Value(v).Length <= 40 ? v.GetRawText() : Kind(v);

    static string Format(double d) => d.ToString("R", CultureInfo.InvariantCulture);
}
