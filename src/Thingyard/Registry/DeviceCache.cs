// Devices named by API calls that act on them (commands, queries), read through a short cache: a call to a device
// otherwise cost a DbContext and a query each, which at 1,000 service calls/s was a third of the server's CPU.
// Entries are detached copies: callers read them, never save them. Disable, enable, delete, a new secret and
// distribution drop the device's entries at once (DeviceChanges); anything else shows within Ttl.
using Microsoft.EntityFrameworkCore;
using Thingyard.Common;
using Thingyard.Storage;

namespace Thingyard.Registry;

public sealed class DeviceCache
{
    public static readonly TimeSpan Ttl = TimeSpan.FromSeconds(5);
    const int MaxEntries = 100_000;

    readonly IDbContextFactory<ThingyardDb> dbs;
    readonly ExpiringCache<(long Account, string? IotId, string? ProductKey, string? DeviceName), Device> _cache;

    public DeviceCache(IDbContextFactory<ThingyardDb> dbs, TimeProvider time, DeviceChanges changes)
    {
        this.dbs = dbs;
        _cache = new(Ttl, time, MaxEntries);
        // A change names the device by id, or (a copy received from a peer) by ProductKey and DeviceName only.
        changes.Changed += c => _cache.RemoveWhere(d => d.Id == c.DeviceId || (d.ProductKey == c.ProductKey && d.DeviceName == c.DeviceName));
    }

    /// <summary>As DeviceRegistry.GetAsync, from the cache when it can.</summary>
    public async Task<Device> GetAsync(long accountId, DeviceRef r, CancellationToken ct = default)
    {
        var key = string.IsNullOrEmpty(r.IotId) ? (accountId, null, r.ProductKey, r.DeviceName) : (accountId, r.IotId, (string?)null, (string?)null);
        if (_cache.TryGet(key, out var hit)) return hit;
        await using var db = await dbs.CreateDbContextAsync(ct);
        var device = await DeviceRegistry.GetAsync(db.Devices.AsNoTracking(), accountId, r, ct);
        _cache.Set(key, device);
        return device;
    }
}
