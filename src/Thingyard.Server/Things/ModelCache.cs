// The thing model each product's devices are checked against: the latest published version, or the draft while
// nothing is published. Cached per product for a few seconds so the message path never waits on the database.
using Microsoft.EntityFrameworkCore;
using Thingyard.Common;
using Thingyard.Storage;
using Thingyard.ThingModels;
using Thingyard.Protocol.Tsl;

namespace Thingyard.Server.Things;

public sealed class ModelCache
{
    static readonly TimeSpan Ttl = TimeSpan.FromSeconds(5);
    readonly IDbContextFactory<ThingyardDb> dbs;
    // The load itself is cached, so concurrent messages for a product wait on one query.
    readonly ExpiringCache<long, Task<ThingModel>> _cache;

    public ModelCache(IDbContextFactory<ThingyardDb> dbs, TimeProvider time, ThingModelChanges changes)
    {
        this.dbs = dbs;
        _cache = new(Ttl, time);
        changes.Changed += productId => _cache.Remove(productId); // an edit or publish shows on the next message
    }

    public Task<ThingModel> GetAsync(long productId)
    {
        if (_cache.TryGet(productId, out var hit) && !hit.IsFaulted) return hit;
        var load = LoadAsync(productId);
        _cache.Set(productId, load);
        return load;
    }

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
