// What the feature editor edits: one property, event or service as the person typed it (numbers as text, nothing
// checked), written out as the ThingModelJson that CreateThingModel and UpdateThingModel take. The platform's own TSL
// parser judges it (Validate); no TSL rule lives here. Each field's key is its path in that JSON relative to the
// feature ("identifier", "dataType.specs.min", "inputData[0].dataType.type"), which is how the parser names problems.
using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Thingyard.Protocol.Tsl;

namespace Thingyard.Server.Console.Products;

public enum FeatureKind { Property, Event, Service }

public sealed class EnumItemForm
{
    public string Value { get; set; } = "";
    public string Name { get; set; } = "";
}

public sealed class TypeForm
{
    public string Type { get; set; } = TslTypes.Int;
    public string? Min { get; set; }
    public string? Max { get; set; }
    public string? Step { get; set; }
    public string? Unit { get; set; }
    public string? UnitName { get; set; }
    public string? Length { get; set; } = "10240";
    public string? FalseName { get; set; }
    public string? TrueName { get; set; }
    public List<EnumItemForm> EnumItems { get; set; } = [];
    public List<ParamForm> Fields { get; set; } = [];
    public string? Size { get; set; }
    public TypeForm? Item { get; set; }

    /// <summary>The item type of an array, made when first needed.</summary>
    public TypeForm ArrayItem => Item ??= new TypeForm();

    public static TypeForm From(TslDataType t)
    {
        var form = new TypeForm { Type = t.Type };
        switch (t.Specs)
        {
            case TslNumericSpecs n:
                (form.Min, form.Max, form.Step, form.Unit, form.UnitName) = (Number(n.Min), Number(n.Max), Number(n.Step), n.Unit, n.UnitName);
                break;
            case TslTextSpecs text:
                form.Length = text.Length.ToString(CultureInfo.InvariantCulture);
                break;
            case TslEnumSpecs values when t.Type == TslTypes.Bool:
                form.FalseName = values.Values.GetValueOrDefault(0);
                form.TrueName = values.Values.GetValueOrDefault(1);
                break;
            case TslEnumSpecs values:
                form.EnumItems = values.Values.OrderBy(v => v.Key)
                    .Select(v => new EnumItemForm { Value = v.Key.ToString(CultureInfo.InvariantCulture), Name = v.Value }).ToList();
                break;
            case TslStructSpecs members:
                form.Fields = members.Members.Select(ParamForm.From).ToList();
                break;
            case TslArraySpecs array:
                form.Size = array.Size.ToString(CultureInfo.InvariantCulture);
                form.Item = From(array.Item);
                break;
        }
        return form;
    }

    /// <summary>{"type", "specs"} in TSL form: what was typed, numbers as strings, empty fields left out.</summary>
    internal void Write(Utf8JsonWriter w)
    {
        w.WriteStartObject();
        w.WriteString("type", Type);
        switch (Type)
        {
            case TslTypes.Int or TslTypes.Float or TslTypes.Double:
                w.WriteStartObject("specs");
                Optional(w, "min", Min);
                Optional(w, "max", Max);
                Optional(w, "step", Step);
                Optional(w, "unit", Unit);
                Optional(w, "unitName", UnitName);
                w.WriteEndObject();
                break;
            case TslTypes.Text:
                w.WriteStartObject("specs");
                Optional(w, "length", Length);
                w.WriteEndObject();
                break;
            case TslTypes.Bool:
                w.WriteStartObject("specs");
                w.WriteString("0", FalseName?.Trim() ?? "");
                w.WriteString("1", TrueName?.Trim() ?? "");
                w.WriteEndObject();
                break;
            case TslTypes.Enum:
                w.WriteStartObject("specs");
                foreach (var item in EnumItems) w.WriteString(item.Value.Trim(), item.Name.Trim());
                w.WriteEndObject();
                break;
            case TslTypes.Struct:
                w.WriteStartArray("specs");
                foreach (var field in Fields) field.Write(w);
                w.WriteEndArray();
                break;
            case TslTypes.Array:
                w.WriteStartObject("specs");
                Optional(w, "size", Size);
                w.WritePropertyName("item");
                (Item ?? new TypeForm()).Write(w);
                w.WriteEndObject();
                break;
            default:
                w.WriteStartObject("specs");
                w.WriteEndObject();
                break;
        }
        w.WriteEndObject();
    }

    /// <summary>A short description for lists: "float, 0 to 100 °C", "enum (3 values)", "array of 10 int".</summary>
    public static string Describe(TslDataType t) => t.Specs switch
    {
        TslNumericSpecs n => $"{t.Type}, {Number(n.Min) ?? "…"} to {Number(n.Max) ?? "…"}{(n.Unit is { Length: > 0 } u ? " " + u : "")}",
        TslTextSpecs text => $"text, up to {text.Length}",
        TslEnumSpecs values when t.Type == TslTypes.Bool => $"bool ({values.Values.GetValueOrDefault(0)} / {values.Values.GetValueOrDefault(1)})",
        TslEnumSpecs values => $"enum ({values.Values.Count} values)",
        TslStructSpecs members => $"struct ({members.Members.Count} fields)",
        TslArraySpecs array => $"array of {array.Size} {array.Item.Type}",
        _ => t.Type,
    };

