// Products' AliGenie mapping overrides: set (checked against the product's thing model), read, and cleared with an
// empty mapping. The product is looked up through the access layer by the caller; the gateway reads overrides by id.
using Microsoft.EntityFrameworkCore;
using Thingyard.Access;
using Thingyard.Protocol.Tsl;
using Thingyard.Registry;
using Thingyard.Storage;

namespace Thingyard.AliGenie;

public sealed class AliGenieMappings(ThingyardDb db, TimeProvider time)
{
    /// <summary>Stores the override (an empty object or blank clears it) after checking it against <paramref name="model"/>.</summary>
    public async Task<AliGenieMappingRules.Override?> SetAsync(Caller caller, Product product, string? json, ThingModel model, CancellationToken ct = default)
    {
        caller.RequireChange(product);
        var over = string.IsNullOrWhiteSpace(json) ? null : AliGenieMappingRules.Parse(json, model);
        var row = await db.AliGenieMappings.FirstOrDefaultAsync(m => m.ProductId == product.Id, ct);
        if (over is null || over is { DeviceType: null, Icon: null, Attributes.Count: 0 })
        {
            if (row is not null) db.AliGenieMappings.Remove(row);
            await db.SaveChangesAsync(ct);
            return null;
        }
        if (row is null) db.AliGenieMappings.Add(row = new AliGenieMapping { AccountId = product.AccountId, ProductId = product.Id, MappingJson = "" });
        row.MappingJson = json!.Trim();
        row.ModifiedAtMs = time.GetUtcNow().ToUnixTimeMilliseconds();
        await db.SaveChangesAsync(ct);
        return over;
    }

    /// <summary>The product's override JSON, or null.</summary>
    public Task<string?> JsonOfAsync(Product product, CancellationToken ct = default) =>
        db.AliGenieMappings.AsNoTracking().Where(m => m.ProductId == product.Id).Select(m => m.MappingJson).FirstOrDefaultAsync(ct);

    /// <summary>The stored override of each product that has one (the gateway's read, after the devices were checked).</summary>
    public Task<Dictionary<long, string>> JsonByProductAsync(IReadOnlyCollection<long> productIds, CancellationToken ct = default) =>
        db.AliGenieMappings.AsNoTracking().Where(m => productIds.Contains(m.ProductId)).ToDictionaryAsync(m => m.ProductId, m => m.MappingJson, ct);
}
