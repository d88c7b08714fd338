// The durable half of the replay guard: every nonce a genuine signed call spends is written to UsedNonces before the
// call goes on, so a captured call replayed after a restart (or at another instance sharing the database) is refused.
// Calls arriving together share one transaction (one commit) instead of one each; expired rows are pruned in the background.
using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Thingyard.Storage;

namespace Thingyard.Accounts;

public sealed class NonceLedger(IDbContextFactory<ThingyardDb> dbs, TimeProvider time)
{
    // A row whose expiry has passed does not block its nonce: a call that old was refused by its timestamp anyway.
    const string Insert = """
        INSERT INTO "UsedNonces" ("Hash","ExpiresAtMs") VALUES (@h,@e)
        ON CONFLICT ("Hash") DO UPDATE SET "ExpiresAtMs" = excluded."ExpiresAtMs" WHERE "UsedNonces"."ExpiresAtMs" < @n
        """;

    sealed record Pending(string Hash, long ExpiresAtMs)
    {
        public TaskCompletionSource<bool> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    readonly object _gate = new();
    readonly List<Pending> _queued = [];
    bool _writing;

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

    async Task WriteLoopAsync()
    {
        while (true)
        {
            Pending[] batch;
            lock (_gate)
            {
                if (_queued.Count == 0) { _writing = false; return; }
                batch = [.. _queued];
                _queued.Clear();
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
        await using var db = await dbs.CreateDbContextAsync();
        var connection = db.Database.GetDbConnection();
        await connection.OpenAsync();
        await using var tx = await connection.BeginTransactionAsync();
        await using var cmd = connection.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = Insert;
        var (hash, expires, now) = (Add(cmd, "@h"), Add(cmd, "@e"), Add(cmd, "@n"));
        now.Value = time.GetUtcNow().ToUnixTimeMilliseconds();
        var fresh = new bool[batch.Length];
        for (var i = 0; i < batch.Length; i++)
        {
            (hash.Value, expires.Value) = (batch[i].Hash, batch[i].ExpiresAtMs);
            fresh[i] = await cmd.ExecuteNonQueryAsync() == 1;
        }
        await tx.CommitAsync();
        return fresh;
    }

    static DbParameter Add(DbCommand cmd, string name)
    {
        var p = cmd.CreateParameter();
        p.ParameterName = name;
        cmd.Parameters.Add(p);
        return p;
    }

    /// <summary>Deletes the rows whose expiry has passed; returns how many.</summary>
    public async Task<int> PruneAsync(CancellationToken ct = default)
    {
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        await using var db = await dbs.CreateDbContextAsync(ct);
        return await db.UsedNonces.Where(n => n.ExpiresAtMs < now).ExecuteDeleteAsync(ct);
    }
}
