// A database the server can read but not write, with real errors from the database (tests run as root, where file
// modes stop nothing): SQLite opened read-only (Mode=ReadOnly), PostgreSQL sessions in read-only transactions. The
// storage composition is built as the server builds it, over a migrated database: the watcher's test write, the
// telemetry writer and an EF Core write each find the fault, and from then on nothing is reported as stored.
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;
using Thingyard.Accounts;
using Thingyard.Server.Hosting;
using Thingyard.Storage;
using Thingyard.Telemetry;
using Thingyard.Tests.Infrastructure;

namespace Thingyard.Tests.Storage;

public sealed class ReadOnlyStorageTests : IAsyncLifetime
{
    readonly string _dataDir = Path.Combine(Path.GetTempPath(), "thingyard-tests", "readonly-" + Guid.NewGuid().ToString("N"));
    ServiceProvider _services = null!;
    readonly CancellationTokenSource _stop = new();
    Task _writer = Task.CompletedTask;

    static ServiceProvider Compose(StorageOptions options, string dataDir)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton(options);
        services.AddSingleton(Thingyard.Accounts.SecretProtector.FromConfiguration(null, null, dataDir)); // seals secret columns
        services.AddThingyardStorage(options, dataDir);
        services.AddSingleton<WalCheckpointer>();
        services.AddSingleton<TelemetryPipeline>();
        return services.BuildServiceProvider();
    }

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_dataDir);
        var settings = await TestDatabase.NewAsync();
        var writable = new StorageOptions
        {
            Provider = TestDatabase.IsPostgres ? "Postgres" : "Sqlite",
            ConnectionString = settings.GetValueOrDefault("Thingyard:Storage:ConnectionString"),
        };
        await using (var setup = Compose(writable, _dataDir)) await StorageSetup.MigrateAsync(setup);
        SqliteConnection.ClearAllPools();

        var readOnly = new StorageOptions
        {
            Provider = writable.Provider,
            ConnectionString = TestDatabase.IsPostgres
                ? new NpgsqlConnectionStringBuilder(writable.ConnectionString) { Options = "-c default_transaction_read_only=on" }.ConnectionString
                : new SqliteConnectionStringBuilder { DataSource = Path.Combine(_dataDir, "thingyard.db"), Mode = SqliteOpenMode.ReadOnly }.ConnectionString,
        };
        _services = Compose(readOnly, _dataDir);
        _services.GetRequiredService<StorageHealth>().Watch(); // as MigrateAsync does at a server's start
        _writer = _services.GetRequiredService<TelemetryPipeline>().RunAsync(_stop.Token);
    }

    public async Task DisposeAsync()
    {
        await _stop.CancelAsync();
        await _writer;
        await _services.DisposeAsync();
        SqliteConnection.ClearAllPools();
        try { Directory.Delete(_dataDir, recursive: true); } catch (IOException) { }
    }

    StorageHealth Health => _services.GetRequiredService<StorageHealth>();

    /// <summary>The database's own words for it: SQLite "attempt to write a readonly database", PostgreSQL 25006
    /// "cannot execute UPDATE in a read-only transaction".</summary>
    void AssertFaultedAsReadOnly()
    {
        var problem = Assert.IsType<StorageFault>(Health.Current).Problem;
        Assert.Matches(TestDatabase.IsPostgres ? "25006.*read-only transaction" : "readonly database", problem);
    }

    async Task<HealthStatus> ReadinessAsync() =>
        (await new StorageCheck(Health, _services.GetRequiredService<StorageOptions>()).CheckHealthAsync(new HealthCheckContext())).Status;

    static TelemetryEntry Offline() => TelemetryEntry.Offline(1, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());

    [Fact]
    public async Task The_watcher_finds_it_without_traffic()
    {
        Assert.Equal(HealthStatus.Healthy, await ReadinessAsync());

        await _services.GetRequiredService<StorageWatcher>().CheckAsync();

        AssertFaultedAsReadOnly();
        Assert.Equal(HealthStatus.Unhealthy, await ReadinessAsync());
        await Assert.ThrowsAsync<StorageUnavailableException>(() => _services.GetRequiredService<TelemetryPipeline>().WriteDurableAsync([Offline()]));
    }

    [Fact]
    public async Task A_durable_telemetry_write_fails_instead_of_reporting_success()
    {
        var pipeline = _services.GetRequiredService<TelemetryPipeline>();

        var failed = await Assert.ThrowsAsync<StorageUnavailableException>(() => pipeline.WriteDurableAsync([Offline(), Offline()]));

        AssertFaultedAsReadOnly();
        Assert.Contains(Health.Current!.Problem.TrimEnd('.'), failed.Message);
        Assert.Equal(0, pipeline.Written);
        Assert.Equal(2, pipeline.Failed);
        Assert.Equal(HealthStatus.Unhealthy, await ReadinessAsync());
        // The watcher's test write fails as well, so the fault stays.
        await _services.GetRequiredService<StorageWatcher>().CheckAsync();
        Assert.NotNull(Health.Current);
    }

    [Fact]
    public async Task An_api_write_fails_and_what_follows_is_refused_before_reaching_the_database()
    {
        var dbs = _services.GetRequiredService<IDbContextFactory<ThingyardDb>>();
        await using (var db = await dbs.CreateDbContextAsync())
        {
            db.Accounts.Add(new Account { Uid = "2000000000000001", Name = "read-only" });
            await Assert.ThrowsAsync<DbUpdateException>(() => db.SaveChangesAsync());
        }
        AssertFaultedAsReadOnly();

        await using (var db = await dbs.CreateDbContextAsync())
        {
            db.Accounts.Add(new Account { Uid = "2000000000000002", Name = "read-only" });
            var refused = await Assert.ThrowsAsync<StorageUnavailableException>(() => db.SaveChangesAsync());
            Assert.Contains("Storage is unavailable", refused.Message);
            await Assert.ThrowsAsync<StorageUnavailableException>(() => db.Accounts.AnyAsync(a => a.Name == "read-only"));
        }
    }
}
