// Values for a thing model (parsed by the platform's own TslParser) that are valid by construction: int/float/double on the
// step grid within min..max (floats always with a decimal point), bool and enum keys, text within its length, date as UTC ms,
// every struct member, arrays within their size. Numeric properties drift like sensor readings rather than jump.
using System.Globalization;
using System.Text;
using System.Text.Json;
using Thingyard.Protocol.Tsl;

namespace Thingyard.Cli.Simulation;

public sealed class TslValueGenerator
{
    static readonly string[] Words = ["alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel", "india", "juliet"];
    const int DefaultTextLength = 10240;

    readonly Random _random;
    readonly Dictionary<string, long> _positions = new(StringComparer.Ordinal);

    public IReadOnlyList<TslProperty> Properties { get; }
    /// <summary>The model's own events, without the implicit "post" (thing.event.property.post).</summary>
    public IReadOnlyList<TslEvent> Events { get; }
    public IReadOnlyDictionary<string, TslService> Services { get; }

    public TslValueGenerator(ThingModel model, Random? random = null)
    {
        _random = random ?? new Random();
        Properties = model.Properties;
        Events = model.Events.Where(e => e.Identifier != TslEvent.PostIdentifier).ToList();
        Services = model.Services.ToDictionary(s => s.Identifier, StringComparer.Ordinal);
    }

    /// <exception cref="TslValidationException">The TSL is not a valid thing model.</exception>
    public static TslValueGenerator Parse(string tslJson, Random? random = null) => new(TslParser.Parse(tslJson), random);

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
    public string Object(IReadOnlyList<TslParam> parameters) => Json(w => WriteObject(w, parameters));

    /// <summary>One value of a dataType, as JSON text.</summary>
    public string Value(TslDataType dataType) => Json(w => WriteValue(w, dataType, walkKey: null));

    static string Json(Action<Utf8JsonWriter> write)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer)) write(w);
        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    void WriteObject(Utf8JsonWriter w, IReadOnlyList<TslParam> parameters)
    {
        w.WriteStartObject();
        foreach (var p in parameters)
        {
            w.WritePropertyName(p.Identifier);
            WriteValue(w, p.DataType, walkKey: null);
        }
        w.WriteEndObject();
    }

    void WriteValue(Utf8JsonWriter w, TslDataType dataType, string? walkKey)
    {
        switch (dataType.Type)
        {
            case TslTypes.Int or TslTypes.Float or TslTypes.Double:
                w.WriteRawValue(Number(dataType.Type, dataType.Numeric, walkKey));
                break;
            case TslTypes.Text:
                w.WriteStringValue(TextValue(dataType.Text?.Length is { } length and >= 1 ? length : TslTextSpecs.MaxLength));
                break;
            case TslTypes.Date:
                w.WriteStringValue(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture));
                break;
            case TslTypes.Bool:
                w.WriteNumberValue(Pick(Keys(dataType.Enum).Where(k => k is 0 or 1).DefaultIfEmpty(0).Distinct().ToList()));
                break;
            case TslTypes.Enum:
                w.WriteNumberValue(Pick(Keys(dataType.Enum).DefaultIfEmpty(0).ToList()));
                break;
            case TslTypes.Struct:
                WriteObject(w, dataType.Struct?.Members ?? []);
                break;
            case TslTypes.Array:
                w.WriteStartArray();
                if (dataType.Array is { } array)
                    for (var n = _random.Next(1, Math.Min(Math.Max(1, array.Size), 4) + 1); n > 0; n--) WriteValue(w, array.Item, walkKey: null);
                w.WriteEndArray();
                break;
            default:
                w.WriteNullValue(); // the parser admits no other type
                break;
        }
    }

    /// <summary>
    /// min + k * step with k from 0 to (max - min) / step, in decimal arithmetic so 0.1 steps stay exact. Without a step, int steps
    /// by 1 and float/double by about a thousandth of the range. With <paramref name="walkKey"/> k moves a little from its last value.
    /// </summary>
    string Number(string type, TslNumericSpecs? specs, string? walkKey)
    {
        var isInt = type == TslTypes.Int;
        var min = Decimal(specs?.Min);
        var max = Decimal(specs?.Max);
        var step = Decimal(specs?.Step);
        // Bounds beyond decimal's range (the float and double limits) take the double path.
        if ((min is null && specs?.Min is not null) || (max is null && specs?.Max is not null))
            return Huge(isInt, specs?.Min ?? 0, specs?.Max ?? 0);
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

    static IEnumerable<int> Keys(TslEnumSpecs? specs) => specs?.Values.Keys ?? [];

    /// <summary>A spec number as decimal, exact for what TSL writes ("0.1" parses to the double nearest 0.1, which decimal
    /// rounds back to 0.1); null when absent or beyond decimal's range.</summary>
    static decimal? Decimal(double? value) =>
        value is { } v && double.IsFinite(v) && Math.Abs(v) < 7.9e28 ? (decimal)v : null;
}
