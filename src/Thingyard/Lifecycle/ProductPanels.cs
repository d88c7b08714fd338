// A product's human-machine interface (HMI) panel: pages of sections of widgets bound to the thing model. Each save is
// checked against the published thing model and kept as a new version; a released product's panel is locked.
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.EntityFrameworkCore;
using Thingyard.Common;
using Thingyard.Protocol.Tsl;
using Thingyard.Registry;
using Thingyard.Storage;
using Thingyard.ThingModels;

namespace Thingyard.Lifecycle;

public sealed record PanelWidget(string Type, string Identifier, string? Label = null);
public sealed record PanelSection(string Title, IReadOnlyList<PanelWidget> Widgets);
public sealed record PanelPage(string Title, IReadOnlyList<PanelSection> Sections);
public sealed record PanelDefinition(IReadOnlyList<PanelPage> Pages);

public sealed class ProductPanels(ThingyardDb db, ThingModelStore models, TimeProvider time)
{
    public const int MaxBytes = 64 * 1024;
    public const int MaxWidgets = 200;
    /// <summary>The widget types: what each shows or does, and what it binds to.</summary>
    public static readonly IReadOnlyDictionary<string, string> WidgetTypes = new Dictionary<string, string>
    {
        ["switch"] = "a writable bool property",
        ["slider"] = "a writable int, float or double property",
        ["enum"] = "a writable enum property",
        ["value"] = "any property (shown, not changed)",
        ["chart"] = "an int, float or double property's history",
        ["service"] = "a service (a button that calls it)",
    };

    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    /// <summary>Saves a new version after checking it against the published thing model.</summary>
    public async Task<ProductPanel> SaveAsync(Product product, string definitionJson, string actor, CancellationToken ct = default)
    {
        if (product.ReleaseState == ReleaseStates.Released)
            throw new IotException(IotErrors.ProductReleased, $"Product {product.ProductKey} is released; its panel is locked. Cancel the release (CancelReleaseProduct) to edit it.");
        var definition = Parse(definitionJson);
        var errors = Check(definition, await models.PublishedAsync(product, "", null, ct));
        if (errors.Count > 0) throw new IotException(IotErrors.InvalidPanel, string.Join("; ", errors));
        var version = (await db.ProductPanels.Where(p => p.ProductId == product.Id).MaxAsync(p => (int?)p.Version, ct) ?? 0) + 1;
        var panel = new ProductPanel
        {
            AccountId = product.AccountId, ProductId = product.Id, Version = version, CreatedBy = actor,
            DefinitionJson = JsonSerializer.Serialize(definition, Json), CreatedAtMs = time.GetUtcNow().ToUnixTimeMilliseconds(),
        };
        db.ProductPanels.Add(panel);
        await db.SaveChangesAsync(ct);
        return panel;
    }

    /// <summary>The latest version, or the one asked for; null when the product has no panel yet.</summary>
    public Task<ProductPanel?> GetAsync(Product product, int? version = null, CancellationToken ct = default) =>
        db.ProductPanels.AsNoTracking().Where(p => p.ProductId == product.Id && (version == null || p.Version == version))
            .OrderByDescending(p => p.Version).FirstOrDefaultAsync(ct);

    public Task<List<ProductPanel>> VersionsAsync(Product product, CancellationToken ct = default) =>
        db.ProductPanels.AsNoTracking().Where(p => p.ProductId == product.Id).OrderByDescending(p => p.Version).ToListAsync(ct);

    /// <summary>Problems of the latest panel against the published model (none: the HMI step is done).</summary>
    public async Task<IReadOnlyList<string>> ProblemsAsync(Product product, CancellationToken ct = default)
    {
        var panel = await GetAsync(product, null, ct);
        if (panel is null) return ["no panel has been saved"];
        return Check(Parse(panel.DefinitionJson), await models.PublishedAsync(product, "", null, ct));
    }

    public static PanelDefinition Parse(string json)
    {
        if (System.Text.Encoding.UTF8.GetByteCount(json) > MaxBytes)
            throw new IotException(IotErrors.InvalidPanel, $"A panel definition is at most {MaxBytes / 1024} KB.");
        try
        {
            return JsonSerializer.Deserialize<PanelDefinition>(json, Json) ?? throw new JsonException("null");
        }
        catch (JsonException e)
        {
            throw new IotException(IotErrors.InvalidPanel, $"The panel definition is not valid JSON of pages, sections and widgets: {e.Message}");
        }
    }

    /// <summary>Every problem, each with where it is (pages[0].sections[1].widgets[2]).</summary>
    public static List<string> Check(PanelDefinition panel, ThingModel model)
    {
        var errors = new List<string>();
        if (panel.Pages is not { Count: > 0 }) errors.Add("a panel needs at least one page");
        var widgets = 0;
        for (var p = 0; p < (panel.Pages?.Count ?? 0); p++)
        {
            var page = panel.Pages![p];
            if (string.IsNullOrWhiteSpace(page.Title)) errors.Add($"pages[{p}]: a page needs a title");
            for (var s = 0; s < (page.Sections?.Count ?? 0); s++)
                for (var w = 0; w < (page.Sections![s].Widgets?.Count ?? 0); w++)
                {
                    widgets++;
                    if (Problem(page.Sections[s].Widgets[w], model) is { } problem) errors.Add($"pages[{p}].sections[{s}].widgets[{w}]: {problem}");
                }
        }
        if (widgets > MaxWidgets) errors.Add($"a panel has at most {MaxWidgets} widgets; this one has {widgets}");
        return errors;
    }

    static string? Problem(PanelWidget widget, ThingModel model)
    {
        if (widget.Type is null || !WidgetTypes.ContainsKey(widget.Type))
            return $"unknown widget type '{widget.Type}'; use {string.Join(", ", WidgetTypes.Keys)}";
        if (widget.Type == "service")
            return model.Services.Any(s => s.Identifier == widget.Identifier) ? null : $"'{widget.Identifier}' is not a service of the published thing model";
        var property = model.Properties.FirstOrDefault(x => x.Identifier == widget.Identifier);
        if (property is null) return $"'{widget.Identifier}' is not a property of the published thing model";
        var type = property.DataType.Type;
        var writable = property.AccessMode == "rw";
        var numeric = type is "int" or "float" or "double";
        return widget.Type switch
        {
            "switch" when type != "bool" || !writable => $"a switch needs a writable bool property; '{widget.Identifier}' is {Describe(property)}",
            "slider" when !numeric || !writable => $"a slider needs a writable number property; '{widget.Identifier}' is {Describe(property)}",
            "enum" when type != "enum" || !writable => $"an enum picker needs a writable enum property; '{widget.Identifier}' is {Describe(property)}",
            "chart" when !numeric => $"a chart needs a number property; '{widget.Identifier}' is {Describe(property)}",
            _ => null,
        };
    }

    static string Describe(TslProperty p) => $"{(p.AccessMode == "rw" ? "a writable" : "a read-only")} {p.DataType.Type} property";
}
