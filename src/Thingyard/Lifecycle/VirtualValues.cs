// Values a virtual device reports: random but valid for each TSL data type and its specs, so every post passes the
// platform's value checks (TslValueChecker) and a debugging view shows plausible data.
using System.Globalization;
using System.Text;
using System.Text.Json;
using Thingyard.Protocol.Tsl;

namespace Thingyard.Lifecycle;

public static class VirtualValues
{
    /// <summary>Bounds used when a numeric type omits min or max (array items may).</summary>
    const double DefaultMin = 0, DefaultMax = 100;
    const int MaxArrayItems = 3;

    /// <summary>{"identifier": value, ...} for every property, with <paramref name="fixedValues"/> (raw JSON, e.g. values
    /// the cloud set) used instead of generated ones where given.</summary>
    public static string Properties(IReadOnlyList<TslProperty> properties, Random rng, IReadOnlyDictionary<string, string>? fixedValues = null) =>
        Write(w =>
        {
            w.WriteStartObject();
            foreach (var p in properties)
            {
                w.WritePropertyName(p.Identifier);
                if (fixedValues is not null && fixedValues.TryGetValue(p.Identifier, out var raw)) w.WriteRawValue(raw);
                else Value(w, p.DataType, rng);
            }
            w.WriteEndObject();
        });

    /// <summary>An object with a generated value for every parameter (an event's or a service's output).</summary>
    public static string Params(IReadOnlyList<TslParam> parameters, Random rng) => Write(w => Members(w, parameters, rng));

    /// <summary>One generated value of <paramref name="type"/>, as JSON.</summary>
    public static string Of(TslDataType type, Random rng) => Write(w => Value(w, type, rng));

    static string Write(Action<Utf8JsonWriter> write)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer)) write(w);
        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    static void Members(Utf8JsonWriter w, IReadOnlyList<TslParam> members, Random rng)
    {
        w.WriteStartObject();
        foreach (var m in members)
        {
            w.WritePropertyName(m.Identifier);
            Value(w, m.DataType, rng);
        }
        w.WriteEndObject();
    }

    static void Value(Utf8JsonWriter w, TslDataType type, Random rng)
    {
        switch (type.Type)
        {
            case TslTypes.Int: w.WriteNumberValue(Int(type.Numeric, rng)); break;
            case TslTypes.Float or TslTypes.Double: w.WriteNumberValue(Real(type.Numeric, rng)); break;
            case TslTypes.Text: w.WriteStringValue(Text(type.Text, rng)); break;
            case TslTypes.Date: w.WriteStringValue(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture)); break;
            case TslTypes.Bool: w.WriteNumberValue(rng.Next(2)); break;
            case TslTypes.Enum:
                var keys = type.Enum?.Values.Keys.ToArray() ?? [];
                w.WriteNumberValue(keys.Length == 0 ? 0 : keys[rng.Next(keys.Length)]);
                break;
            case TslTypes.Struct: Members(w, type.Struct?.Members ?? [], rng); break;
            case TslTypes.Array:
                w.WriteStartArray();
                if (type.Array is { } array)
                    for (var i = 0; i < Math.Min(array.Size, MaxArrayItems); i++) Value(w, array.Item, rng);
                w.WriteEndArray();
                break;
            default: w.WriteNullValue(); break;
        }
    }

    /// <summary>An integer in min..max on the step from min.</summary>
    static long Int(TslNumericSpecs? specs, Random rng)
    {
        var min = (long)Math.Ceiling(specs?.Min ?? DefaultMin);
        var max = (long)Math.Floor(specs?.Max ?? Math.Max(DefaultMax, min));
        if (max < min) return min;
        var step = Math.Max(1L, (long)Math.Round(specs?.Step ?? 1));
        var steps = (max - min) / step;
        return min + rng.NextInt64(steps + 1) * step;
    }

    /// <summary>A number in min..max on the step from min, rounded to the step's decimals (no 0.30000000000000004).</summary>
    static double Real(TslNumericSpecs? specs, Random rng)
    {
        var min = specs?.Min ?? DefaultMin;
        var max = specs?.Max ?? Math.Max(DefaultMax, min);
        if (max <= min) return min;
        var step = specs?.Step is > 0 and var s ? s : 0.01;
        var decimals = Decimals(step);
        var steps = (long)Math.Floor((max - min) / step + 1e-9);
        var value = Math.Round(min + rng.NextInt64(steps + 1) * step, decimals);
        return Math.Clamp(value, min, max);
    }

    static int Decimals(double step)
    {
        var text = step.ToString("R", CultureInfo.InvariantCulture);
        var dot = text.IndexOf('.');
        return text.Contains('E') ? 15 : dot < 0 ? 0 : Math.Min(15, text.Length - dot - 1);
    }

    static string Text(TslTextSpecs? specs, Random rng)
    {
        const string Letters = "abcdefghijklmnopqrstuvwxyz0123456789";
        var limit = specs?.Length ?? TslTextSpecs.MaxLength;
        var length = Math.Min(limit, 8 + rng.Next(9));
        var chars = new char[length];
        for (var i = 0; i < length; i++) chars[i] = Letters[rng.Next(Letters.Length)];
        return new string(chars);
    }
}
