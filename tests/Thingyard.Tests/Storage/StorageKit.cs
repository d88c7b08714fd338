// Helpers the storage fault tests share: the health endpoints, a QoS 1 report and whether it was acknowledged, and
// ways to take a running server's database away (the SQLite files deleted or renamed, the PostgreSQL database dropped
// or made read-only) and give it back.
using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Thingyard.Storage;
using Thingyard.Tests.Infrastructure;

namespace Thingyard.Tests.Storage;

public static class StorageKit
{
    public static string DatabasePath(this ThingyardServer server) => Path.Combine(server.DataDir, "thingyard.db");

    /// <summary>A server whose storage watcher checks every <paramref name="checkMs"/> ms (a long interval leaves
    /// finding a fault to the writers).</summary>
    public static async Task<ThingyardServer> StartAsync(int checkMs)
    {
        var server = new ThingyardServer();
        server.Settings["Thingyard:Storage:HealthCheckIntervalMs"] = checkMs.ToString(System.Globalization.CultureInfo.InvariantCulture);
        await server.InitializeAsync();
        return server;
    }

    public static async Task<(HttpStatusCode Status, JsonElement Body)> HealthAsync(this ThingyardServer server, string path)
    {
        using var http = server.Http();
        using var response = await http.GetAsync(path);
        return (response.StatusCode, JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement);
    }

    /// <summary>Polls (at most 30 s) until /health/ready answers <paramref name="status"/>; returns the last answer.</summary>
    public static async Task<(HttpStatusCode Status, JsonElement Body)> ReadyBecomesAsync(this ThingyardServer server, HttpStatusCode status)
    {
        var answer = await server.HealthAsync("/health/ready");
        for (var i = 0; i < 300 && answer.Status != status; i++)
        {
            await Task.Delay(100);
            answer = await server.HealthAsync("/health/ready");
        }
        Assert.True(answer.Status == status, $"/health/ready stayed {(int)answer.Status}: {answer.Body}");
        return answer;
    }

    public static string Post(int i) =>
        $$"""{"id":"{{i}}","version":"1.0","params":{"temperature":{{20 + i % 50}}},"method":"thing.event.property.post"}""";

    /// <summary>Publishes a property report with QoS 1: true when the PUBACK says it was accepted, false when the
    /// publish failed or the server closed the connection instead.</summary>
    public static async Task<bool> AcknowledgedAsync(this MqttDevice device, int i)
    {
        try { return (await device.PublishAsync(device.Sys("thing/event/property/post"), Post(i), qos: 1)).IsSuccess; }
        catch (Exception e) when (e is not OutOfMemoryException) { return false; }
    }

    static string PostgresDatabase(this ThingyardServer server) =>
        new NpgsqlConnectionStringBuilder(server.Services.GetRequiredService<StorageOptions>().ConnectionString).Database!;

    static async Task AdminSqlAsync(string sql)
    {
        await using var conn = new NpgsqlConnection(TestDatabase.PostgresBase);
        await conn.OpenAsync();
        foreach (var statement in sql.Split(";\n"))
        {
            await using var cmd = new NpgsqlCommand(statement, conn);
            await cmd.ExecuteNonQueryAsync();
        }
    }

    /// <summary>SQLite: the database files deleted under the running server. PostgreSQL: its database dropped.</summary>
    public static async Task DeleteDatabaseAsync(this ThingyardServer server)
    {
        if (TestDatabase.IsPostgres)
        {
            await AdminSqlAsync($"DROP DATABASE {server.PostgresDatabase()} WITH (FORCE)");
            return;
        }
        foreach (var suffix in new[] { "", "-wal", "-shm" }) File.Delete(server.DatabasePath() + suffix);
    }

    /// <summary>Takes the database away in a way that can be undone. SQLite: the file renamed (the server's
    /// connections keep it open). PostgreSQL: the database made read-only and its sessions ended.</summary>
    public static async Task TakeDatabaseAwayAsync(this ThingyardServer server)
    {
        if (TestDatabase.IsPostgres) await ReadOnlyAsync(server, true);
        else File.Move(server.DatabasePath(), server.DatabasePath() + ".away");
    }

    public static async Task GiveDatabaseBackAsync(this ThingyardServer server)
    {
        if (TestDatabase.IsPostgres) await ReadOnlyAsync(server, false);
        else File.Move(server.DatabasePath() + ".away", server.DatabasePath());
    }

    static async Task ReadOnlyAsync(ThingyardServer server, bool readOnly)
    {
        var db = server.PostgresDatabase();
        await AdminSqlAsync(
            $"ALTER DATABASE {db} {(readOnly ? "SET default_transaction_read_only = on" : "RESET default_transaction_read_only")};\n" +
            $"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{db}'");
    }
}
