// The standard-feature catalogue (thing templates): one TSL document per product category, shipped as embedded JSON
// (ThingModels/Templates/*.json) and parsed once with the same TSL parser as any imported model.
using System.Reflection;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Thingyard.Common;
using Thingyard.Protocol.Tsl;

namespace Thingyard.ThingModels;

/// <summary>One category's standard features. <see cref="Tsl"/> is the canonical TSL (as GetThingModelTsl writes it,
/// with the generated post event and set/get services), its profile naming the category instead of a product.</summary>
public sealed record ThingTemplate(string CategoryKey, string CategoryName, ThingModel Model, string Tsl)
{
    /// <summary>The named features of this template, in the template's order.</summary>
    /// <exception cref="IotException">iot.tsl.NotExistedIdentifier for a name the template does not have.</exception>
    public ThingModel Features(IReadOnlyCollection<string> identifiers)
    {
        var wanted = identifiers.ToHashSet(StringComparer.Ordinal);
        foreach (var identifier in wanted)
            if (!Model.Contains(identifier))
                throw new IotException(IotErrors.TslFeatureNotFound,
                    $"The {CategoryKey} template has no feature '{identifier}'; GetThingTemplate lists its features.");
        return new ThingModel(Model.Properties.Where(p => wanted.Contains(p.Identifier)).ToList(),
            Model.Events.Where(e => wanted.Contains(e.Identifier)).ToList(),
            Model.Services.Where(s => wanted.Contains(s.Identifier)).ToList());
    }
}

public static class ThingTemplates
{
    const string Prefix = "Thingyard.ThingModels.Templates.";

    // The writer's own escaping: names and units such as °C stay readable.
    static readonly JsonSerializerOptions TslJson = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    static readonly Lazy<IReadOnlyList<ThingTemplate>> Loaded = new(Load);

    /// <summary>Every category, in CategoryKey order.</summary>
    public static IReadOnlyList<ThingTemplate> All => Loaded.Value;

    public static ThingTemplate? Find(string? categoryKey) =>
        categoryKey is null ? null : All.FirstOrDefault(t => t.CategoryKey == categoryKey);

    /// <exception cref="IotException">iot.prod.NotExistedCategory for a key not in the catalogue.</exception>
    public static ThingTemplate Get(string categoryKey) => Find(categoryKey)
        ?? throw new IotException(IotErrors.CategoryNotFound,
            $"The category '{categoryKey}' does not exist; ListThingTemplates lists the categories ({string.Join(", ", All.Select(t => t.CategoryKey))}).");

    static IReadOnlyList<ThingTemplate> Load()
    {
        var assembly = typeof(ThingTemplates).Assembly;
        return assembly.GetManifestResourceNames().Where(n => n.StartsWith(Prefix, StringComparison.Ordinal))
            .Select(n => Read(assembly, n)).OrderBy(t => t.CategoryKey, StringComparer.Ordinal).ToList();
    }

    /// <summary>A template file is {"categoryKey", "categoryName", "tsl": {...}}; a broken one fails loudly at first use
    /// (and in the test that parses every template), never half-loads.</summary>
    static ThingTemplate Read(Assembly assembly, string resource)
    {
        using var stream = assembly.GetManifestResourceStream(resource)!;
        var root = JsonNode.Parse(stream)!.AsObject();
        var key = (string)root["categoryKey"]!;
        var name = (string)root["categoryName"]!;
        ThingModel model;
        try
        {
            model = TslParser.Parse(root["tsl"]!.ToJsonString());
        }
        catch (TslValidationException e)
        {
            throw new InvalidOperationException($"The thing template {resource} is not valid TSL: {e.Message}", e);
        }
        var tsl = JsonNode.Parse(TslWriter.ToTslJson(model, ""))!.AsObject();
        tsl["profile"] = new JsonObject { ["categoryKey"] = key };
        return new ThingTemplate(key, name, model, tsl.ToJsonString(TslJson));
    }
}
