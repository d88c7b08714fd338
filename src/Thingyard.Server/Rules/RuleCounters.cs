// Matched, forwarded and failed counts per rule, counted in memory on the engine's path and added to the rules' rows
// every couple of seconds (so a busy rule costs one UPDATE per flush, not one per message).
using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using Thingyard.Storage;

namespace Thingyard.Server.Rules;

public sealed class RuleCounters(IDbContextFactory<ThingyardDb> dbs, TimeProvider time, ILogger<RuleCounters> log)
{
    sealed class Counts
    {
        public long Matched, Forwarded, Failed;
        public string? LastError;
        public long LastErrorAtMs;
        // The error last written to the row: a flush writes an error only when a newer one came.
        public long WrittenErrorAtMs;
    }

    readonly ConcurrentDictionary<long, Counts> _pending = new();

    public void Matched(long ruleId) => Interlocked.Increment(ref Of(ruleId).Matched);

    public void Forwarded(long ruleId) => Interlocked.Increment(ref Of(ruleId).Forwarded);

    public void Failed(long ruleId, string error)
    {
        var c = Of(ruleId);
        Interlocked.Increment(ref c.Failed);
        c.LastError = error.Length <= 500 ? error : error[..500];
        c.LastErrorAtMs = time.GetUtcNow().ToUnixTimeMilliseconds();
    }

    Counts Of(long ruleId) => _pending.GetOrAdd(ruleId, _ => new Counts());

    /// <summary>The counts not yet written, to add to a row read from the database, and the latest error seen.</summary>
    public (long Matched, long Forwarded, long Failed, string? LastError, long LastErrorAtMs) Unwritten(long ruleId) =>
        _pending.TryGetValue(ruleId, out var c)
            ? (Interlocked.Read(ref c.Matched), Interlocked.Read(ref c.Forwarded), Interlocked.Read(ref c.Failed), c.LastError, c.LastErrorAtMs)
            : (0, 0, 0, null, 0);

    /// <summary>Adds what was counted since the last flush to the rows.</summary>
    public async Task FlushAsync(CancellationToken ct)
    {
        foreach (var (ruleId, c) in _pending)
        {
            var matched = Interlocked.Exchange(ref c.Matched, 0);
            var forwarded = Interlocked.Exchange(ref c.Forwarded, 0);
            var failed = Interlocked.Exchange(ref c.Failed, 0);
            var (error, errorAt) = (c.LastError, c.LastErrorAtMs);
            if (matched + forwarded + failed == 0) continue;
            try
            {
                await using var db = await dbs.CreateDbContextAsync(ct);
                var newError = error is not null && errorAt > c.WrittenErrorAtMs;
                await db.Rules.Where(r => r.Id == ruleId).ExecuteUpdateAsync(s =>
                {
                    s.SetProperty(r => r.MatchedCount, r => r.MatchedCount + matched)
                        .SetProperty(r => r.ForwardedCount, r => r.ForwardedCount + forwarded)
                        .SetProperty(r => r.FailedCount, r => r.FailedCount + failed);
                    if (newError) s.SetProperty(r => r.LastError, error).SetProperty(r => r.LastErrorAtMs, errorAt);
                }, ct);
                if (newError) c.WrittenErrorAtMs = errorAt;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // Put them back: the next flush tries again.
                Interlocked.Add(ref c.Matched, matched);
                Interlocked.Add(ref c.Forwarded, forwarded);
                Interlocked.Add(ref c.Failed, failed);
                log.LogWarning(e, "Rule {Rule}: writing its counts failed; retrying", ruleId);
            }
        }
    }
}
