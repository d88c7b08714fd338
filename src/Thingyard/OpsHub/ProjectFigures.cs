// Computes the Operations Hub's figures for one project: each series and breakdown is one GROUP BY in the database
// (SQLite and PostgreSQL alike: days are integer divisions of UTC milliseconds); only the region breakdown maps
// addresses to regions in memory, one lookup per distinct address.
using Microsoft.EntityFrameworkCore;
using Thingyard.Access;
using Thingyard.Alarms;
using Thingyard.Projects;
using Thingyard.Registry;
using Thingyard.Storage;

namespace Thingyard.OpsHub;

public sealed class ProjectFigures(ThingyardDb db, ProjectRegistry projects, IRegionLookup regions, TimeProvider time)
{
    const long DayMs = OpsDays.DayMs;
    const int TopErrors = 10;

    public async Task<OpsFigures> ComputeAsync(Caller caller, string projectId, long? startMs, long? endMs, CancellationToken ct = default)
    {
        var project = await projects.GetAsync(caller, projectId, ct);
        var days = OpsDays.Of(startMs, endMs, time.GetUtcNow());
        var (from, to) = (days.StartMs, days.EndMs);
        var productIds = db.Products.Where(p => p.ProjectId == project.Id).Select(p => p.Id);
        // Test devices (virtual devices the server runs) are left out, as from every production count.
        var devices = db.Devices.AsNoTracking().Where(d => productIds.Contains(d.ProductId) && !d.IsTest);
        var deviceIds = devices.Select(d => d.Id);

        var activations = await PerDay(devices.Where(d => d.ActivatedAtMs >= from && d.ActivatedAtMs < to).Select(d => d.ActivatedAtMs!.Value / DayMs), ct);
        var connects = await PerDay(devices.Where(d => d.LastOnlineAtMs >= from && d.LastOnlineAtMs < to).Select(d => d.LastOnlineAtMs!.Value / DayMs), ct);
        var endUsers = await PerDay(db.EndUsers.Where(u => u.ProjectId == project.Id && u.CreatedAtMs >= from && u.CreatedAtMs < to).Select(u => u.CreatedAtMs / DayMs), ct);
        var bindings = await PerDay(db.DeviceBindings.Where(b => b.ProjectId == project.Id && !b.Pending && b.CreatedAtMs >= from && b.CreatedAtMs < to)
            .Select(b => b.CreatedAtMs / DayMs), ct);
        var alarms = db.Alarms.AsNoTracking().Where(a => productIds.Contains(a.ProductId));
        var alarmDays = await PerDay(alarms.Where(a => a.FirstAtMs >= from && a.FirstAtMs < to).Select(a => a.FirstAtMs / DayMs), ct);

        // A device is active on a day when it reported a property or an event, or connected (its last connect) then.
        var reported = db.PropertySamples.Where(s => deviceIds.Contains(s.DeviceId) && s.TimeMs >= from && s.TimeMs < to)
            .Select(s => new { s.DeviceId, Day = s.TimeMs / DayMs })
            .Union(db.Events.Where(e => deviceIds.Contains(e.DeviceId) && e.TimeMs >= from && e.TimeMs < to).Select(e => new { e.DeviceId, Day = e.TimeMs / DayMs }))
            .Union(devices.Where(d => d.LastOnlineAtMs >= from && d.LastOnlineAtMs < to).Select(d => new { DeviceId = d.Id, Day = d.LastOnlineAtMs!.Value / DayMs }));
        var active = (await reported.GroupBy(x => x.Day).Select(g => new { g.Key, Count = g.LongCount() }).ToListAsync(ct)).ToDictionary(x => x.Key, x => x.Count);

        var byProduct = await devices.GroupBy(d => d.ProductId).Select(g => new { g.Key, Count = g.LongCount() }).ToListAsync(ct);
        var productNames = await db.Products.Where(p => p.ProjectId == project.Id).Select(p => new { p.Id, p.Name, p.ProductKey }).ToListAsync(ct);
        var byFirmware = await devices.GroupBy(d => d.FirmwareVersion).Select(g => new { g.Key, Count = g.LongCount() }).ToListAsync(ct);
        var byAddress = await devices.GroupBy(d => d.IpAddress).Select(g => new { g.Key, Count = g.LongCount() }).ToListAsync(ct);
        var bySeverity = await alarms.Where(a => a.FirstAtMs >= from && a.FirstAtMs < to).GroupBy(a => a.Severity)
            .Select(g => new { g.Key, Count = g.LongCount() }).ToListAsync(ct);

        var totals = new OpsTotals(
            Devices: await devices.LongCountAsync(ct),
            Activated: await devices.LongCountAsync(d => d.ActivatedAtMs != null, ct),
            OnlineNow: await devices.LongCountAsync(d => d.Status == DeviceStatus.Online, ct),
            EndUsers: await db.EndUsers.LongCountAsync(u => u.ProjectId == project.Id, ct),
            Bindings: await db.DeviceBindings.LongCountAsync(b => b.ProjectId == project.Id && !b.Pending, ct),
            OpenAlarms: await alarms.LongCountAsync(a => a.State != AlarmState.Cleared, ct));

        return new OpsFigures(project.ProjectId, project.Name, OpsDays.Text(days.FirstDay), OpsDays.Text(days.LastDay), totals,
            days.Series(activations), days.Series(active), days.Series(connects), days.Series(endUsers), days.Series(bindings), days.Series(alarmDays),
            Sorted(byProduct.Select(p => new KeyCount(productNames.FirstOrDefault(n => n.Id == p.Key) is { } n ? $"{n.Name} ({n.ProductKey})" : "?", p.Count))),
            Sorted(byFirmware.Select(f => new KeyCount(string.IsNullOrEmpty(f.Key) ? IRegionLookup.Unknown : f.Key, f.Count))),
            Sorted(byAddress.GroupBy(a => regions.RegionOf(a.Key)).Select(g => new KeyCount(g.Key, g.Sum(a => a.Count)))),
            bySeverity.OrderBy(s => s.Key).Select(s => new KeyCount(s.Key.ToString(), s.Count)).ToList(),
            await ErrorsAsync(deviceIds, from, to, ct));
    }

