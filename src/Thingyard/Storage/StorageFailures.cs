// Which exceptions mean the database itself is failing (gone, read-only, full, corrupt, unreachable) rather than one
// statement being wrong (a constraint, a deleted row): the first kind faults StorageHealth, the second stays the
// caller's problem (the telemetry writer retries a failing batch entry by entry, for example).
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Thingyard.Storage;

public static class StorageFailures
{
    /// <summary>What failed, prefixed with what was being done; null when <paramref name="e"/> is not a storage failure.</summary>
    public static string? Describe(Exception e, string doing)
    {
        for (var x = e; x is not null; x = x.InnerException)
        {
            switch (x)
            {
                case StorageUnavailableException s: return s.Problem;
                case SqliteException s: return IsStorageFailure(s) ? $"{doing}: {s.Message}" : null;
                case PostgresException p: return IsStorageFailure(p.SqlState) ? $"{doing}: PostgreSQL {p.SqlState} {p.MessageText}" : null;
                // Not an answer from the server: the connection failed, broke or timed out.
                case NpgsqlException n: return $"{doing}: {n.Message}";
            }
        }
        return null;
    }

    // SQLITE_PERM, READONLY, IOERR, CORRUPT, FULL, CANTOPEN, PROTOCOL, NOLFS, NOTADB. BUSY and LOCKED are contention.
    static bool IsStorageFailure(SqliteException e) => e.SqliteErrorCode is 3 or 8 or 10 or 11 or 13 or 14 or 15 or 22 or 26;

    // Connection exceptions, insufficient resources (disk full, too many connections), operator intervention (shutdown,
    // database dropped), system and I/O errors, authorization lost, the database missing, a read-only transaction,
    // corrupted data.
    static bool IsStorageFailure(string state) =>
        state.StartsWith("08", StringComparison.Ordinal) || state.StartsWith("53", StringComparison.Ordinal)
        || state.StartsWith("57P", StringComparison.Ordinal) || state.StartsWith("58", StringComparison.Ordinal)
        || state.StartsWith("28", StringComparison.Ordinal)
        || state is "3D000" or "25006" or "XX001" or "XX002";
}
