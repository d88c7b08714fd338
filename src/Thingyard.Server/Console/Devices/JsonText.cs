// Reading the OpenAPI's response bodies (JsonObject, as ConsoleApi returns them) in the console's pages.
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Thingyard.Server.Console.Devices;

public static class JsonText
{
    /// <summary>A string value as it is, anything else as its JSON text; null for a missing value.</summary>
    public static string? Text(this JsonNode? node) => node switch
    {
        null => null,
        JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>(),
        _ => node.ToJsonString(),
    };

    /// <summary>The items of a list the API wraps in an object ({"List": {"PropertyInfo": [...]}}), or none.</summary>
    public static IEnumerable<JsonObject> Items(this JsonNode? node) =>
        node is JsonArray a ? a.OfType<JsonObject>() : [];

    public static long? Long(this JsonNode? node) => node is JsonValue v && v.TryGetValue<long>(out var n) ? n
        : long.TryParse(node.Text(), System.Globalization.CultureInfo.InvariantCulture, out var parsed) ? parsed : null;

    /// <summary>JSON text indented for reading; text that is not JSON as it is.</summary>
    public static string Pretty(string? json)
    {
        if (string.IsNullOrWhiteSpace(json)) return "";
        try { return JsonNode.Parse(json)?.ToJsonString(Indented) ?? json; }
        catch (JsonException) { return json; }
    }

    /// <summary>How JSON shows in a table cell or panel: kept as written, wrapped to the width.</summary>
    public const string PreStyle = "white-space: pre-wrap; word-break: break-all; margin: 0; font-size: 0.8rem;";

    static readonly JsonSerializerOptions Indented = new() { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
}
