// Which consumer groups receive which kinds of a product's messages: the message path asks for every device message,
// so the whole relation table is held in memory (one entry per subscribed product) and reloaded when SubscriptionChanges
// reports a change, or an authorization changes (GrantDirectory.Changed). A product without a subscription costs one
// dictionary lookup; one subscribed only by its owner, one more (the cached array is returned as it is).
// A subscription kept by an account the product is authorized to (Sharing) carries only the devices authorized to that
// account: its groups are added per device.
using Microsoft.EntityFrameworkCore;
using Thingyard.Access;
using Thingyard.Registry;
using Thingyard.Storage;

namespace Thingyard.Subscriptions;

/// <summary>A product's subscriptions: the kinds its owner's forwards and the groups (row ids) that get them, and the
/// subscriptions of accounts devices of it are authorized to.</summary>
public sealed record ProductRoute(MessageKinds Kinds, long[] Groups, GranteeRoute[] Grantees);

/// <summary>An authorized account's subscription: its kinds and groups, for the devices authorized to it only.</summary>
public sealed record GranteeRoute(MessageKinds Kinds, long[] Groups, IReadOnlySet<long> Devices);

public sealed class SubscriptionDirectory
{
    readonly IDbContextFactory<ThingyardDb> _dbs;
    readonly SemaphoreSlim _loading = new(1, 1);
    volatile Dictionary<long, ProductRoute>? _routes;
    int _version;

    public SubscriptionDirectory(IDbContextFactory<ThingyardDb> dbs, SubscriptionChanges changes, GrantDirectory grants)
    {
        _dbs = dbs;
        changes.Changed += _ => Invalidate();
        grants.Changed += Invalidate;
    }

    /// <summary>The groups that receive <paramref name="kind"/> messages of the product's device; empty when none.</summary>
    public ValueTask<long[]> GroupsAsync(long productId, long deviceId, MessageKinds kind, CancellationToken ct = default)
    {
        if (_routes is { } routes) return ValueTask.FromResult(Pick(routes, productId, deviceId, kind));
        return new ValueTask<long[]>(LoadThenPickAsync(productId, deviceId, kind, ct));
    }

    static long[] Pick(Dictionary<long, ProductRoute> routes, long productId, long deviceId, MessageKinds kind)
    {
        if (!routes.TryGetValue(productId, out var route)) return [];
        var own = (route.Kinds & kind) != 0 ? route.Groups : [];
        if (route.Grantees.Length == 0) return own;
        List<long>? all = null;
        foreach (var g in route.Grantees)
            if ((g.Kinds & kind) != 0 && g.Devices.Contains(deviceId)) (all ??= [.. own]).AddRange(g.Groups);
        return all is null ? own : [.. all.Distinct()];
    }

    async Task<long[]> LoadThenPickAsync(long productId, long deviceId, MessageKinds kind, CancellationToken ct)
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
            return Pick(_routes, productId, deviceId, kind);
        }
        finally { _loading.Release(); }
    }

    async Task<Dictionary<long, ProductRoute>> LoadAsync(CancellationToken ct)
    {
        await using var db = await _dbs.CreateDbContextAsync(ct);
        var rows = await (from r in db.SubscribeRelations
                          join g in db.SubscribeRelationGroups on r.Id equals g.RelationId
                          select new { r.ProductId, Subscriber = r.AccountId, r.Kinds, g.ConsumerGroupId }).ToListAsync(ct);
        var productIds = rows.Select(r => r.ProductId).Distinct().ToList();
        var products = await db.Products.AsNoTracking().Where(p => productIds.Contains(p.Id)).ToDictionaryAsync(p => p.Id, ct);
        // The devices authorized to each (product, account), for the subscriptions of accounts that do not own the product.
        var authorized = (await db.DeviceAuthorizations.AsNoTracking().Where(g => productIds.Contains(g.ProductId))
                .Select(g => new { g.ProductId, g.GranteeAccountId, g.DeviceId }).ToListAsync(ct))
            .GroupBy(g => (g.ProductId, g.GranteeAccountId)).ToDictionary(g => g.Key, g => (IReadOnlySet<long>)g.Select(x => x.DeviceId).ToHashSet());
        var routes = new Dictionary<long, ProductRoute>();
        foreach (var byProduct in rows.GroupBy(r => r.ProductId))
        {
            if (!products.TryGetValue(byProduct.Key, out var product)) continue;
            var owners = byProduct.Where(r => product.IsOwnedBy(r.Subscriber)).ToList();
            var grantees = byProduct.Where(r => !product.IsOwnedBy(r.Subscriber)).GroupBy(r => r.Subscriber)
                .Select(g => new GranteeRoute(g.Aggregate(MessageKinds.None, (k, r) => k | r.Kinds), g.Select(r => r.ConsumerGroupId).Distinct().ToArray(),
                    authorized.GetValueOrDefault((byProduct.Key, g.Key)) ?? new HashSet<long>()))
                .ToArray();
            routes[byProduct.Key] = new ProductRoute(owners.Aggregate(MessageKinds.None, (k, r) => k | r.Kinds),
                owners.Select(r => r.ConsumerGroupId).Distinct().ToArray(), grantees);
        }
        return routes;
    }

    void Invalidate()
    {
        Interlocked.Increment(ref _version);
        _routes = null;
    }
}
