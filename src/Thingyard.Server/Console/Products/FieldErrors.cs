// The TSL parser's problems ("services[0].inputData[1].dataType.specs.max: must be a number") keyed by the field they
// belong to, relative to the one feature being edited ("inputData[1].dataType.specs.max"), so the editor can show each
// next to its field. Problems of the whole document ("$: ...") keep the key "$".
using System.Text.RegularExpressions;

namespace Thingyard.Server.Console.Products;

public sealed partial class FieldErrors
{
    public static FieldErrors None { get; } = new([]);

    readonly List<(string Path, string Message)> _all;

    FieldErrors(List<(string Path, string Message)> all) => _all = all;

    public IReadOnlyList<(string Path, string Message)> All => _all;

    public bool Any => _all.Count > 0;

    [GeneratedRegex(@"^(properties|events|services)\[\d+\]\.?")]
    private static partial Regex FeaturePrefix();

    public static FieldErrors From(IEnumerable<string> errors) => new(errors.Select(Split).ToList());

    /// <summary>The messages of exactly this field, joined; null when it has none.</summary>
    public string? For(string path)
    {
        var messages = _all.Where(e => e.Path == path).Select(e => e.Message).ToList();
        return messages.Count == 0 ? null : string.Join("; ", messages);
    }

    public bool Has(string path) => _all.Any(e => e.Path == path);

    /// <summary>Adds a problem the platform reported for a field (e.g. an identifier already used by another feature).</summary>
    public FieldErrors With(string path, string message) => new([.. _all, (path, message)]);

    static (string, string) Split(string error)
    {
        var at = error.IndexOf(": ", StringComparison.Ordinal);
        if (at < 0) return ("$", error);
        var path = FeaturePrefix().Replace(error[..at], "");
        return (path.Length == 0 ? "$" : path, error[(at + 2)..]);
    }

    /// <summary>A stable element id for the field at <paramref name="path"/>: "tsl-" and the path with every other
    /// character than a letter or digit made "-" ("dataType.specs.min" is "tsl-dataType-specs-min").</summary>
    public static string Id(string path) => "tsl-" + NotWord().Replace(path, "-").Trim('-');

    [GeneratedRegex(@"[^A-Za-z0-9]+")]
    private static partial Regex NotWord();
}
