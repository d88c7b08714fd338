// Values for a thing model, read straight from its TSL JSON and valid by construction: int/float/double on the step grid
// within min..max (floats always with a decimal point), bool and enum keys, text within its length, date as UTC ms,
// every struct member, arrays within their size. Numeric properties drift like sensor readings rather than jump.
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Thingyard.Cli.Simulation;

public sealed class TslValueGenerator
{
    /// <summary>A property, or an event's or service's parameter: its identifier and its TSL dataType object.</summary>
    public sealed record Param(string Identifier, JsonElement DataType);

    public sealed record Event(string Identifier, IReadOnlyList<Param> Outputs);

    public sealed record Service(string Identifier, string CallType, IReadOnlyList<Param> Outputs);

    static readonly string[] Words = ["alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel", "india", "juliet"];
    const int DefaultTextLength = 10240;

    readonly Random _random;
    readonly Dictionary<string, long> _positions = new(StringComparer.Ordinal);

    public IReadOnlyList<Param> Properties { get; }
    /// <summary>The model's own events, without the implicit "post" (thing.event.property.post).</summary>
    public IReadOnlyList<Event> Events { get; }
    public IReadOnlyDictionary<string, Service> Services { get; }

    /// <param name="tsl">A TSL document: {"properties": [...], "events": [...], "services": [...]}; missing lists count as empty.</param>
    public TslValueGenerator(JsonElement tsl, Random? random = null)
    {
        _random = random ?? new Random();
        Properties = Features(tsl, "properties").Select(p => Parameter(p)).OfType<Param>().ToList();
        Events = Features(tsl, "events")
            .Where(e => Text(e, "identifier") is { } id && id != "post" && Text(e, "method") != "thing.event.property.post")
            .Select(e => new Event(Text(e, "identifier")!, Parameters(e, "outputData"))).ToList();
        Services = Features(tsl, "services")
            .Where(s => Text(s, "identifier") is { Length: > 0 })
            .Select(s => new Service(Text(s, "identifier")!, Text(s, "callType") ?? "async", Parameters(s, "outputData")))
            .DistinctBy(s => s.Identifier).ToDictionary(s => s.Identifier, StringComparer.Ordinal);
    }

    public static TslValueGenerator Parse(string tslJson, Random? random = null)
    {
        using var doc = JsonDocument.Parse(tslJson);
        return new TslValueGenerator(doc.RootElement.Clone(), random);
    }

    /// <summary>params of a property post: every property with a fresh value, or the value in <paramref name="fixedValues"/> (raw JSON).</summary>
    public string PropertyParams(IReadOnlyDictionary<string, string>? fixedValues = null) => Json(w =>
    {
        w.WriteStartObject();
        foreach (var p in Properties)
        {
            w.WritePropertyName(p.Identifier);
            if (fixedValues is not null && fixedValues.TryGetValue(p.Identifier, out var raw)) w.WriteRawValue(raw);
            else WriteValue(w, p.DataType, walkKey: p.Identifier);
        }
        w.WriteEndObject();
    });

    /// <summary>An object with a value for every parameter: an event's outputs or a service's outputs.</summary>
    public string Object(IReadOnlyList<Param> parameters) => Json(w => WriteObject(w, parameters));

    /// <summary>One value of a dataType, as JSON text.</summary>
    public string Value(JsonElement dataType) => Json(w => WriteValue(w, dataType, walkKey: null));

