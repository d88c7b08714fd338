// Values between AliGenie and a thing model: AliGenie's value (a name such as "on" or "cold", or a number, as text or
// JSON) to the property's JSON value, and a reported value back to the text AliGenie shows.
using System.Globalization;
using System.Text.Json;
using Thingyard.AliGenie;
using Thingyard.Protocol.Tsl;

namespace Thingyard.Server.AliGenie;

static class AliGenieValues
{
    /// <summary>The property value for AliGenie's value; INVALIDATE_PARAMS when it names nothing or is not a number.</summary>
    public static JsonElement ToProperty(AttributeMap map, TslProperty property, JsonElement value)
    {
        var text = value.ValueKind == JsonValueKind.String ? value.GetString()! : value.GetRawText();
        if (map.Values is not null)
            return map.Values.FirstOrDefault(v => string.Equals(v.Key, text, StringComparison.OrdinalIgnoreCase)).Value is { ValueKind: not JsonValueKind.Undefined } found
                ? found
                : throw new AliGenieException(AliGenieErrors.InvalidParams, $"'{text}' is not one of {string.Join(", ", map.Values.Keys)}.");
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var number))
            throw new AliGenieException(AliGenieErrors.InvalidParams, $"'{text}' is not a number.");
        return Number(property, number);
    }

    /// <summary>The current value moved by <paramref name="delta"/>, kept within the property's range.</summary>
    public static JsonElement Adjust(TslProperty property, JsonElement? current, double delta)
    {
        var specs = property.DataType.Numeric ?? throw new AliGenieException(AliGenieErrors.NotSupported, $"{property.Identifier} is not a number.");
        var now = current is { ValueKind: JsonValueKind.Number } c ? c.GetDouble() : specs.Min ?? 0;
        return Number(property, Math.Clamp(now + delta, specs.Min ?? double.MinValue, specs.Max ?? double.MaxValue));
    }

    /// <summary>The default step of an adjustment without a value: a tenth of the range, at least the property's step.</summary>
    public static double DefaultStep(TslProperty property) => property.DataType.Numeric is { Min: { } min, Max: { } max } s
        ? Math.Max((max - min) / 10, s.Step ?? 1) : 1;

    /// <summary>A reported value as AliGenie shows it: the value's name where the attribute names its values, else the number as text.</summary>
    public static string ToAliGenie(AttributeMap map, JsonElement reported)
    {
        if (map.Values is not null)
            foreach (var (name, value) in map.Values)
                if (SameValue(value, reported)) return name;
        return reported.ValueKind switch
        {
            JsonValueKind.String => reported.GetString()!,
            JsonValueKind.True => "on",
            JsonValueKind.False => "off",
            _ => reported.GetRawText(),
        };
    }

    static JsonElement Number(TslProperty property, double number) =>
        property.DataType.Type is TslTypes.Int or TslTypes.Bool or TslTypes.Enum
            ? JsonSerializer.SerializeToElement((long)Math.Round(number, MidpointRounding.AwayFromZero))
            : JsonSerializer.SerializeToElement(number);

    static bool SameValue(JsonElement a, JsonElement b) =>
        a.ValueKind == JsonValueKind.Number && b.ValueKind == JsonValueKind.Number ? a.GetDouble() == b.GetDouble()
        : a.ValueKind == JsonValueKind.Number && b.ValueKind is JsonValueKind.True or JsonValueKind.False ? a.GetDouble() == (b.GetBoolean() ? 1 : 0)
        : a.GetRawText() == b.GetRawText();
}
