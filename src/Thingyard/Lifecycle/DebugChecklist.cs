// The debugging checklist of a product: what its published thing model asks devices to show before release. Each
// required property reported (every property when the model marks none required), each service answered with code
// 200 and each event received, by any device of the product, real or virtual, with the first device that did it.
using Microsoft.EntityFrameworkCore;
using Thingyard.Registry;
using Thingyard.Storage;
using Thingyard.ThingModels;

namespace Thingyard.Lifecycle;

public sealed record ChecklistItem(string Kind, string Identifier, string Name, bool Done, string? By);

public sealed record Checklist(IReadOnlyList<ChecklistItem> Items)
{
    public bool Complete => Items.All(i => i.Done);
    public IEnumerable<ChecklistItem> Missing => Items.Where(i => !i.Done);
}

public sealed class DebugChecklist(ThingyardDb db, ThingModelStore models)
{
    /// <summary>The Alink built-ins every model carries; they are not features a developer adds.</summary>
    static readonly string[] BuiltIn = ["set", "get", "post"];

    public async Task<Checklist> ForAsync(Product product, CancellationToken ct = default)
    {
        var model = await models.PublishedAsync(product, "", null, ct);
        var devices = db.Devices.Where(d => d.ProductId == product.Id);
        var reported = await (from l in db.PropertyLatest join d in devices on l.DeviceId equals d.Id
                              group d.DeviceName by l.Identifier into g select new { g.Key, By = g.Min() }).ToDictionaryAsync(x => x.Key, x => x.By, ct);
        var answered = await (from s in db.ServiceCalls join d in devices on s.DeviceId equals d.Id where s.Code == 200
                              group d.DeviceName by s.Identifier into g select new { g.Key, By = g.Min() }).ToDictionaryAsync(x => x.Key, x => x.By, ct);
        var received = await (from e in db.Events join d in devices on e.DeviceId equals d.Id
                              group d.DeviceName by e.Identifier into g select new { g.Key, By = g.Min() }).ToDictionaryAsync(x => x.Key, x => x.By, ct);

        var properties = model.Properties.Any(p => p.Required) ? model.Properties.Where(p => p.Required) : model.Properties;
        var items = new List<ChecklistItem>();
        items.AddRange(properties.Select(p => Item("property", p.Identifier, p.Name, reported)));
        items.AddRange(model.Services.Where(s => !BuiltIn.Contains(s.Identifier)).Select(s => Item("service", s.Identifier, s.Name, answered)));
        items.AddRange(model.Events.Where(e => !BuiltIn.Contains(e.Identifier)).Select(e => Item("event", e.Identifier, e.Name, received)));
        return new Checklist(items);
    }

    static ChecklistItem Item(string kind, string identifier, string name, Dictionary<string, string> seen) =>
        new(kind, identifier, name, seen.ContainsKey(identifier), seen.GetValueOrDefault(identifier));
}
