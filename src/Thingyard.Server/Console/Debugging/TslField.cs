// One input of the debugging page: a property to set or a service parameter, typed by its TSL data type. It turns what
// was typed into the JSON value the device would get and checks it with the platform's own TslValueChecker (the check
// SetDeviceProperty and InvokeThingService make before sending), so a bad value is refused next to its input and
// nothing is sent.
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Thingyard.Protocol.Tsl;

namespace Thingyard.Server.Console.Debugging;

public enum TslFieldKind { Number, Choice, Text, Date, Json }

public sealed class TslField(string identifier, string name, TslDataType type)
{
    public string Identifier { get; } = identifier;
    public string Name { get; } = name;
    public TslDataType Type { get; } = type;

    /// <summary>A number's value (int, float, double).</summary>
    public decimal? Number { get; set; }
    /// <summary>A bool's or enum's value.</summary>
    public int? Choice { get; set; }
    /// <summary>What was typed for text, a date (UTC milliseconds) or a struct or array (JSON).</summary>
    public string? Text { get; set; }
    /// <summary>Why the value was refused, shown under the input; null when it was accepted or not checked yet.</summary>
    public string? Error { get; set; }

    public TslFieldKind Kind => Type.Type switch
    {
        TslTypes.Int or TslTypes.Float or TslTypes.Double => TslFieldKind.Number,
        TslTypes.Bool or TslTypes.Enum => TslFieldKind.Choice,
        TslTypes.Text => TslFieldKind.Text,
        TslTypes.Date => TslFieldKind.Date,
        _ => TslFieldKind.Json,
    };

    public bool IsEmpty => Kind switch
    {
        TslFieldKind.Number => Number is null,
        TslFieldKind.Choice => Choice is null,
        TslFieldKind.Text => Text is null,
        _ => string.IsNullOrWhiteSpace(Text),
    };

    public string Label => $"{Name} ({Identifier})";

    /// <summary>What the data type allows, shown under the input: "float, -40 to 120, step 0.1 °C", "text, at most 32 characters".</summary>
    public string Help => Type.Specs switch
    {
        TslNumericSpecs n => string.Join(", ", new[]
        {
            Type.Type,
            n.Min is not null || n.Max is not null ? $"{Show(n.Min) ?? "…"} to {Show(n.Max) ?? "…"}" : null,
            n.Step is { } step ? $"step {Show(step)}" : null,
            n.Unit is { Length: > 0 } unit ? unit : null,
        }.Where(p => p is not null)),
        TslTextSpecs t => $"text, at most {t.Length} characters",
        TslEnumSpecs => Type.Type,
        TslStructSpecs s => "struct as JSON: {" + string.Join(", ", s.Members.Select(m => $"\"{m.Identifier}\": {m.DataType.Type}")) + "}",
        TslArraySpecs a => $"array as JSON: at most {a.Size} {a.Item.Type} items",
        _ => Type.Type == TslTypes.Date ? "date: UTC milliseconds" : Type.Type,
    };

    /// <summary>Step of the number input's arrows: the model's step, else 1 for int and 0.1 otherwise.</summary>
    public decimal Step => Type.Numeric?.Step is { } s && s > 0 && s < 1e9 ? (decimal)s : Type.Type == TslTypes.Int ? 1m : 0.1m;

    public IEnumerable<KeyValuePair<int, string>> Choices => Type.Enum?.Values.OrderBy(v => v.Key) ?? Enumerable.Empty<KeyValuePair<int, string>>();

    /// <summary>The value as JSON, checked against the data type; null (with <see cref="Error"/> set) when refused.</summary>
    public JsonNode? Check()
    {
        Error = null;
        JsonNode? value;
        switch (Kind)
        {
            case TslFieldKind.Number:
                // G29 drops trailing zeros: 5.0 typed for an int is the integer 5.
                value = Number is { } n ? JsonNode.Parse(n.ToString("G29", CultureInfo.InvariantCulture)) : null;
                break;
            case TslFieldKind.Choice:
                value = Choice is { } c ? JsonValue.Create(c) : null;
                break;
            case TslFieldKind.Text:
                value = JsonValue.Create(Text ?? "");
                break;
            case TslFieldKind.Date:
                value = JsonValue.Create(Text?.Trim() ?? "");
                break;
            default:
                try { value = JsonNode.Parse(Text ?? ""); }
                catch (JsonException) { return Refuse($"{Identifier}: is not JSON"); }
                break;
        }
        if (value is null) return Refuse($"{Identifier}: give a value");
        var element = JsonSerializer.SerializeToElement(value);
        return TslValueChecker.Check(Type, element, Identifier) is { } error ? Refuse(error) : value;
    }

    JsonNode? Refuse(string error)
    {
        Error = error;
        return null;
    }

    static string? Show(double? d) => d?.ToString("R", CultureInfo.InvariantCulture);
}
