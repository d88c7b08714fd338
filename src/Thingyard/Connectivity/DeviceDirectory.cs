// Looks up device credentials for the broker, with a short cache so reconnect storms don't all hit the database.
using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using Thingyard.Storage;

namespace Thingyard.Connectivity;

public sealed class DeviceDirectory
{
    readonly IDbContextFactory<ThingyardDb> dbs;
    readonly TimeProvider time;

    public DeviceDirectory(IDbContextFactory<ThingyardDb> dbs, TimeProvider time, Registry.DeviceChanges changes)
    {
        this.dbs = dbs;
        this.time = time;
        changes.Changed += c => Invalidate(c.ProductKey, c.DeviceName);
    }

    static readonly TimeSpan Ttl = TimeSpan.FromSeconds(30);
    readonly ConcurrentDictionary<(string, string), (DeviceCredential? Credential, long Expires)> _cache = new();

    public async Task<DeviceCredential?> FindAsync(string productKey, string deviceName, CancellationToken ct = default)
    {
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        if (_cache.TryGetValue((productKey, deviceName), out var hit) && hit.Expires > now) return hit.Credential;
        await using var db = await dbs.CreateDbContextAsync(ct);
        var row = await (from d in db.Devices
                         join p in db.Products on d.ProductId equals p.Id
                         where d.ProductKey == productKey && d.DeviceName == deviceName
                         select new
                         {
                             d.Id, d.AccountId, d.ProductId, d.IotId, d.DeviceSecret, d.Status, d.DeviceToken, p.NodeType, p.DataFormat,
                             Away = db.DeviceDistributions.Any(x => x.DeviceId == d.Id),
                         })
            .FirstOrDefaultAsync(ct);
        var credential = row is null ? null : new DeviceCredential(
            new DeviceIdentity(row.Id, row.AccountId, row.ProductId, productKey, deviceName, row.IotId, row.NodeType, row.DataFormat),
            row.DeviceSecret, row.Status, row.DeviceToken, row.Away);
        _cache[(productKey, deviceName)] = (credential, now + (long)Ttl.TotalMilliseconds);
        if (Interlocked.Increment(ref _inserts) % SweepEvery == 0) Sweep(now);
        return credential;
    }

    // Expired entries are otherwise only replaced, never dropped: a fleet that has all connected once would keep every
    // device's credential in memory for good. A sweep every few thousand lookups keeps the cache to the last Ttl's worth.
    const int SweepEvery = 4096;
    long _inserts;

    void Sweep(long now)
    {
        foreach (var entry in _cache)
            if (entry.Value.Expires <= now) _cache.TryRemove(entry);
    }

    public int CachedCount => _cache.Count;

    /// <summary>Called whenever a device's secret, status or existence changes.</summary>
    public void Invalidate(string productKey, string deviceName) => _cache.TryRemove((productKey, deviceName), out _);
}
