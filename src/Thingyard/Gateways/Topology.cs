// Gateway topology: which sub-devices a gateway may carry. Sub-devices are of the same account, are not gateways
// themselves, and belong to one gateway at a time (adding moves them).
using Microsoft.EntityFrameworkCore;
using Thingyard.Registry;
using Thingyard.Storage;

namespace Thingyard.Gateways;

public sealed class Topology(IDbContextFactory<ThingyardDb> dbs, TopologyChanges changes, TimeProvider time)
{
    public const int MaxSubDevices = 2000;

    public async Task AddAsync(long gatewayId, IReadOnlyList<long> subDeviceIds, CancellationToken ct = default)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        var existing = await db.GatewayLinks.Where(l => subDeviceIds.Contains(l.SubDeviceId)).ToListAsync(ct);
        var count = await db.GatewayLinks.CountAsync(l => l.GatewayDeviceId == gatewayId, ct);
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        var joined = new List<long>();
        var moved = new List<(long From, long Id)>();
        foreach (var id in subDeviceIds.Distinct())
        {
            var link = existing.FirstOrDefault(l => l.SubDeviceId == id);
            if (link is null)
            {
                db.GatewayLinks.Add(new GatewayLink { SubDeviceId = id, GatewayDeviceId = gatewayId, CreatedAtMs = now });
                count++;
                joined.Add(id);
            }
            else if (link.GatewayDeviceId != gatewayId)
            {
                moved.Add((link.GatewayDeviceId, id));
                link.GatewayDeviceId = gatewayId;
                link.CreatedAtMs = now;
                count++;
                joined.Add(id);
            }
        }
        if (count > MaxSubDevices) throw new InvalidOperationException($"a gateway carries at most {MaxSubDevices} sub-devices");
        await db.SaveChangesAsync(ct);
        // A sub-device that moved left its former gateway.
        foreach (var from in moved.GroupBy(m => m.From)) changes.Publish(new TopologyChange(from.Key, false, from.Select(m => m.Id).ToList()));
        changes.Publish(new TopologyChange(gatewayId, true, joined));
    }

    public async Task<int> RemoveAsync(long gatewayId, IReadOnlyList<long> subDeviceIds, CancellationToken ct = default)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        var links = db.GatewayLinks.Where(l => l.GatewayDeviceId == gatewayId && subDeviceIds.Contains(l.SubDeviceId));
        var leaving = await links.Select(l => l.SubDeviceId).ToListAsync(ct);
        var removed = await links.ExecuteDeleteAsync(ct);
        changes.Publish(new TopologyChange(gatewayId, false, leaving));
        return removed;
    }

    public async Task<bool> IsLinkedAsync(long gatewayId, long subDeviceId, CancellationToken ct = default)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        return await db.GatewayLinks.AnyAsync(l => l.GatewayDeviceId == gatewayId && l.SubDeviceId == subDeviceId, ct);
    }

    public async Task<(List<Device> Devices, int Total)> SubDevicesAsync(long gatewayId, int skip, int take, CancellationToken ct = default)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        var query = from l in db.GatewayLinks
                    join d in db.Devices on l.SubDeviceId equals d.Id
                    where l.GatewayDeviceId == gatewayId
                    orderby l.CreatedAtMs, d.Id
                    select d;
        return (await query.Skip(skip).Take(take).AsNoTracking().ToListAsync(ct), await query.CountAsync(ct));
    }

    public async Task<Device?> GatewayOfAsync(long subDeviceId, CancellationToken ct = default)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        return await (from l in db.GatewayLinks
                      join d in db.Devices on l.GatewayDeviceId equals d.Id
                      where l.SubDeviceId == subDeviceId
                      select d).AsNoTracking().FirstOrDefaultAsync(ct);
    }
}
