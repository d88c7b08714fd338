// Reads a device's telemetry back by time: latest property values, and pages of property samples, events and
// service calls. Pages walk a time range in either direction; a page never splits rows that share a millisecond,
// so continuing from NextTime neither skips nor repeats a row.
using Microsoft.EntityFrameworkCore;
using Thingyard.Storage;

namespace Thingyard.Telemetry;

/// <summary>One page of a time-ordered query. <see cref="NextValid"/> is true when rows remain in the range;
/// <see cref="NextTime"/> is then the bound to continue from (ascending: the new start; descending: the new end).</summary>
public sealed record TimePage<T>(IReadOnlyList<T> Rows, bool NextValid, long NextTime);

/// <summary>Properties of one device read together: rows per identifier, and one shared continuation point.</summary>
public sealed record MultiTimePage(IReadOnlyList<(string Identifier, IReadOnlyList<PropertySample> Rows)> Series, bool NextValid, long NextTime);

/// <summary>A time range with both ends included; callers may name the ends in either order.</summary>
public readonly record struct TimeRange(long From, long To)
{
    public static TimeRange Between(long a, long b) => new(Math.Min(a, b), Math.Max(a, b));
}

public sealed class TelemetryQueries(IDbContextFactory<ThingyardDb> dbs)
{
    public async Task<List<PropertyLatest>> LatestAsync(long deviceId, CancellationToken ct = default)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        return await db.PropertyLatest.AsNoTracking().Where(p => p.DeviceId == deviceId).ToListAsync(ct);
    }

    public async Task<TimePage<PropertySample>> PropertyAsync(long deviceId, string identifier, TimeRange range, bool asc, int pageSize, CancellationToken ct = default)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        return await PageAsync(db.PropertySamples.AsNoTracking().Where(p => p.DeviceId == deviceId && p.Identifier == identifier),
            range, asc, pageSize, p => p.TimeMs, ct);
    }

    /// <summary>Up to <paramref name="pageSize"/> rows per property. When any property has more, every series is cut at the
    /// same instant so that one NextTime continues all of them.</summary>
    public async Task<MultiTimePage> PropertiesAsync(long deviceId, IReadOnlyList<string> identifiers, TimeRange range, bool asc, int pageSize, CancellationToken ct = default)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        var pages = new List<(string Identifier, TimePage<PropertySample> Page)>();
        foreach (var identifier in identifiers.Distinct())
            pages.Add((identifier, await PageAsync(db.PropertySamples.AsNoTracking().Where(p => p.DeviceId == deviceId && p.Identifier == identifier),
                range, asc, pageSize, p => p.TimeMs, ct)));
        var truncated = pages.Where(p => p.Page.NextValid).ToList();
        if (truncated.Count == 0)
            return new MultiTimePage(pages.Select(p => (p.Identifier, p.Page.Rows)).ToList(), false, asc ? range.To : range.From);
        // The last instant every truncated series has fully covered; rows past it come with the next call.
        var cut = asc ? truncated.Min(p => p.Page.NextTime - 1) : truncated.Max(p => p.Page.NextTime + 1);
        var series = pages.Select(p => (p.Identifier, (IReadOnlyList<PropertySample>)p.Page.Rows.Where(r => asc ? r.TimeMs <= cut : r.TimeMs >= cut).ToList())).ToList();
        return new MultiTimePage(series, true, asc ? cut + 1 : cut - 1);
    }

    public async Task<TimePage<EventRecord>> EventsAsync(long deviceId, string? identifier, string? eventType, TimeRange range, bool asc, int pageSize, CancellationToken ct = default)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        var query = db.Events.AsNoTracking().Where(e => e.DeviceId == deviceId);
        if (!string.IsNullOrEmpty(identifier)) query = query.Where(e => e.Identifier == identifier);
        if (!string.IsNullOrEmpty(eventType)) query = query.Where(e => e.EventType == eventType);
        return await PageAsync(query, range, asc, pageSize, e => e.TimeMs, ct);
    }

    public async Task<TimePage<ServiceRecord>> ServiceCallsAsync(long deviceId, string? identifier, TimeRange range, bool asc, int pageSize, CancellationToken ct = default)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        var query = db.ServiceCalls.AsNoTracking().Where(s => s.DeviceId == deviceId);
        if (!string.IsNullOrEmpty(identifier)) query = query.Where(s => s.Identifier == identifier);
        return await PageAsync(query, range, asc, pageSize, s => s.TimeMs, ct);
    }

    /// <summary>Reads pageSize rows (plus any that share the last row's millisecond) in time order, ties broken by Id.</summary>
    static async Task<TimePage<T>> PageAsync<T>(IQueryable<T> source, TimeRange range, bool asc, int pageSize, Func<T, long> timeOf, CancellationToken ct)
        where T : class
    {
        var (from, to) = (range.From, range.To);
        var inRange = source.Where(r => EF.Property<long>(r, "TimeMs") >= from && EF.Property<long>(r, "TimeMs") <= to);
        var rows = await Order(inRange, asc).Take(pageSize + 1).ToListAsync(ct);
        if (rows.Count <= pageSize)
            return new TimePage<T>(rows, false, rows.Count == 0 ? (asc ? to : from) : Step(timeOf(rows[^1]), asc));

        var boundary = timeOf(rows[pageSize - 1]);
        var page = rows.Take(pageSize).ToList();
        if (timeOf(rows[pageSize]) == boundary)
        {
            // Keep every row of the boundary millisecond on this page.
            page.RemoveAll(r => timeOf(r) == boundary);
            page.AddRange(await Order(source.Where(r => EF.Property<long>(r, "TimeMs") == boundary), asc).ToListAsync(ct));
            var rest = asc
                ? inRange.Where(r => EF.Property<long>(r, "TimeMs") > boundary)
                : inRange.Where(r => EF.Property<long>(r, "TimeMs") < boundary);
            if (!await rest.AnyAsync(ct)) return new TimePage<T>(page, false, Step(boundary, asc));
        }
        return new TimePage<T>(page, true, Step(boundary, asc));
    }

    static IQueryable<T> Order<T>(IQueryable<T> q, bool asc) where T : class => asc
        ? q.OrderBy(r => EF.Property<long>(r, "TimeMs")).ThenBy(r => EF.Property<long>(r, "Id"))
        : q.OrderByDescending(r => EF.Property<long>(r, "TimeMs")).ThenByDescending(r => EF.Property<long>(r, "Id"));

    static long Step(long time, bool asc) => asc ? time + 1 : time - 1;
}
