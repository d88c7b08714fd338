// The backlog segments (BacklogSegment) for the delivery engine: pages of a group's segments in commit order, fully
// accepted segments handed to the telemetry writer to delete (on SQLite a second writer would only wait for the first
// one's lock), the retention sweep that drops what nobody consumed in time, counted on the group
// (ConsumerGroup.DroppedCount), and the move of an earlier version's one-row-per-message backlog into segments.
using Microsoft.EntityFrameworkCore;
using Thingyard.Storage;
using Thingyard.Subscriptions;
using Thingyard.Telemetry;

namespace Thingyard.Server.Subscriptions;

public sealed class BacklogStore(IDbContextFactory<ThingyardDb> dbs, TelemetryPipeline telemetry, ILogger<BacklogStore> log)
{
    /// <summary>Segments to read at a time.</summary>
    const int SegmentsPerRead = 64;

    /// <summary>The group's segments after <paramref name="afterSeq"/> in commit order, until they hold at least
    /// <paramref name="messages"/> messages; Complete when nothing is left after them.</summary>
    public async Task<(List<BacklogSegment> Segments, bool Complete)> PageAsync(long groupId, long afterSeq, int messages)
    {
        await using var db = await dbs.CreateDbContextAsync();
        var page = new List<BacklogSegment>();
        for (var count = 0; count < messages;)
        {
            var read = await db.BacklogSegments.AsNoTracking().Where(m => m.ConsumerGroupId == groupId && m.Seq > afterSeq).OrderBy(m => m.Seq)
                .Take(SegmentsPerRead).ToListAsync();
            page.AddRange(read);
            if (read.Count < SegmentsPerRead) return (page, true);
            afterSeq = read[^1].Seq;
            count += read.Sum(r => r.Count);
        }
        return (page, false);
    }

    public void SendFailed(long groupId, Exception e) => log.LogError(e, "Consumer group {Group}: sending to its clients failed; what was not sent goes again after the ack timeout", groupId);

    public void LoadFailed(long groupId, Exception e) => log.LogWarning(e, "Consumer group {Group}: reading its backlog failed; retrying at the next delivery", groupId);

    /// <summary>Queues the deletion of a segment whose messages were all accepted. The writer commits it later; after
    /// a crash before that, its messages are delivered once more (at least once).</summary>
    public void Delete(long groupId, long seq) => telemetry.Accept(groupId, seq);

    public async Task<long> CountAsync(long groupId, CancellationToken ct)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        return await db.BacklogSegments.Where(m => m.ConsumerGroupId == groupId).SumAsync(m => (long)m.Count, ct);
    }

    /// <summary>Drops segments whose newest message is older than <paramref name="olderThanMs"/> and, per group, the
    /// oldest segments beyond <paramref name="maxPerGroup"/> messages; adds what each group lost to its DroppedCount.
    /// Returns the groups touched.</summary>
    public async Task<List<long>> TrimAsync(long olderThanMs, long maxPerGroup, CancellationToken ct)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        var dropped = new Dictionary<long, long>();
        var expired = await db.BacklogSegments.Where(m => m.GenerateTimeMs < olderThanMs).GroupBy(m => m.ConsumerGroupId)
            .Select(g => new { g.Key, Count = g.Sum(m => (long)m.Count), Last = g.Max(m => m.Seq) }).ToListAsync(ct);
        foreach (var e in expired)
        {
            dropped[e.Key] = e.Count;
            await db.BacklogSegments.Where(m => m.ConsumerGroupId == e.Key && m.Seq <= e.Last && m.GenerateTimeMs < olderThanMs).ExecuteDeleteAsync(ct);
        }
        var oversized = await db.BacklogSegments.GroupBy(m => m.ConsumerGroupId).Select(g => new { g.Key, Count = g.Sum(m => (long)m.Count) })
            .Where(g => g.Count > maxPerGroup).ToListAsync(ct);
        foreach (var g in oversized)
        {
            // The oldest segments go until what is left fits (a segment is dropped whole).
            var excess = g.Count - maxPerGroup;
            long cut = 0, n = 0;
            await foreach (var s in db.BacklogSegments.AsNoTracking().Where(m => m.ConsumerGroupId == g.Key).OrderBy(m => m.Seq)
                .Select(m => new { m.Seq, m.Count }).AsAsyncEnumerable().WithCancellation(ct))
            {
                cut = s.Seq;
                n += s.Count;
                if (n >= excess) break;
            }
            await db.BacklogSegments.Where(m => m.ConsumerGroupId == g.Key && m.Seq <= cut).ExecuteDeleteAsync(ct);
            dropped[g.Key] = dropped.GetValueOrDefault(g.Key) + n;
        }
        foreach (var (group, count) in dropped)
        {
            await db.ConsumerGroups.Where(c => c.Id == group).ExecuteUpdateAsync(s => s.SetProperty(c => c.DroppedCount, c => c.DroppedCount + count), ct);
            log.LogWarning("Consumer group {Group}: {Count} unconsumed message(s) dropped (past the retention or the backlog limit)", group, count);
        }
        return [.. dropped.Keys];
    }

    /// <summary>An earlier version's backlog (a row per message in the Backlog table) moved into segments, a group's
    /// run of up to 1,000 at a time, each move one transaction; returns how many messages moved.</summary>
    public async Task<long> MoveLegacyRowsAsync(CancellationToken ct)
    {
        long moved = 0;
        while (true)
        {
            await using var db = await dbs.CreateDbContextAsync(ct);
            var group = await db.Backlog.Select(m => (long?)m.ConsumerGroupId).FirstOrDefaultAsync(ct);
            if (group is null) break;
            var rows = await db.Backlog.AsNoTracking().Where(m => m.ConsumerGroupId == group).OrderBy(m => m.Id).Take(1_000).ToListAsync(ct);
            var last = rows[^1].Id;
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            db.BacklogSegments.Add(BacklogSegment.Of(rows));
            await db.SaveChangesAsync(ct);
            await db.Backlog.Where(m => m.ConsumerGroupId == group && m.Id <= last).ExecuteDeleteAsync(ct);
            await tx.CommitAsync(ct);
            moved += rows.Count;
        }
        if (moved > 0) log.LogInformation("Moved {Count} backlog message(s) of an earlier version into segments", moved);
        return moved;
    }

    /// <summary>The largest message id stored, so new ids stay above it after a restart.</summary>
    public async Task<long> MaxIdAsync(CancellationToken ct)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        return await db.BacklogSegments.Select(m => (long?)m.LastId).MaxAsync(ct) ?? 0;
    }
}
