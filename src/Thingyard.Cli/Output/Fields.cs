// Prints a JSON object's scalar properties as aligned "Key: value" lines.
using System.Text.Json;

namespace Thingyard.Cli.Output;

public static class Fields
{
    /// <summary>Properties named in <paramref name="first"/> come first (in that order), then the rest as the server sent them.</summary>
    public static void Write(TextWriter output, JsonElement obj, params string[] first)
    {
        var scalars = obj.EnumerateObject().Where(p => p.Value.ValueKind is not (JsonValueKind.Object or JsonValueKind.Array)).ToList();
        var ordered = scalars.OrderBy(p => Array.IndexOf(first, p.Name) is var i and >= 0 ? i : first.Length).ToList();
        var width = ordered.Select(p => p.Name.Length).DefaultIfEmpty(0).Max() + 1;
        foreach (var p in ordered)
            output.WriteLine($"{(p.Name + ":").PadRight(width)} {JsonText.Scalar(p.Value)}");
    }
}