    /// <summary>The most frequent device errors: service replies with a code other than 200, and events of type error.</summary>
    async Task<IReadOnlyList<ErrorCount>> ErrorsAsync(IQueryable<long> deviceIds, long from, long to, CancellationToken ct)
    {
        var replies = await db.ServiceCalls.Where(s => deviceIds.Contains(s.DeviceId) && s.TimeMs >= from && s.TimeMs < to && s.Code != null && s.Code != 200)
            .GroupBy(s => new { s.Identifier, s.Code }).Select(g => new { g.Key.Identifier, g.Key.Code, Count = g.LongCount() })
            .OrderByDescending(x => x.Count).Take(TopErrors).ToListAsync(ct);
        var events = await db.Events.Where(e => deviceIds.Contains(e.DeviceId) && e.TimeMs >= from && e.TimeMs < to && e.EventType == "error")
            .GroupBy(e => e.Identifier).Select(g => new { g.Key, Count = g.LongCount() })
            .OrderByDescending(x => x.Count).Take(TopErrors).ToListAsync(ct);
        return replies.Select(r => new ErrorCount("service", r.Identifier, r.Code!.Value.ToString(System.Globalization.CultureInfo.InvariantCulture), r.Count))
            .Concat(events.Select(e => new ErrorCount("event", e.Key, e.Key, e.Count)))
            .OrderByDescending(e => e.Count).ThenBy(e => e.Source, StringComparer.Ordinal).ThenBy(e => e.Code, StringComparer.Ordinal).Take(TopErrors).ToList();
    }

    static async Task<Dictionary<long, long>> PerDay(IQueryable<long> days, CancellationToken ct) =>
        (await days.GroupBy(d => d).Select(g => new { g.Key, Count = g.LongCount() }).ToListAsync(ct)).ToDictionary(x => x.Key, x => x.Count);

    static List<KeyCount> Sorted(IEnumerable<KeyCount> rows) =>
        rows.OrderByDescending(r => r.Count).ThenBy(r => r.Key, StringComparer.Ordinal).ToList();
}
