// Writes a ThingModel as the TSL document GetThingModelTsl returns, with the implicit post event and set/get services.
using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Thingyard.Protocol.Tsl;

public static class TslWriter
{
    public const string SchemaUrl = "https://iotx-tsl.oss-ap-southeast-1.aliyuncs.com/schema.json";

    // Chinese names and units such as °C are written as they are, the way the platform returns them.
    static readonly JsonWriterOptions Options = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>
    /// The canonical TSL: schema, profile, properties, then events with "post" (thing.event.property.post, every property)
    /// first, then services with "set" (thing.service.property.set, the rw properties) and "get" (thing.service.property.get,
    /// the property identifiers in, every property out) first. Numbers in specs are strings.
    /// </summary>
    public static string ToTslJson(ThingModel model, string productKey)
    {
        var buffer = new ArrayBufferWriter<byte>(1024);
        using (var w = new Utf8JsonWriter(buffer, Options))
        {
            w.WriteStartObject();
            w.WriteString("schema", SchemaUrl);
            w.WriteStartObject("profile");
            w.WriteString("productKey", productKey);
            w.WriteEndObject();

            w.WriteStartArray("properties");
            foreach (var p in model.Properties) WriteProperty(w, p);
            w.WriteEndArray();

            w.WriteStartArray("events");
            WriteEvent(w, TslEvent.PostIdentifier, TslEvent.PostIdentifier, TslEvent.Info, required: true, "属性上报", TslEvent.PostMethod,
                model.Properties.Select(p => p.AsParam()));
            foreach (var e in model.Events)
                WriteEvent(w, e.Identifier, e.Name, e.Type, e.Required, e.Description, e.Method, e.OutputData);
            w.WriteEndArray();

            w.WriteStartArray("services");
            WriteService(w, TslService.SetIdentifier, TslService.SetIdentifier, required: true, TslService.Async, "属性设置", TslService.SetMethod,
                input: () => WriteParams(w, model.Properties.Where(p => p.Writable).Select(p => p.AsParam())), output: []);
            WriteService(w, TslService.GetIdentifier, TslService.GetIdentifier, required: true, TslService.Async, "属性获取", TslService.GetMethod,
                input: () =>
                {
                    foreach (var p in model.Properties) w.WriteStringValue(p.Identifier);
                },
                output: model.Properties.Select(p => p.AsParam()));
            foreach (var s in model.Services)
                WriteService(w, s.Identifier, s.Name, s.Required, s.CallType, s.Description, s.Method, () => WriteParams(w, s.InputData), s.OutputData);
            w.WriteEndArray();

            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    static void WriteProperty(Utf8JsonWriter w, TslProperty p)
    {
        w.WriteStartObject();
        w.WriteString("identifier", p.Identifier);
        w.WriteString("name", p.Name);
        w.WriteString("accessMode", p.AccessMode);
        w.WriteBoolean("required", p.Required);
        if (p.Description is not null) w.WriteString("desc", p.Description);
        w.WritePropertyName("dataType");
        WriteDataType(w, p.DataType);
        w.WriteEndObject();
    }

    static void WriteEvent(Utf8JsonWriter w, string identifier, string name, string type, bool required, string? desc, string method,
        IEnumerable<TslParam> output)
    {
        w.WriteStartObject();
        w.WriteString("identifier", identifier);
        w.WriteString("name", name);
        w.WriteString("type", type);
        w.WriteBoolean("required", required);
        if (desc is not null) w.WriteString("desc", desc);
        w.WriteString("method", method);
        w.WriteStartArray("outputData");
        WriteParams(w, output);
        w.WriteEndArray();
        w.WriteEndObject();
    }

    static void WriteService(Utf8JsonWriter w, string identifier, string name, bool required, string callType, string? desc, string method,
        Action input, IEnumerable<TslParam> output)
    {
        w.WriteStartObject();
        w.WriteString("identifier", identifier);
        w.WriteString("name", name);
        w.WriteBoolean("required", required);
        w.WriteString("callType", callType);
        if (desc is not null) w.WriteString("desc", desc);
        w.WriteString("method", method);
        w.WriteStartArray("inputData");
        input();
        w.WriteEndArray();
        w.WriteStartArray("outputData");
        WriteParams(w, output);
        w.WriteEndArray();
        w.WriteEndObject();
    }

    static void WriteParams(Utf8JsonWriter w, IEnumerable<TslParam> parameters)
    {
        foreach (var p in parameters)
        {
            w.WriteStartObject();
            w.WriteString("identifier", p.Identifier);
            w.WriteString("name", p.Name);
            w.WritePropertyName("dataType");
            WriteDataType(w, p.DataType);
            w.WriteEndObject();
        }
    }

    static void WriteDataType(Utf8JsonWriter w, TslDataType t)
    {
        w.WriteStartObject();
        w.WriteString("type", t.Type);
        switch (t.Specs)
        {
            case TslNumericSpecs n:
                w.WriteStartObject("specs");
                if (n.Min is { } min) w.WriteString("min", Number(min));
                if (n.Max is { } max) w.WriteString("max", Number(max));
                if (n.Step is { } step) w.WriteString("step", Number(step));
                if (n.Unit is not null) w.WriteString("unit", n.Unit);
                if (n.UnitName is not null) w.WriteString("unitName", n.UnitName);
                w.WriteEndObject();
                break;
            case TslTextSpecs text:
                w.WriteStartObject("specs");
                w.WriteString("length", text.Length.ToString(CultureInfo.InvariantCulture));
                w.WriteEndObject();
                break;
            case TslEnumSpecs values:
                w.WriteStartObject("specs");
                foreach (var (value, name) in values.Values.OrderBy(v => v.Key))
                    w.WriteString(value.ToString(CultureInfo.InvariantCulture), name);
                w.WriteEndObject();
                break;
            case TslStructSpecs members:
                w.WriteStartArray("specs");
                WriteParams(w, members.Members);
                w.WriteEndArray();
                break;
            case TslArraySpecs array:
                w.WriteStartObject("specs");
                w.WriteString("size", array.Size.ToString(CultureInfo.InvariantCulture));
                w.WritePropertyName("item");
                WriteDataType(w, array.Item);
                w.WriteEndObject();
                break;
            default:
                w.WriteStartObject("specs"); // date
                w.WriteEndObject();
                break;
        }
        w.WriteEndObject();
    }

    static string Number(double d) => d.ToString("R", CultureInfo.InvariantCulture);
}