    internal static string? Number(double? d) => d?.ToString("R", CultureInfo.InvariantCulture);

    internal static void Optional(Utf8JsonWriter w, string key, string? value)
    {
        if (!string.IsNullOrWhiteSpace(value)) w.WriteString(key, value.Trim());
    }
}

public sealed class ParamForm
{
    public string Identifier { get; set; } = "";
    public string Name { get; set; } = "";
    public TypeForm DataType { get; set; } = new();

    public static ParamForm From(TslParam p) => new() { Identifier = p.Identifier, Name = p.Name, DataType = TypeForm.From(p.DataType) };

    internal void Write(Utf8JsonWriter w)
    {
        w.WriteStartObject();
        w.WriteString("identifier", Identifier.Trim());
        w.WriteString("name", Name.Trim());
        w.WritePropertyName("dataType");
        DataType.Write(w);
        w.WriteEndObject();
    }
}

public sealed class FeatureForm
{
    public FeatureKind Kind { get; set; } = FeatureKind.Property;
    /// <summary>The identifier of the feature being edited; null for a new one.</summary>
    public string? Original { get; init; }
    public string Identifier { get; set; } = "";
    public string Name { get; set; } = "";
    public string? Description { get; set; }
    public bool Required { get; set; }
    public string AccessMode { get; set; } = TslProperty.ReadWrite;
    public string EventType { get; set; } = TslEvent.Info;
    public string CallType { get; set; } = TslService.Async;
    public TypeForm DataType { get; set; } = new();
    /// <summary>A service's input parameters.</summary>
    public List<ParamForm> Inputs { get; set; } = [];
    /// <summary>An event's or a service's output parameters.</summary>
    public List<ParamForm> Outputs { get; set; } = [];

    public bool IsNew => Original is null;

    /// <summary>The key of the JSON array this kind sits in (and DeleteThingModel's parameter prefix).</summary>
    public static string Section(FeatureKind kind) => kind switch
    {
        FeatureKind.Property => "properties",
        FeatureKind.Event => "events",
        _ => "services",
    };

    public static FeatureForm From(TslProperty p) => new()
    {
        Kind = FeatureKind.Property, Original = p.Identifier, Identifier = p.Identifier, Name = p.Name, Description = p.Description,
        Required = p.Required, AccessMode = p.AccessMode, DataType = TypeForm.From(p.DataType),
    };

    public static FeatureForm From(TslEvent e) => new()
    {
        Kind = FeatureKind.Event, Original = e.Identifier, Identifier = e.Identifier, Name = e.Name, Description = e.Description,
        Required = e.Required, EventType = e.Type, Outputs = e.OutputData.Select(ParamForm.From).ToList(),
    };

    public static FeatureForm From(TslService s) => new()
    {
        Kind = FeatureKind.Service, Original = s.Identifier, Identifier = s.Identifier, Name = s.Name, Description = s.Description,
        Required = s.Required, CallType = s.CallType, Inputs = s.InputData.Select(ParamForm.From).ToList(),
        Outputs = s.OutputData.Select(ParamForm.From).ToList(),
    };

    /// <summary>The ThingModelJson of this one feature: {"properties": [...]}, {"events": [...]} or {"services": [...]}.</summary>
    public string ToThingModelJson()
    {
        var buffer = new ArrayBufferWriter<byte>(512);
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            w.WriteStartObject();
            w.WriteStartArray(Section(Kind));
            w.WriteStartObject();
            w.WriteString("identifier", Identifier.Trim());
            w.WriteString("name", Name.Trim());
            TypeForm.Optional(w, "desc", Description);
            w.WriteBoolean("required", Required);
            switch (Kind)
            {
                case FeatureKind.Property:
                    w.WriteString("accessMode", AccessMode);
                    w.WritePropertyName("dataType");
                    DataType.Write(w);
                    break;
                case FeatureKind.Event:
                    w.WriteString("type", EventType);
                    WriteParams(w, "outputData", Outputs);
                    break;
                default:
                    w.WriteString("callType", CallType);
                    WriteParams(w, "inputData", Inputs);
                    WriteParams(w, "outputData", Outputs);
                    break;
            }
            w.WriteEndObject();
            w.WriteEndArray();
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>The platform's verdict on this feature (TslParser), each problem keyed by its field.</summary>
    public FieldErrors Validate()
    {
        try
        {
            TslParser.ParseFeatures(ToThingModelJson());
            return FieldErrors.None;
        }
        catch (TslValidationException e)
        {
            return FieldErrors.From(e.Errors);
        }
    }

    static void WriteParams(Utf8JsonWriter w, string key, List<ParamForm> parameters)
    {
        w.WriteStartArray(key);
        foreach (var p in parameters) p.Write(w);
        w.WriteEndArray();
    }
}
