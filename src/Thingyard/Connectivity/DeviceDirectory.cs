// Looks up device credentials for the broker, with a short cache so reconnect storms don't all hit the database.
using Microsoft.EntityFrameworkCore;
using Thingyard.Common;
using Thingyard.Storage;

namespace Thingyard.Connectivity;

public sealed class DeviceDirectory
{
    static readonly TimeSpan Ttl = TimeSpan.FromSeconds(30);

    readonly IDbContextFactory<ThingyardDb> dbs;
    // Unknown names are cached too (as null), so a flood of made-up names costs one query each per Ttl.
    readonly ExpiringCache<(string, string), DeviceCredential?> _cache;

    public DeviceDirectory(IDbContextFactory<ThingyardDb> dbs, TimeProvider time, Registry.DeviceChanges changes)
    {
        this.dbs = dbs;
        _cache = new(Ttl, time);
        changes.Changed += c => Invalidate(c.ProductKey, c.DeviceName);
    }

    public async Task<DeviceCredential?> FindAsync(string productKey, string deviceName, CancellationToken ct = default)
    {
        if (_cache.TryGet((productKey, deviceName), out var hit)) return hit;
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
        _cache.Set((productKey, deviceName), credential);
        return credential;
    }

    public int CachedCount => _cache.Count;

    /// <summary>Called whenever a device's secret, status or existence changes.</summary>
    public void Invalidate(string productKey, string deviceName) => _cache.Remove((productKey, deviceName));
}
