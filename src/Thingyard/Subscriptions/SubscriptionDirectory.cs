// Which consumer groups receive which kinds of a product's messages: the message path asks for every device message,
// so the whole relation table is held in memory (one row per subscribed product) and reloaded when SubscriptionChanges
// reports a change. A product without a subscription costs one dictionary lookup.
using Microsoft.EntityFrameworkCore;
using Thingyard.Storage;

namespace Thingyard.Subscriptions;

/// <summary>A product's subscription: the kinds it forwards and the groups (row ids) that get them.</summary>
public sealed record ProductRoute(MessageKinds Kinds, long[] Groups);

public sealed class SubscriptionDirectory
{
    readonly IDbContextFactory<ThingyardDb> _dbs;
    readonly SemaphoreSlim _loading = new(1, 1);
    volatile Dictionary<long, ProductRoute>? _routes;
    int _version;

    public SubscriptionDirectory(IDbContextFactory<ThingyardDb> dbs, SubscriptionChanges changes)
    {
        _dbs = dbs;
        changes.Changed += _ => Invalidate();
    }

    /// <summary>The groups that receive <paramref name="kind"/> messages of the product; empty when none.</summary>
    public ValueTask<long[]> GroupsAsync(long productId, MessageKinds kind, CancellationToken ct = default)
    {
        if (_routes is { } routes) return ValueTask.FromResult(Pick(routes, productId, kind));
        return new ValueTask<long[]>(LoadThenPickAsync(productId, kind, ct));
    }

    static long[] Pick(Dictionary<long, ProductRoute> routes, long productId, MessageKinds kind) =>
        routes.TryGetValue(productId, out var route) && (route.Kinds & kind) != 0 ? route.Groups : [];

    async Task<long[]> LoadThenPickAsync(long productId, MessageKinds kind, CancellationToken ct)
    {
        await _loading.WaitAsync(ct);
        try
        {
            while (_routes is null)
            {
                var version = Volatile.Read(ref _version);
                var loaded = await LoadAsync(ct);
                // A change during the load may be missing from it: load again.
                if (Volatile.Read(ref _version) == version) _routes = loaded;
            }
            return Pick(_routes, productId, kind);
        }
        finally { _loading.Release(); }
    }

    async Task<Dictionary<long, ProductRoute>> LoadAsync(CancellationToken ct)
    {
        await using var db = await _dbs.CreateDbContextAsync(ct);
        var rows = await (from r in db.SubscribeRelations
                          join g in db.SubscribeRelationGroups on r.Id equals g.RelationId
                          select new { r.ProductId, r.Kinds, g.ConsumerGroupId }).ToListAsync(ct);
        return rows.GroupBy(r => r.ProductId).ToDictionary(
            g => g.Key,
            g => new ProductRoute(g.Aggregate(MessageKinds.None, (k, r) => k | r.Kinds), g.Select(r => r.ConsumerGroupId).Distinct().ToArray()));
    }

    void Invalidate()
    {
        Interlocked.Increment(ref _version);
        _routes = null;
    }
}
