// The durable half of the replay guard: every nonce a genuine signed call spends is written to UsedNonces before the
// call goes on, so a captured call replayed after a restart (or at another instance sharing the database) is refused.
// Calls arriving together share one statement (one commit) instead of one each; expired rows are pruned in the background.
using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Thingyard.Storage;

namespace Thingyard.Accounts;

public sealed class NonceLedger(IDbContextFactory<ThingyardDb> dbs, StorageHealth health, TimeProvider time)
{
    // One statement per batch (one round trip, committed on its own). A row whose expiry has passed does not block its
    // nonce: a call that old was refused by its timestamp anyway. RETURNING names the rows written, i.e. the fresh nonces.
    const string Upsert = """
        ON CONFLICT ("Hash") DO UPDATE SET "ExpiresAtMs" = excluded."ExpiresAtMs" WHERE "UsedNonces"."ExpiresAtMs" < @n
        RETURNING "Hash"
        """;
    const int MaxRowsPerStatement = 500;

    sealed record Pending(string Hash, long ExpiresAtMs)
    {
        public TaskCompletionSource<bool> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    readonly object _gate = new();
    readonly List<Pending> _queued = [];
    Pending[] _inFlight = [];
    bool _writing;

    /// <summary>The nonces still inside the window (NonceGuard loads them at start).</summary>
    public async Task<List<(string Hash, long ExpiresAtMs)>> UnexpiredAsync(long nowMs, CancellationToken ct = default)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        var rows = await db.UsedNonces.AsNoTracking().Where(n => n.ExpiresAtMs >= nowMs).Select(n => new { n.Hash, n.ExpiresAtMs }).ToListAsync(ct);
        return rows.Select(r => (r.Hash, r.ExpiresAtMs)).ToList();
    }

    /// <summary>Waits until every nonce handed over so far is committed (or failed): at shutdown, so none is lost.</summary>
    public async Task FlushAsync()
    {
        Pending[] pending;
        lock (_gate) pending = [.. _queued, .. _inFlight];
        try { await Task.WhenAll(pending.Select(p => p.Done.Task)); }
        catch (Exception) { } // already logged by whoever handed it over
    }

    /// <summary>True when the nonce was not spent before (now it is), false on a replay. Returns once it is committed.</summary>
    public Task<bool> TryRecordAsync(string hash, long expiresAtMs, CancellationToken ct = default)
    {
        var pending = new Pending(hash, expiresAtMs);
        bool start;
        lock (_gate)
        {
            _queued.Add(pending);
            start = !_writing;
            _writing = true;
        }
        if (start) _ = Task.Run(WriteLoopAsync, CancellationToken.None);
        return pending.Done.Task.WaitAsync(ct);
    }

    /// <summary>How long a batch gathers before its commit. Nobody waits on it on the request path (NonceGuard answers
    /// from memory), so a short wait turns a commit per signed call into a few commits a second, off the database
    /// writer's back.</summary>
    public static readonly TimeSpan Gather = TimeSpan.FromMilliseconds(50);

    /// <summary>False in a cluster, where each signed call waits for its nonce's commit (NonceGuard.WaitForLedger): a batch
    /// is then written at once, and the calls arriving while it commits make the next one.</summary>
    public bool Gathers { get; set; } = true;

    async Task WriteLoopAsync()
    {
        while (true)
        {
            if (Gathers) await Task.Delay(Gather);
            Pending[] batch;
            lock (_gate)
            {
                if (_queued.Count == 0) { _writing = false; return; }
                batch = [.. _queued];
                _queued.Clear();
                _inFlight = batch;
            }
            try
            {
                var fresh = await WriteAsync(batch);
                for (var i = 0; i < batch.Length; i++) batch[i].Done.TrySetResult(fresh[i]);
            }
            catch (Exception e)
            {
                foreach (var p in batch) p.Done.TrySetException(e);
            }
        }
    }

    async Task<bool[]> WriteAsync(Pending[] batch)
    {
        // Raw commands pass EF's interceptors by: refuse with the storage error itself while storage is faulted.
        health.ThrowIfFaulted();
        await using var db = await dbs.CreateDbContextAsync();
        var connection = db.Database.GetDbConnection();
        await connection.OpenAsync();
        var written = new HashSet<string>(StringComparer.Ordinal);
        // The memory guard keeps a nonce out of a batch twice; should it be there anyway, only its first entry is fresh.
        var hashes = batch.DistinctBy(p => p.Hash).ToArray();
        foreach (var chunk in hashes.Chunk(MaxRowsPerStatement))
        {
            await using var cmd = connection.CreateCommand();
            var values = new System.Text.StringBuilder();
            for (var i = 0; i < chunk.Length; i++)
            {
                values.Append(i == 0 ? "" : ",").Append($"(@h{i},@e{i})");
                Add(cmd, $"@h{i}", chunk[i].Hash);
                Add(cmd, $"@e{i}", chunk[i].ExpiresAtMs);
            }
            Add(cmd, "@n", time.GetUtcNow().ToUnixTimeMilliseconds());
            cmd.CommandText = $"""INSERT INTO "UsedNonces" ("Hash","ExpiresAtMs") VALUES {values} {Upsert}""";
            await using var reader = await cmd.ExecuteReaderAsync();
            while (await reader.ReadAsync()) written.Add(reader.GetString(0));
        }
        var fresh = new bool[batch.Length];
        for (var i = 0; i < batch.Length; i++) fresh[i] = written.Remove(batch[i].Hash);
        return fresh;
    }

    static void Add(DbCommand cmd, string name, object value)
    {
        var p = cmd.CreateParameter();
        (p.ParameterName, p.Value) = (name, value);
        cmd.Parameters.Add(p);
    }

    /// <summary>Deletes the rows whose expiry has passed; returns how many.</summary>
    public async Task<int> PruneAsync(CancellationToken ct = default)
    {
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        await using var db = await dbs.CreateDbContextAsync(ct);
        return await db.UsedNonces.Where(n => n.ExpiresAtMs < now).ExecuteDeleteAsync(ct);
    }
}
