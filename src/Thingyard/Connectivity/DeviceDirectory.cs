// Looks up device credentials for the broker. A short cache keeps reconnect storms off the database, and cache
// misses that arrive together (a fleet connecting after an outage) share one query instead of one query each.
using Microsoft.EntityFrameworkCore;
using Thingyard.Common;
using Thingyard.Storage;

namespace Thingyard.Connectivity;

public sealed class DeviceDirectory
{
    static readonly TimeSpan Ttl = TimeSpan.FromSeconds(30);
    const int MaxBatch = 500;

    readonly IDbContextFactory<ThingyardDb> dbs;
    // Unknown names are cached too (as null), so a flood of made-up names costs one query each per Ttl.
    readonly ExpiringCache<(string, string), DeviceCredential?> _cache;

    // Misses waiting for the next query, and the lookups already asked for (a second caller waits on the first).
    readonly object _gate = new();
    readonly List<(string ProductKey, string DeviceName)> _queued = [];
    readonly Dictionary<(string, string), TaskCompletionSource<DeviceCredential?>> _waiting = [];
    bool _querying;
    // Bumped by every invalidation: a query that overlapped one may have read the old row, so it is not cached.
    long _generation;

    /// <summary>This instance's id: a device distributed by nearest access with this instance among its candidates may
    /// still connect here (null: any distribution record means the device lives elsewhere).</summary>
    public string? SelfInstanceId { get; init; }

    public DeviceDirectory(IDbContextFactory<ThingyardDb> dbs, TimeProvider time, Registry.DeviceChanges changes)
    {
        this.dbs = dbs;
        _cache = new(Ttl, time);
        changes.Changed += c => Invalidate(c.ProductKey, c.DeviceName);
    }

    public Task<DeviceCredential?> FindAsync(string productKey, string deviceName, CancellationToken ct = default)
    {
        var key = (productKey, deviceName);
        if (_cache.TryGet(key, out var hit)) return Task.FromResult(hit);
        TaskCompletionSource<DeviceCredential?> pending;
        var start = false;
        lock (_gate)
        {
            if (!_waiting.TryGetValue(key, out pending!))
            {
                pending = new(TaskCreationOptions.RunContinuationsAsynchronously);
                _waiting.Add(key, pending);
                _queued.Add(key);
                start = !_querying;
                _querying = true;
            }
        }
        // The first miss starts the query loop at once; misses that arrive while a query runs go in the next one.
        if (start) _ = Task.Run(QueryLoopAsync, CancellationToken.None);
        return pending.Task.WaitAsync(ct);
    }

    async Task QueryLoopAsync()
    {
        while (true)
        {
            (string, string)[] batch;
            long generation;
            lock (_gate)
            {
                if (_queued.Count == 0) { _querying = false; return; }
                var take = Math.Min(_queued.Count, MaxBatch);
                batch = [.. _queued.GetRange(0, take)];
                _queued.RemoveRange(0, take);
                generation = Interlocked.Read(ref _generation);
            }
            Dictionary<(string, string), DeviceCredential> found;
            try
            {
                found = await LoadAsync(batch);
            }
            catch (Exception e)
            {
                foreach (var key in batch) Complete(key)?.TrySetException(e);
                continue;
            }
            var cache = Interlocked.Read(ref _generation) == generation;
            foreach (var key in batch)
            {
                var credential = found.GetValueOrDefault(key);
                if (cache) _cache.Set(key, credential);
                Complete(key)?.TrySetResult(credential);
            }
        }
    }

    TaskCompletionSource<DeviceCredential?>? Complete((string, string) key)
    {
        lock (_gate) return _waiting.Remove(key, out var pending) ? pending : null;
    }

    async Task<Dictionary<(string, string), DeviceCredential>> LoadAsync((string ProductKey, string DeviceName)[] batch)
    {
        var productKeys = batch.Select(k => k.ProductKey).Distinct().ToList();
        var deviceNames = batch.Select(k => k.DeviceName).Distinct().ToList();
        await using var db = await dbs.CreateDbContextAsync();
        // Both lists are filters, so the query may return pairs nobody asked for; only the asked ones are kept.
        var rows = await (from d in db.Devices
                          join p in db.Products on d.ProductId equals p.Id
                          where productKeys.Contains(d.ProductKey) && deviceNames.Contains(d.DeviceName)
                          select new
                          {
                              d.Id, d.AccountId, d.ProductId, d.ProductKey, d.DeviceName, d.IotId, d.DeviceSecret, d.Status, d.DeviceToken,
                              p.NodeType, p.DataFormat,
                              Targets = db.DeviceDistributions.Where(x => x.DeviceId == d.Id).Select(x => x.TargetInstanceIds).FirstOrDefault(),
                          })
            .ToListAsync();
        var asked = batch.ToHashSet();
        var found = new Dictionary<(string, string), DeviceCredential>(rows.Count);
        foreach (var row in rows)
        {
            var key = (row.ProductKey, row.DeviceName);
            if (!asked.Contains(key)) continue;
            found[key] = new DeviceCredential(
                new DeviceIdentity(row.Id, row.AccountId, row.ProductId, row.ProductKey, row.DeviceName, row.IotId, row.NodeType, row.DataFormat),
                row.DeviceSecret, row.Status, row.DeviceToken, IsAway(row.Targets));
        }
        return found;
    }

    bool IsAway(string? targets) =>
        targets is not null && (SelfInstanceId is null || !targets.Split(',').Contains(SelfInstanceId, StringComparer.Ordinal));

    public int CachedCount => _cache.Count;

    /// <summary>Called whenever a device's secret, status or existence changes.</summary>
    public void Invalidate(string productKey, string deviceName)
    {
        Interlocked.Increment(ref _generation);
        _cache.Remove((productKey, deviceName));
    }
}
