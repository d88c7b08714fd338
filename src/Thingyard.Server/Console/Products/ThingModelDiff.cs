// What the draft changes against the latest published thing model, feature by feature: added, removed, or changed with
// the lines that differ ("dataType.specs.max: 100 → 120"). Each feature is compared in its TSL form as TslWriter writes
// it, so the lines read like the document a device developer sees.
using System.Text.Json;
using Thingyard.Protocol.Tsl;

namespace Thingyard.Server.Console.Products;

public enum ChangeKind { Added, Removed, Changed }

public sealed record FeatureChange(ChangeKind Change, FeatureKind Kind, string Identifier, string Name, IReadOnlyList<string> Lines);

public static class ThingModelDiff
{
    /// <summary>Changes from <paramref name="published"/> (null: nothing published yet) to <paramref name="draft"/>, in the
    /// draft's order, removed features last.</summary>
    public static List<FeatureChange> Compare(ThingModel? published, ThingModel draft)
    {
        var before = Features(published ?? new ThingModel([], [], []));
        var after = Features(draft);
        var changes = new List<FeatureChange>();
        foreach (var (key, now) in after)
        {
            if (!before.TryGetValue(key, out var was))
            {
                changes.Add(new(ChangeKind.Added, key.Kind, key.Identifier, now.Name, Lines(null, now.Fields)));
                continue;
            }
            var lines = Lines(was.Fields, now.Fields);
            if (lines.Count > 0) changes.Add(new(ChangeKind.Changed, key.Kind, key.Identifier, now.Name, lines));
        }
        foreach (var (key, was) in before)
            if (!after.ContainsKey(key)) changes.Add(new(ChangeKind.Removed, key.Kind, key.Identifier, was.Name, Lines(was.Fields, null)));
        return changes;
    }

    sealed record Flat(string Name, Dictionary<string, string> Fields);

    /// <summary>Each feature, in model order, as its flattened TSL ("dataType.specs.min" → "0").</summary>
    static Dictionary<(FeatureKind Kind, string Identifier), Flat> Features(ThingModel model)
    {
        var result = new Dictionary<(FeatureKind, string), Flat>();
        foreach (var p in model.Properties)
            result[(FeatureKind.Property, p.Identifier)] = new(p.Name, Flatten(new ThingModel([p], [], []), "properties", 0));
        // TslWriter puts the implicit post event first, and the set and get services.
        foreach (var e in model.Events)
            result[(FeatureKind.Event, e.Identifier)] = new(e.Name, Flatten(new ThingModel([], [e], []), "events", 1));
        foreach (var s in model.Services)
            result[(FeatureKind.Service, s.Identifier)] = new(s.Name, Flatten(new ThingModel([], [], [s]), "services", 2));
        return result;
    }

    static Dictionary<string, string> Flatten(ThingModel one, string section, int index)
    {
        using var doc = JsonDocument.Parse(TslWriter.ToTslJson(one, ""));
        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        Walk(doc.RootElement.GetProperty(section)[index], "", fields);
        return fields;
    }

    static void Walk(JsonElement e, string path, Dictionary<string, string> into)
    {
        switch (e.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var p in e.EnumerateObject()) Walk(p.Value, path.Length == 0 ? p.Name : path + "." + p.Name, into);
                break;
            case JsonValueKind.Array:
                var i = 0;
                foreach (var item in e.EnumerateArray()) Walk(item, $"{path}[{i++}]", into);
                if (i == 0) into[path] = "[]";
                break;
            case JsonValueKind.String:
                into[path] = e.GetString()!;
                break;
            default:
                into[path] = e.GetRawText();
                break;
        }
    }

    static List<string> Lines(Dictionary<string, string>? before, Dictionary<string, string>? after)
    {
        var lines = new List<string>();
        if (after is not null)
            foreach (var (path, value) in after)
            {
                if (before is null) lines.Add($"{path}: {value}");
                else if (!before.TryGetValue(path, out var was)) lines.Add($"+ {path}: {value}");
                else if (was != value) lines.Add($"{path}: {was} → {value}");
            }
        if (before is not null)
            foreach (var (path, was) in before)
                if (after is null) lines.Add($"{path}: {was}");
                else if (!after.ContainsKey(path)) lines.Add($"− {path}: {was}");
        return lines;
    }
}
