// SQLite moves committed pages from the write-ahead log into the database file at checkpoints. Left to itself it does
// that inside whichever commit crosses 1,000 log pages, copying and fsyncing while the telemetry writer (and every
// device waiting for its PUBACK) stands still. The writer turns that off for its connection and this loop does it
// instead, beside the writer: a PASSIVE checkpoint never blocks writers or readers. It cannot rewind the log while
// the writer keeps appending, though, so once the log passes WalRestartPages (64 MB) the writer itself, between two batches,
// runs a RESTART checkpoint: it copies the little the last PASSIVE one left and the next commit starts the log from
// its beginning again, so the log file stays near that size.
using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace Thingyard.Storage;

public sealed class WalCheckpointer(IDbContextFactory<ThingyardDb> dbs, StorageOptions options, ILogger<WalCheckpointer> log)
{
    public static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(500);
    long _runs, _restarts;
    bool _restartDue;

    public long Runs => Interlocked.Read(ref _runs);
    public long Restarts => Interlocked.Read(ref _restarts);

    /// <summary>The log has grown past WalRestartPages; the writer should call RestartAsync between transactions.</summary>
    public bool RestartDue => Volatile.Read(ref _restartDue);

    public async Task RestartAsync(DbConnection writerConnection)
    {
        Volatile.Write(ref _restartDue, false);
        if ((await CheckpointAsync(writerConnection, "RESTART", CancellationToken.None)).Done) Interlocked.Increment(ref _restarts);
    }

    public async Task RunAsync(CancellationToken stopping)
    {
        try
        {
            await using var db = await dbs.CreateDbContextAsync(stopping);
            if (!db.Database.IsSqlite()) return;
            var connection = db.Database.GetDbConnection();
            await connection.OpenAsync(stopping);
            using var timer = new PeriodicTimer(Interval);
            try
            {
                while (await timer.WaitForNextTickAsync(stopping))
                {
                    var (_, logPages) = await CheckpointAsync(connection, "PASSIVE", stopping);
                    if (logPages >= options.WalRestartPages) Volatile.Write(ref _restartDue, true);
                }
            }
            finally
            {
                // On a stop, fold the whole log in so the next start opens a small file.
                await CheckpointAsync(connection, "TRUNCATE", CancellationToken.None);
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested) { }
    }

    /// <summary>Whether the checkpoint copied the whole log, and how many pages the log held.</summary>
    async Task<(bool Done, long LogPages)> CheckpointAsync(DbConnection connection, string mode, CancellationToken ct)
    {
        try
        {
            await using var cmd = connection.CreateCommand();
            cmd.CommandText = $"PRAGMA wal_checkpoint({mode});";
            await using var reader = await cmd.ExecuteReaderAsync(ct);
            // One row: busy (1 when it could not finish), pages in the log, pages copied to the database.
            if (!await reader.ReadAsync(ct)) return (false, 0);
            Interlocked.Increment(ref _runs);
            var (busy, logPages, copied) = (reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2));
            return (busy == 0 && copied == logPages, logPages);
        }
        catch (SqliteException e)
        {
            // A busy database or a full disk must not stop the loop; the next tick tries again.
            log.LogWarning(e, "SQLite checkpoint ({Mode}) failed", mode);
            return (false, 0);
        }
    }
}
