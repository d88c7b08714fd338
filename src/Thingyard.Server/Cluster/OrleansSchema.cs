// Orleans' ADO.NET clustering keeps its membership table, and the very queries it runs, in the database. Its set-up
// scripts (Sql/, Orleans' own, unchanged) run once per database, by the first node to start, under an advisory lock
// so nodes starting together do not race.
using Npgsql;

namespace Thingyard.Server.Cluster;

public static class OrleansSchema
{
    static readonly string[] Scripts = ["PostgreSQL-Main.sql", "PostgreSQL-Clustering.sql"];
    const long LockKey = 0x546869_6e67_7964; // any constant shared by every node

    public static async Task EnsureAsync(string connectionString, ILogger log, CancellationToken ct = default)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(ct);
        await Run(connection, $"SELECT pg_advisory_lock({LockKey})", ct);
        try
        {
            await using (var check = new NpgsqlCommand("SELECT to_regclass('orleansquery') IS NOT NULL", connection))
                if ((bool)(await check.ExecuteScalarAsync(ct))!) return;
            await using var tx = await connection.BeginTransactionAsync(ct);
            foreach (var script in Scripts)
            {
                await using var command = new NpgsqlCommand(Read(script), connection, tx);
                await command.ExecuteNonQueryAsync(ct);
            }
            await tx.CommitAsync(ct);
            log.LogInformation("Created Orleans' clustering tables in the database");
        }
        finally { await Run(connection, $"SELECT pg_advisory_unlock({LockKey})", CancellationToken.None); }
    }

    static async Task Run(NpgsqlConnection connection, string sql, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(ct);
    }

    static string Read(string name)
    {
        using var stream = typeof(OrleansSchema).Assembly.GetManifestResourceStream("orleans/" + name)
            ?? throw new InvalidOperationException($"{name} is not embedded in the server");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
