// Which database a test server uses: SQLite in its temp folder, or a fresh PostgreSQL database when
// THINGYARD_TEST_POSTGRES holds a connection string (the CI's second leg).
using Npgsql;

namespace Thingyard.Tests.Infrastructure;

public static class TestDatabase
{
    public static string? PostgresBase => Environment.GetEnvironmentVariable("THINGYARD_TEST_POSTGRES") is { Length: > 0 } cs ? cs : null;

    public static bool IsPostgres => PostgresBase is not null;

    /// <summary>Configuration lines for a new server: nothing for SQLite, a new empty database for PostgreSQL.</summary>
    public static async Task<Dictionary<string, string>> NewAsync()
    {
        if (PostgresBase is not { } baseCs) return [];
        var name = "ty_" + Guid.NewGuid().ToString("N")[..16];
        await using (var conn = new NpgsqlConnection(baseCs))
        {
            await conn.OpenAsync();
            await using var cmd = new NpgsqlCommand($"CREATE DATABASE {name}", conn);
            await cmd.ExecuteNonQueryAsync();
        }
        // Every test server (and every server process) has its own pool; idle connections are returned quickly so the
        // suite stays under the cluster's max_connections.
        var cs = new NpgsqlConnectionStringBuilder(baseCs) { Database = name, ConnectionIdleLifetime = 10, ConnectionPruningInterval = 2 }.ConnectionString;
        return new() { ["Thingyard:Storage:Provider"] = "Postgres", ["Thingyard:Storage:ConnectionString"] = cs };
    }
}
