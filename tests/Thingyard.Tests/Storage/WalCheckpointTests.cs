// SQLite checkpoints run beside the telemetry writer, and the writer rewinds the write-ahead log once it has grown
// past WalRestartPages; nothing written is lost on the way. On PostgreSQL the checkpointer has nothing to do.
using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Thingyard.Connectivity;
using Thingyard.Storage;
using Thingyard.Telemetry;
using Thingyard.Tests.Infrastructure;
using Thingyard.Tests.Registry;

namespace Thingyard.Tests.Storage;

public sealed class SmallWalServer : ThingyardServer
{
    public SmallWalServer() => Settings["Thingyard:Storage:WalRestartPages"] = "8";
}

public sealed class WalCheckpointTests(SmallWalServer server) : IClassFixture<SmallWalServer>
{
    [Fact]
    public async Task The_writer_rewinds_a_grown_log_and_keeps_every_row()
    {
        var productKey = await server.NewProductAsync();
        await server.NewDeviceAsync(productKey, "wal-writer");
        var deviceId = (await server.Services.GetRequiredService<DeviceDirectory>().FindAsync(productKey, "wal-writer"))!.Identity.DeviceId;
        var pipeline = server.Services.GetRequiredService<TelemetryPipeline>();
        var checkpointer = server.Services.GetRequiredService<WalCheckpointer>();

        var written = 0;
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromSeconds(30) && (TestDatabase.IsPostgres ? written < 2_000 : checkpointer.Restarts < 2))
        {
            var batch = Enumerable.Range(written, 200)
                .Select(i => TelemetryEntry.Property(deviceId, "temperature", 1_700_000_000_000 + i, $"{i % 100}.5")).ToList();
            await pipeline.WriteDurableAsync(batch);
            written += batch.Count;
        }

        await using var db = await server.Services.GetRequiredService<IDbContextFactory<ThingyardDb>>().CreateDbContextAsync();
        Assert.Equal(written, await db.PropertySamples.CountAsync(s => s.DeviceId == deviceId));
        if (TestDatabase.IsPostgres) Assert.Equal(0, checkpointer.Runs);
        else Assert.True(checkpointer.Restarts >= 2, $"{checkpointer.Restarts} restarts after {written} rows");
    }
}
