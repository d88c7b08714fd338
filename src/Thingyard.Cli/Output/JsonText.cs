// JSON as the user reads it: indented documents, and single values as plain text.
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Thingyard.Cli.Output;

public static class JsonText
{
    // Relaxed escaping keeps product names and descriptions in other scripts readable in a terminal.
    static readonly JsonSerializerOptions Indented = new() { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static void Write(TextWriter output, JsonElement element) => output.WriteLine(JsonSerializer.Serialize(element, Indented));

    /// <summary>Unix milliseconds as "yyyy-MM-dd HH:mm:ss" in UTC; anything else as <see cref="Scalar"/>.</summary>
    public static string UtcTime(JsonElement ms) => ms.ValueKind == JsonValueKind.Number
        ? DateTimeOffset.FromUnixTimeMilliseconds(ms.GetInt64()).UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture)
        : Scalar(ms);

    public static string Scalar(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString()!,
        JsonValueKind.Null or JsonValueKind.Undefined => "-",
        _ => value.GetRawText(),
    };

    /// <summary>A field of an answer as text; "" when the answer leaves it out (null fields are not sent).</summary>
    public static string Field(JsonElement obj, string name) => obj.TryGetProperty(name, out var v) ? Scalar(v) : "";
}