    static string Json(Action<Utf8JsonWriter> write)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer)) write(w);
        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    void WriteObject(Utf8JsonWriter w, IReadOnlyList<Param> parameters)
    {
        w.WriteStartObject();
        foreach (var p in parameters)
        {
            w.WritePropertyName(p.Identifier);
            WriteValue(w, p.DataType, walkKey: null);
        }
        w.WriteEndObject();
    }

    void WriteValue(Utf8JsonWriter w, JsonElement dataType, string? walkKey)
    {
        var specs = dataType.TryGetProperty("specs", out var s) ? s : default;
        switch (Text(dataType, "type"))
        {
            case "int" or "float" or "double":
                w.WriteRawValue(Number(Text(dataType, "type")!, specs, walkKey));
                break;
            case "text":
                w.WriteStringValue(TextValue(Count(specs, "length") is { } length and >= 1 ? length : DefaultTextLength));
                break;
            case "date":
                w.WriteStringValue(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture));
                break;
            case "bool":
                w.WriteNumberValue(Pick(Keys(specs).Where(k => k is 0 or 1).DefaultIfEmpty(0).Distinct().ToList()));
                break;
            case "enum":
                w.WriteNumberValue(Pick(Keys(specs).DefaultIfEmpty(0).ToList()));
                break;
            case "struct":
                WriteObject(w, specs.ValueKind == JsonValueKind.Array ? specs.EnumerateArray().Select(Parameter).OfType<Param>().ToList() : []);
                break;
            case "array":
                w.WriteStartArray();
                if (specs.ValueKind == JsonValueKind.Object && specs.TryGetProperty("item", out var item) && IsKnown(item))
                {
                    var size = Math.Max(1, Count(specs, "size") ?? 1);
                    for (var n = _random.Next(1, Math.Min(size, 4) + 1); n > 0; n--) WriteValue(w, item, walkKey: null);
                }
                w.WriteEndArray();
                break;
            default:
                w.WriteNullValue(); // never reached for a parsed feature: unknown types are left out
                break;
        }
    }

    /// <summary>
    /// min + k * step with k from 0 to (max - min) / step, in decimal arithmetic so 0.1 steps stay exact. Without a step, int steps
    /// by 1 and float/double by about a thousandth of the range. With <paramref name="walkKey"/> k moves a little from its last value.
    /// </summary>
    string Number(string type, JsonElement specs, string? walkKey)
    {
        var isInt = type == "int";
        var min = Decimal(specs, "min");
        var max = Decimal(specs, "max");
        var step = Decimal(specs, "step");
        // Bounds beyond decimal's range (the float and double limits) take the double path.
        if ((min is null && Double(specs, "min") is not null) || (max is null && Double(specs, "max") is not null))
            return Huge(isInt, Double(specs, "min") ?? 0, Double(specs, "max") ?? 0);
        try
        {
            var lo = min ?? (max is { } m ? Math.Min(0, m - 100) : 0);
            var hi = max ?? lo + 100;
            if (hi < lo) hi = lo;
            if (isInt)
            {
                lo = Math.Ceiling(lo);
                hi = Math.Max(lo, Math.Floor(hi));
                step = step is { } st && st >= 1 ? Math.Round(st) : 1;
            }
            else if (step is not { } st2 || st2 <= 0) step = NiceStep(hi - lo);
            var last = (long)Math.Min(Math.Floor((hi - lo) / step!.Value), long.MaxValue / 2);
            var value = Math.Min(lo + NextPosition(last, walkKey) * step.Value, hi);
            if (isInt) return ((long)value).ToString(CultureInfo.InvariantCulture);
            var text = value.ToString(CultureInfo.InvariantCulture);
            return text.Contains('.') ? text : text + ".0";
        }
        catch (OverflowException)
        {
            return Huge(isInt, (double)(min ?? 0), (double)(max ?? 0));
        }
    }

    long NextPosition(long last, string? walkKey)
    {
        if (last <= 0) return 0;
        long k;
        if (walkKey is not null && _positions.TryGetValue(walkKey, out var previous))
        {
            var stride = Math.Max(1, last / 50);
            k = Math.Clamp(previous + _random.NextInt64(-stride, stride + 1), 0, last);
        }
        else k = _random.NextInt64(0, last + 1);
        if (walkKey is not null) _positions[walkKey] = k;
        return k;
    }

    /// <summary>A float/double range too wide for decimal: a value between the bounds, written the way doubles print.</summary>
    string Huge(bool isInt, double lo, double hi)
    {
        if (hi < lo) hi = lo;
        var r = _random.NextDouble();
        var value = Math.Clamp(lo * (1 - r) + hi * r, lo, hi);
        if (isInt) return ((long)Math.Round(value)).ToString(CultureInfo.InvariantCulture);
        var text = value.ToString("R", CultureInfo.InvariantCulture);
        return text.Contains('.') || text.Contains('E') ? text : text + ".0";
    }

    /// <summary>A power of ten near a thousandth of the range: 160 gives 0.1, 10 gives 0.01.</summary>
    static decimal NiceStep(decimal range)
    {
        if (range <= 0) return 1;
        var step = 1m;
        var target = range / 1000;
        while (step > target && step > 0.000001m) step /= 10;
        while (step * 10 <= target) step *= 10;
        return step;
    }

    string TextValue(int length)
    {
        var text = $"{Words[_random.Next(Words.Length)]}-{_random.Next(10000):D4}";
        return text.Length <= length ? text : text[..length];
    }

    int Pick(IReadOnlyList<int> values) => values[_random.Next(values.Count)];

    static IEnumerable<int> Keys(JsonElement specs) => specs.ValueKind == JsonValueKind.Object
        ? specs.EnumerateObject().Select(p => int.TryParse(p.Name, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n) ? (int?)n : null)
            .OfType<int>()
        : [];

    // ---- reading the TSL ----

    static IEnumerable<JsonElement> Features(JsonElement tsl, string list) =>
        tsl.ValueKind == JsonValueKind.Object && tsl.TryGetProperty(list, out var items) && items.ValueKind == JsonValueKind.Array
            ? items.EnumerateArray().Where(i => i.ValueKind == JsonValueKind.Object)
            : [];

    static List<Param> Parameters(JsonElement feature, string list) =>
        feature.TryGetProperty(list, out var items) && items.ValueKind == JsonValueKind.Array
            ? items.EnumerateArray().Select(Parameter).OfType<Param>().ToList()
            : [];

    /// <summary>{identifier, dataType} when the identifier is set and the type is one this generator knows.</summary>
    static Param? Parameter(JsonElement p) =>
        p.ValueKind == JsonValueKind.Object && Text(p, "identifier") is { Length: > 0 } id && p.TryGetProperty("dataType", out var dt) && IsKnown(dt)
            ? new Param(id, dt.Clone())
            : null;

    static bool IsKnown(JsonElement dataType) =>
        Text(dataType, "type") is "int" or "float" or "double" or "text" or "date" or "bool" or "enum" or "struct" or "array";

    static string? Text(JsonElement obj, string name) =>
        obj.ValueKind == JsonValueKind.Object && obj.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    /// <summary>A spec number, written as a string ("0.1", the TSL form) or as a JSON number.</summary>
    static decimal? Decimal(JsonElement specs, string name)
    {
        if (specs.ValueKind != JsonValueKind.Object || !specs.TryGetProperty(name, out var v)) return null;
        if (v.ValueKind == JsonValueKind.Number) return v.TryGetDecimal(out var d) ? d : null;
        return v.ValueKind == JsonValueKind.String &&
            decimal.TryParse(v.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed) ? parsed : null;
    }

    static double? Double(JsonElement specs, string name)
    {
        if (specs.ValueKind != JsonValueKind.Object || !specs.TryGetProperty(name, out var v)) return null;
        if (v.ValueKind == JsonValueKind.Number) return v.TryGetDouble(out var d) && double.IsFinite(d) ? d : null;
        return v.ValueKind == JsonValueKind.String &&
            double.TryParse(v.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed) && double.IsFinite(parsed) ? parsed : null;
    }

    static int? Count(JsonElement specs, string name) =>
        Decimal(specs, name) is { } d && d == Math.Floor(d) && d is >= 0 and <= int.MaxValue ? (int)d : null;
}
