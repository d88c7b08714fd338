// Devices named by API calls that act on them (commands, queries), read through a short cache: a call to a device
// otherwise cost a DbContext and a query each, which at 1,000 service calls/s was a third of the server's CPU.
// Entries are detached copies: callers read them, never save them. Disable, enable, delete, a new secret and
// distribution drop the device's entries at once (DeviceChanges); anything else shows within Ttl.
using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using Thingyard.Common;
using Thingyard.Storage;

namespace Thingyard.Registry;

public sealed class DeviceCache
{
    public static readonly TimeSpan Ttl = TimeSpan.FromSeconds(5);
    const int MaxEntries = 100_000;

    readonly IDbContextFactory<ThingyardDb> dbs;
    readonly TimeProvider time;
    readonly ConcurrentDictionary<(long Account, string? IotId, string? ProductKey, string? DeviceName), (Device Device, long Until)> _cache = new();

    public DeviceCache(IDbContextFactory<ThingyardDb> dbs, TimeProvider time, DeviceChanges changes)
    {
        this.dbs = dbs;
        this.time = time;
        changes.Changed += c =>
        {
            foreach (var entry in _cache)
            {
                var d = entry.Value.Device;
                if (d.Id == c.DeviceId || (d.ProductKey == c.ProductKey && d.DeviceName == c.DeviceName)) _cache.TryRemove(entry);
            }
        };
    }

    /// <summary>The device in the account, or DeviceNotFound (another account's device is not found either).</summary>
    public async Task<Device> GetAsync(long accountId, DeviceRef r, CancellationToken ct = default)
    {
        var key = string.IsNullOrEmpty(r.IotId) ? (accountId, null, r.ProductKey, r.DeviceName) : (accountId, r.IotId, (string?)null, (string?)null);
        var now = time.GetTimestamp();
        if (_cache.TryGetValue(key, out var hit) && hit.Until > now) return hit.Device;
        await using var db = await dbs.CreateDbContextAsync(ct);
        var query = db.Devices.AsNoTracking().Where(d => d.AccountId == accountId);
        query = string.IsNullOrEmpty(r.IotId)
            ? query.Where(d => d.ProductKey == r.ProductKey && d.DeviceName == r.DeviceName)
            : query.Where(d => d.IotId == r.IotId);
        var device = await query.FirstOrDefaultAsync(ct) ?? throw IotException.DeviceNotFound(r.ToString());
        if (_cache.Count >= MaxEntries) _cache.Clear();
        _cache[key] = (device, now + (long)(Ttl.TotalSeconds * time.TimestampFrequency));
        return device;
    }
}
