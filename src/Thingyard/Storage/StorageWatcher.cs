// Checks the database every HealthCheckIntervalMs, whether or not anything is being written, and reports to
// StorageHealth. On SQLite, a connection held open from start asks whether the path still leads to its file
// (SqliteDatabaseFile). On both providers, a new connection commits a write that changes nothing (the newest row of
// the migrations history set to itself), so a read-only or full database, a file the process may no longer write
// and an unreachable server all show; the probe is skipped while the telemetry writer is committing anyway. A check
// that passes recovers a fault. A SQLite file deleted or replaced stays a fault until the original is back at its
// path: the server's connections still point at the old file, and only a restart opens what is there now.
// On PostgreSQL the probe uses a connection of its own (an idle pooled one may be dead since a restart and prove
// nothing), and a recovery empties the server's pool: connections from before the fault would fail once each, and
// each failure would fault storage again.
using System.Data.Common;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Thingyard.Storage;

public sealed class StorageWatcher(string connectionString, StorageOptions options, SqliteDatabaseFile file, StorageHealth health,
    NpgsqlDataSource? postgres = null)
{
    static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(10);
    const string Probe = """
        UPDATE "__EFMigrationsHistory" SET "ProductVersion" = "ProductVersion"
        WHERE "MigrationId" = (SELECT MAX("MigrationId") FROM "__EFMigrationsHistory")
        """;

    SqliteConnection? _opened;
    long _commitsSeen = -1;

    public async Task RunAsync(CancellationToken stopping)
    {
        try
        {
            await CheckAsync(stopping);
            using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(options.HealthCheckIntervalMs)); // at least 50: smaller is refused at start
            while (await timer.WaitForNextTickAsync(stopping)) await CheckAsync(stopping);
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested) { }
        finally
        {
            if (_opened is not null) await _opened.DisposeAsync();
        }
    }

    /// <summary>One check: faults StorageHealth, recovers it, or leaves it as it is when the answer is unclear (busy).</summary>
    public async Task CheckAsync(CancellationToken ct = default)
    {
        if (!options.IsPostgres && file.Path is null) return; // in memory (or a URI file name): nothing this can check
        var seen = health.Current;
        if (file.Path is not null)
        {
            if (_opened is null)
            {
                // The file as the server opened it. Its own, unpooled, so no other code closes it.
                var opened = new SqliteConnection(new SqliteConnectionStringBuilder(connectionString) { Pooling = false }.ToString());
                try { await opened.OpenAsync(ct); }
                catch (SqliteException e)
                {
                    await opened.DisposeAsync();
                    health.Faulted(StorageFailures.Describe(e, "opening the database failed") ?? e.Message, e);
                    return;
                }
                _opened = opened;
            }
            if (file.HasMoved(_opened))
            {
                health.Faulted(file.MovedProblem);
                return;
            }
        }

        var commits = health.Commits;
        var writing = seen is null && _commitsSeen >= 0 && commits != _commitsSeen;
        _commitsSeen = commits;
        if (!writing)
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(ProbeTimeout);
            try
            {
                await ProbeAsync(timeout.Token);
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
                health.Faulted($"a test write got no answer within {ProbeTimeout.TotalSeconds:0} s");
                return;
            }
            catch (SqliteException e) when (e.SqliteErrorCode is 5 or 6)
            {
                return; // busy or locked: another writer holds the database, which says nothing about its health
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                health.Faulted(StorageFailures.Describe(e, "a test write failed") ?? $"a test write failed: {e.Message}", e);
                return;
            }
        }
        if (health.Recovered(seen)) postgres?.Clear();
    }

    async Task ProbeAsync(CancellationToken ct)
    {
        await using DbConnection connection = options.IsPostgres
            ? new NpgsqlConnection(new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false }.ToString())
            : new SqliteConnection(new SqliteConnectionStringBuilder(connectionString) { Pooling = false }.ToString());
        await connection.OpenAsync(ct);
        await using var cmd = connection.CreateCommand();
        cmd.CommandTimeout = (int)ProbeTimeout.TotalSeconds / 2;
        // Like the telemetry writer: a commit is not flushed to disk on its own (WAL with synchronous=NORMAL).
        cmd.CommandText = options.IsPostgres ? Probe : "PRAGMA synchronous=NORMAL; " + Probe;
        await cmd.ExecuteNonQueryAsync(ct);
    }
}
