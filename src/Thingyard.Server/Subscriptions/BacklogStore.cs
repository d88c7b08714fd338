// The Backlog table for the delivery engine: pages of a group's messages in id order, accepted messages handed to the
// telemetry writer to delete (on SQLite a second writer would only wait for the first one's lock), and the retention
// sweep that drops what nobody consumed in time, counted on the group (ConsumerGroup.DroppedCount).
using Microsoft.EntityFrameworkCore;
using Thingyard.Storage;
using Thingyard.Subscriptions;
using Thingyard.Telemetry;

namespace Thingyard.Server.Subscriptions;

public sealed class BacklogStore(IDbContextFactory<ThingyardDb> dbs, TelemetryPipeline telemetry, ILogger<BacklogStore> log)
{
    public async Task<List<BacklogMessage>> PageAsync(long groupId, long afterId, int count)
    {
        await using var db = await dbs.CreateDbContextAsync();
        return await db.Backlog.AsNoTracking().Where(m => m.ConsumerGroupId == groupId && m.Id > afterId).OrderBy(m => m.Id).Take(count).ToListAsync();
    }

    public void SendFailed(long groupId, Exception e) => log.LogError(e, "Consumer group {Group}: sending to its clients failed; what was not sent goes again after the ack timeout", groupId);

    public void LoadFailed(long groupId, Exception e) => log.LogWarning(e, "Consumer group {Group}: reading its backlog failed; retrying at the next delivery", groupId);

    /// <summary>Queues the deletion of an accepted message. The writer commits it later; after a crash before that,
    /// the message is delivered once more (at least once).</summary>
    public void Delete(long groupId, long id) => telemetry.Accept(groupId, id);

    public async Task<long> CountAsync(long groupId, CancellationToken ct)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        return await db.Backlog.LongCountAsync(m => m.ConsumerGroupId == groupId, ct);
    }

    /// <summary>Drops messages older than <paramref name="olderThanMs"/> and, per group, the oldest beyond
    /// <paramref name="maxPerGroup"/>; adds what each group lost to its DroppedCount. Returns the groups touched.</summary>
    public async Task<List<long>> TrimAsync(long olderThanMs, long maxPerGroup, CancellationToken ct)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        var dropped = new Dictionary<long, long>();
        var expired = await db.Backlog.Where(m => m.GenerateTimeMs < olderThanMs).GroupBy(m => m.ConsumerGroupId)
            .Select(g => new { g.Key, Count = g.LongCount() }).ToListAsync(ct);
        if (expired.Count > 0)
        {
            await db.Backlog.Where(m => m.GenerateTimeMs < olderThanMs).ExecuteDeleteAsync(ct);
            foreach (var e in expired) dropped[e.Key] = e.Count;
        }
        var oversized = await db.Backlog.GroupBy(m => m.ConsumerGroupId).Select(g => new { g.Key, Count = g.LongCount() })
            .Where(g => g.Count > maxPerGroup).ToListAsync(ct);
        foreach (var g in oversized)
        {
            var excess = g.Count - maxPerGroup;
            // The newest id to drop: everything of the group up to it goes.
            var cut = await db.Backlog.Where(m => m.ConsumerGroupId == g.Key).OrderBy(m => m.Id).Skip((int)Math.Min(excess - 1, int.MaxValue)).Select(m => m.Id).FirstAsync(ct);
            var n = await db.Backlog.Where(m => m.ConsumerGroupId == g.Key && m.Id <= cut).ExecuteDeleteAsync(ct);
            dropped[g.Key] = dropped.GetValueOrDefault(g.Key) + n;
        }
        foreach (var (group, count) in dropped)
        {
            await db.ConsumerGroups.Where(c => c.Id == group).ExecuteUpdateAsync(s => s.SetProperty(c => c.DroppedCount, c => c.DroppedCount + count), ct);
            log.LogWarning("Consumer group {Group}: {Count} unconsumed message(s) dropped (past the retention or the backlog limit)", group, count);
        }
        return [.. dropped.Keys];
    }

    /// <summary>The largest message id stored, so new ids stay above it after a restart.</summary>
    public async Task<long> MaxIdAsync(CancellationToken ct)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        return await db.Backlog.Select(m => (long?)m.Id).MaxAsync(ct) ?? 0;
    }
}
