// Shadow payloads as the C SDK 3.x writes them: IOT_Shadow_DeleteAttribute emits an empty element
// ({"method":"delete",,"state":...}), which Alibaba's service accepts. Empty elements are dropped before parsing;
// anything else that is not JSON stays an error.
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Thingyard.Server.Shadows;

public static partial class LenientJson
{
    /// <summary>Parses a JSON object, tolerating empty elements (",," or a comma right after "{" / "[") and trailing commas.</summary>
    public static JsonObject? ParseObject(byte[] utf8)
    {
        try { return JsonNode.Parse(DropEmptyElements(utf8), documentOptions: new JsonDocumentOptions { AllowTrailingCommas = true }) as JsonObject; }
        catch (JsonException) { return null; }
    }

    /// <summary>The clientToken of a payload that did not parse, so its error reply can still be matched.</summary>
    public static string? ClientToken(byte[] utf8) =>
        TokenPattern().Match(Encoding.UTF8.GetString(utf8)) is { Success: true } m ? m.Groups[1].Value : null;

    static byte[] DropEmptyElements(byte[] utf8)
    {
        var output = new List<byte>(utf8.Length);
        var inString = false;
        byte last = 0; // last significant byte outside strings
        for (var i = 0; i < utf8.Length; i++)
        {
            var b = utf8[i];
            if (inString)
            {
                output.Add(b);
                if (b == (byte)'\\' && i + 1 < utf8.Length) output.Add(utf8[++i]);
                else if (b == (byte)'"') { inString = false; last = b; }
                continue;
            }
            if (b == (byte)',' && last is (byte)',' or (byte)'{' or (byte)'[') continue;
            if (b == (byte)'"') inString = true;
            if (b is not ((byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n')) last = b;
            output.Add(b);
        }
        return [.. output];
    }

    [GeneratedRegex("\"clientToken\"\\s*:\\s*\"([^\"\\\\]{1,128})\"")]
    private static partial Regex TokenPattern();
}
