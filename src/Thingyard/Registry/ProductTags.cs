// Product tags: create/update, delete, list and find products by tag, with the platform's key and value rules.
using Microsoft.EntityFrameworkCore;
using Thingyard.Access;
using Thingyard.Common;
using Thingyard.Storage;

namespace Thingyard.Registry;

public sealed class ProductTags(ThingyardDb db)
{
    public const int MaxTagsPerProduct = 100;

    /// <summary>Returns the tags that were refused (bad key or value), as the platform's InvalidProductTags does; the rest are saved.</summary>
    public async Task<List<KeyValuePair<string, string>>> SaveAsync(Product product, IReadOnlyList<KeyValuePair<string, string>> tags, CancellationToken ct = default)
    {
        var existing = await db.ProductTags.Where(t => t.ProductId == product.Id).ToDictionaryAsync(t => t.Key, ct);
        var invalid = new List<KeyValuePair<string, string>>();
        foreach (var (key, value) in tags)
        {
            var ok = key.Length is > 0 and <= 30 && value.Length is > 0 and <= 128 && key.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '.' or '-');
            if (!ok || (!existing.ContainsKey(key) && existing.Count >= MaxTagsPerProduct)) { invalid.Add(new(key, value)); continue; }
            if (existing.TryGetValue(key, out var tag)) tag.Value = value;
            else existing[key] = db.ProductTags.Add(new ProductTag { ProductId = product.Id, Key = key, Value = value }).Entity;
        }
        await db.SaveChangesAsync(ct);
        return invalid;
    }

    public Task<List<ProductTag>> ListAsync(Product product, CancellationToken ct = default) =>
        db.ProductTags.Where(t => t.ProductId == product.Id).OrderBy(t => t.Key).ToListAsync(ct);

    public Task<int> DeleteAsync(Product product, IReadOnlyList<string> keys, CancellationToken ct = default) =>
        db.ProductTags.Where(t => t.ProductId == product.Id && keys.Contains(t.Key)).ExecuteDeleteAsync(ct);

    public async Task<List<Product>> FindProductsAsync(Caller caller, IReadOnlyList<KeyValuePair<string, string>> tags, Paging paging, CancellationToken ct = default)
    {
        if (tags.Count == 0) throw IotException.Invalid("Give at least one ProductTag.");
        var ids = new HashSet<long>();
        foreach (var (key, value) in tags)
        {
            var matches = await db.ProductTags.Where(t => t.Key == key && (value == "" || t.Value == value)).Select(t => t.ProductId).ToListAsync(ct);
            ids.UnionWith(matches);
        }
        return await db.Products.VisibleTo(caller).Where(p => ids.Contains(p.Id))
            .OrderBy(p => p.Id).Skip(paging.Skip).Take(paging.PageSize).ToListAsync(ct);
    }
}
