// Devices named by API calls that act on them (commands, queries), read through a short cache: a call to a device
// otherwise cost a DbContext and a query each, which at 1,000 service calls/s was a third of the server's CPU.
// Entries are detached copies: callers read them, never save them. Disable, enable, delete, a new secret and
// distribution drop the device's entries at once (DeviceChanges); anything else shows within Ttl.
// Entries are keyed by the device's name alone, whoever asks: every hit is checked against the caller (AccessRules), so
// the cache holds each device once and answers another account's caller exactly as the database lookup would.
using Microsoft.EntityFrameworkCore;
using Thingyard.Access;
using Thingyard.Common;
using Thingyard.Storage;

namespace Thingyard.Registry;

public sealed class DeviceCache
{
    public static readonly TimeSpan Ttl = TimeSpan.FromSeconds(5);
    const int MaxEntries = 100_000;

    readonly IDbContextFactory<ThingyardDb> dbs;
    readonly ExpiringCache<(string? IotId, string? ProductKey, string? DeviceName), Device> _cache;

    public DeviceCache(IDbContextFactory<ThingyardDb> dbs, TimeProvider time, DeviceChanges changes)
    {
        this.dbs = dbs;
        _cache = new(Ttl, time, MaxEntries);
        // A change names the device by id, or (a copy received from a peer) by ProductKey and DeviceName only.
        // Only devices found are cached, so a device just created has nothing to drop (and a batch of them would scan the
        // cache once each).
        changes.Changed += c =>
        {
            if (c.Kind != DeviceChangeKind.Created)
                _cache.RemoveWhere(d => d.Id == c.DeviceId || (d.ProductKey == c.ProductKey && d.DeviceName == c.DeviceName));
        };
    }

    /// <summary>As DeviceRegistry.GetAsync, from the cache when it can.</summary>
    public async Task<Device> GetAsync(Caller caller, DeviceRef r, CancellationToken ct = default)
    {
        var key = string.IsNullOrEmpty(r.IotId) ? (null, r.ProductKey, r.DeviceName) : (r.IotId, (string?)null, (string?)null);
        Device? device;
        if (_cache.TryGet(key, out var hit)) device = hit;
        else
        {
            await using var db = await dbs.CreateDbContextAsync(ct);
            device = await db.Devices.AsNoTracking().FirstOrDefaultAsync(DeviceRegistry.Named(r), ct);
            if (device is not null) _cache.Set(key, device);
        }
        return device.VisibleOrNotFound(caller, () => DeviceRegistry.NotFound(r));
    }
}
