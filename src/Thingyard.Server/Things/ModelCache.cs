// The thing model each product's devices are checked against: the latest published version, or the draft while
// nothing is published. Cached per product for a few seconds so the message path never waits on the database.
using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using Thingyard.Storage;
using Thingyard.ThingModels;

namespace Thingyard.Server.Things;

public sealed class ModelCache(IDbContextFactory<ThingyardDb> dbs, TimeProvider time)
{
    static readonly TimeSpan Ttl = TimeSpan.FromSeconds(5);
    readonly ConcurrentDictionary<long, (Task<ThingModel> Model, long Expires)> _cache = new();

    public Task<ThingModel> GetAsync(long productId)
    {
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        if (_cache.TryGetValue(productId, out var hit) && hit.Expires > now && !hit.Model.IsFaulted) return hit.Model;
        var load = LoadAsync(productId);
        _cache[productId] = (load, now + (long)Ttl.TotalMilliseconds);
        return load;
    }

    /// <summary>Called after a thing model is edited or published.</summary>
    public void Invalidate(long productId) => _cache.TryRemove(productId, out _);

    async Task<ThingModel> LoadAsync(long productId)
    {
        await using var db = await dbs.CreateDbContextAsync();
        var rows = await db.ThingModels.AsNoTracking()
            .Where(m => m.ProductId == productId && m.FunctionBlockId == "")
            .OrderByDescending(m => m.Version != null).ThenByDescending(m => m.CreatedAtMs).ThenByDescending(m => m.Id)
            .Select(m => m.TslJson).Take(1).ToListAsync();
        return rows.Count == 0 ? ThingModelDraft.Empty : TslParser.Parse(rows[0]);
    }
}
