// The compiled topic classes of each product the broker has seen, for the ACL on every /pk/dn/user/... publish and
// subscribe: one dictionary lookup when cached; loaded on first need and dropped when TopicClassChanges reports an edit.
using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using Thingyard.Protocol.Topics;
using Thingyard.Storage;

namespace Thingyard.Topics;

public sealed class TopicClassDirectory
{
    readonly IDbContextFactory<ThingyardDb> _dbs;
    readonly ConcurrentDictionary<long, TopicClassSet> _products = new();
    long _version;

    public TopicClassDirectory(IDbContextFactory<ThingyardDb> dbs, TopicClassChanges changes)
    {
        _dbs = dbs;
        changes.Changed += productId =>
        {
            Interlocked.Increment(ref _version);
            _products.TryRemove(productId, out _);
        };
    }

    public ValueTask<TopicClassSet> ForProductAsync(long productId, CancellationToken ct = default) =>
        _products.TryGetValue(productId, out var set) ? ValueTask.FromResult(set) : new ValueTask<TopicClassSet>(LoadAsync(productId, ct));

    async Task<TopicClassSet> LoadAsync(long productId, CancellationToken ct)
    {
        var version = Interlocked.Read(ref _version);
        await using var db = await _dbs.CreateDbContextAsync(ct);
        var rules = await db.ProductTopicClasses.Where(t => t.ProductId == productId)
            .Select(t => new TopicClassRule(t.ShortName, t.Operation)).ToListAsync(ct);
        var set = new TopicClassSet(rules);
        // A change while loading may be missing from what was read: keep it for this call only.
        _products[productId] = set;
        if (Interlocked.Read(ref _version) != version) _products.TryRemove(productId, out _);
        return set;
    }
}
