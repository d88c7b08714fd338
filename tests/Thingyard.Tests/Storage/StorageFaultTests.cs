// Storage failing under a running server: the database deleted (SQLite: its files; PostgreSQL: the database dropped)
// or taken away and given back. Whoever notices first (the storage watcher, the telemetry writer, an API write), from
// then on nothing is acknowledged as stored, /health/ready answers 503 naming storage while /health/live stays 200,
// and once storage is back the server is ready and acknowledges again.
using System.Net;
using Thingyard.Tests.Connectivity;
using Thingyard.Tests.Devices;
using Thingyard.Tests.Infrastructure;
using Thingyard.Tests.Registry;
using Thingyard.Protocol.OpenApi;

namespace Thingyard.Tests.Storage;

public sealed class StorageFaultTests
{
    /// <summary>What /health/ready says once storage is faulted, and that liveness is unaffected.</summary>
    static async Task AssertNotReadyForStorageAsync(ThingyardServer server, string? because = null)
    {
        var (_, body) = await server.ReadyBecomesAsync(HttpStatusCode.ServiceUnavailable);
        Assert.Equal("unhealthy", body.Str("status"));
        Assert.Equal("unhealthy", body.Str("checks.storage.status"));
        if (because is not null) Assert.Contains(because, body.Str("checks.storage.description"));
        Assert.Equal("ok", body.Str("checks.mqtt.status"));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await server.HealthAsync("/health")).Status);
        var (live, liveBody) = await server.HealthAsync("/health/live");
        Assert.Equal(HttpStatusCode.OK, live);
        Assert.Equal("ok", liveBody.Str("status"));
        using var http = server.Http();
        Assert.Equal(1, MetricsText.Parse(await http.GetStringAsync("/metrics"))["thingyard_storage_faulted"]);
    }

    /// <summary>A registration is refused with the storage error itself.</summary>
    static async Task AssertRegistrationRefusedAsync(ThingyardServer server, string productKey)
    {
        var refused = await Assert.ThrowsAsync<RpcCallException>(() => server.Call("RegisterDevice", ("ProductKey", productKey)));
        Assert.Contains("Storage is unavailable", refused.Message);
    }

    [Fact]
    public async Task A_deleted_database_is_noticed_without_traffic_and_nothing_is_acknowledged_after()
    {
        var server = await StorageKit.StartAsync(checkMs: 200);
        try
        {
            var pk = await server.NewModelledProductAsync();
            var d = await server.NewTestDeviceAsync(pk);
            await using var device = await server.ConnectAsync(d);
            Assert.True(await device.AcknowledgedAsync(0));
            Assert.Equal(HttpStatusCode.OK, (await server.HealthAsync("/health/ready")).Status);

            await server.DeleteDatabaseAsync();

            await AssertNotReadyForStorageAsync(server, TestDatabase.IsPostgres ? null : "deleted or replaced");
            Assert.False(await device.AcknowledgedAsync(1));
            await AssertRegistrationRefusedAsync(server, pk);
        }
        finally { await server.DisposeAsync(); }
    }

    [Fact]
    public async Task A_database_file_replaced_by_a_copy_is_noticed()
    {
        // SQLite only. The copy opens and takes writes, so only comparing the open file with the path shows it: the
        // server's connections still write to the replaced file, which is gone at the next start.
        if (TestDatabase.IsPostgres) return;
        var server = await StorageKit.StartAsync(checkMs: 200);
        try
        {
            var pk = await server.NewModelledProductAsync();
            File.Copy(server.DatabasePath(), server.DatabasePath() + ".copy");
            File.Move(server.DatabasePath() + ".copy", server.DatabasePath(), overwrite: true);

            await AssertNotReadyForStorageAsync(server, "deleted or replaced");
            await AssertRegistrationRefusedAsync(server, pk);
        }
        finally { await server.DisposeAsync(); }
    }

    [Fact]
    public async Task A_qos1_report_written_into_a_deleted_database_is_not_acknowledged()
    {
        // The watcher checks once at start and then not for 10 minutes: the telemetry writer has to notice.
        var server = await StorageKit.StartAsync(checkMs: 600_000);
        try
        {
            var pk = await server.NewModelledProductAsync();
            var d = await server.NewTestDeviceAsync(pk);
            await using var device = await server.ConnectAsync(d);
            Assert.True(await device.AcknowledgedAsync(0));

            await server.DeleteDatabaseAsync();

            Assert.False(await device.AcknowledgedAsync(1));
            await AssertNotReadyForStorageAsync(server, TestDatabase.IsPostgres ? null : "deleted or replaced");
            await AssertRegistrationRefusedAsync(server, pk);
        }
        finally { await server.DisposeAsync(); }
    }

    [Fact]
    public async Task A_registration_written_into_a_deleted_database_fails()
    {
        // No watcher and no telemetry: the API write itself has to notice.
        var server = await StorageKit.StartAsync(checkMs: 600_000);
        try
        {
            var pk = await server.NewModelledProductAsync();
            await server.DeleteDatabaseAsync();

            await Assert.ThrowsAsync<RpcCallException>(() => server.Call("RegisterDevice", ("ProductKey", pk)));
            await AssertNotReadyForStorageAsync(server, TestDatabase.IsPostgres ? null : "deleted or replaced");
            await AssertRegistrationRefusedAsync(server, pk);
        }
        finally { await server.DisposeAsync(); }
    }

    [Fact]
    public async Task Storage_that_comes_back_makes_the_server_ready_and_acknowledging_again()
    {
        var server = await StorageKit.StartAsync(checkMs: 200);
        try
        {
            var pk = await server.NewModelledProductAsync();
            var d = await server.NewTestDeviceAsync(pk);
            await using (var device = await server.ConnectAsync(d))
            {
                Assert.True(await device.AcknowledgedAsync(0));
                await server.TakeDatabaseAwayAsync();
                await AssertNotReadyForStorageAsync(server);
                Assert.False(await device.AcknowledgedAsync(1));
            }

            await server.GiveDatabaseBackAsync();

            var (_, body) = await server.ReadyBecomesAsync(HttpStatusCode.OK);
            Assert.Equal("ok", body.Str("checks.storage.status"));
            await using var again = await server.ConnectAsync(d);
            Assert.True(await again.AcknowledgedAsync(2));
            await server.NewDeviceAsync(pk);
            // What was acknowledged is stored, what was not is not.
            var stored = await server.SamplesAsync(d);
            Assert.Equal(new[] { "20", "22" }, stored.Select(s => s.Value).Order());
        }
        finally { await server.DisposeAsync(); }
    }
}
