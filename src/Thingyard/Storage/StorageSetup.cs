// Registers the database for the configured provider (secret columns sealed with the master key, a SecretProtector
// service) and brings its schema up to date at start.
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Thingyard.Accounts;
using Thingyard.Common;
using Npgsql;

namespace Thingyard.Storage;

public static class StorageSetup
{
    /// <summary>Takes options the settings validator passed (a Postgres provider has its connection string).</summary>
    public static IServiceCollection AddThingyardStorage(this IServiceCollection services, StorageOptions options, string dataDir)
    {
        var file = SqliteDatabaseFile.For(options, dataDir);
        var cs = RuntimeConnectionString(options, dataDir, file);
        services.AddSingleton(file);
        services.AddSingleton<StorageHealth>();
        services.AddSingleton<StorageGuard>();
        // The storage model reports created devices (DeviceCreations) into the registry's change feed.
        services.TryAddSingleton<Registry.DeviceChanges>();
        services.AddSingleton<Registry.DeviceCreations>();
        services.AddSingleton(sp => new StorageWatcher(cs, options, file, sp.GetRequiredService<StorageHealth>(),
            options.IsPostgres ? sp.GetRequiredService<NpgsqlDataSource>() : null));
        if (options.IsPostgres)
        {
            // The server's own pool, so the storage watcher can empty it when the database comes back (see there).
            services.AddSingleton(_ => NpgsqlDataSource.Create(cs));
            services.AddDbContextFactory<PostgresThingyardDb>((sp, o) =>
                o.UseNpgsql(sp.GetRequiredService<NpgsqlDataSource>()).AddInterceptors(sp.GetRequiredService<StorageGuard>(), sp.GetRequiredService<Registry.DeviceCreations>())
                    .UseSecretSealing(sp.GetRequiredService<SecretProtector>()));
            services.AddSingleton<IDbContextFactory<ThingyardDb>, FactoryOf<PostgresThingyardDb>>();
        }
        else
        {
            services.AddDbContextFactory<SqliteThingyardDb>((sp, o) => o.UseSqlite(cs).AddInterceptors(sp.GetRequiredService<StorageGuard>(), sp.GetRequiredService<Registry.DeviceCreations>())
                .UseSecretSealing(sp.GetRequiredService<SecretProtector>()));
            services.AddSingleton<IDbContextFactory<ThingyardDb>, FactoryOf<SqliteThingyardDb>>();
        }
        services.AddScoped<ThingyardDb>(sp => sp.GetRequiredService<IDbContextFactory<ThingyardDb>>().CreateDbContext());
        return services;
    }

    public static string SqliteConnectionString(string dataDir) =>
        new SqliteConnectionStringBuilder { DataSource = Path.Combine(dataDir, "thingyard.db"), Pooling = true }.ToString();

    /// <summary>The connection string as configured, else the data folder's SQLite file.</summary>
    public static string ConnectionString(StorageOptions options, string dataDir) =>
        options.ConnectionString is { Length: > 0 } cs ? cs : SqliteConnectionString(dataDir);

    /// <summary>What the server connects with. A SQLite file is opened, never created, once the server runs: a
    /// connection opening a path whose file was deleted would otherwise create an empty database there, which the next
    /// start would take for the real one. MigrateAsync creates the file of a new database.</summary>
    static string RuntimeConnectionString(StorageOptions options, string dataDir, SqliteDatabaseFile file)
    {
        var configured = ConnectionString(options, dataDir);
        if (file.Path is null) return configured;
        var cs = new SqliteConnectionStringBuilder(configured);
        if (cs.Mode == SqliteOpenMode.ReadWriteCreate) cs.Mode = SqliteOpenMode.ReadWrite;
        return cs.ToString();
    }

    const string StartupLockKey = "5465156463413330"; // any constant shared by every node (an advisory lock key)

    /// <summary>On PostgreSQL, the nodes of a cluster starting together on one database take turns through the work done
    /// once per database (migrations, the first admin account and console user): the first does it, the next find it
    /// done. Held until disposed (a session lock on its own unpooled connection: a crash releases it too); null on SQLite.</summary>
    public static async Task<IAsyncDisposable?> LockStartupAsync(IServiceProvider services, CancellationToken ct = default)
    {
        string? cs;
        await using (var db = await services.GetRequiredService<IDbContextFactory<ThingyardDb>>().CreateDbContextAsync(ct))
        {
            if (!db.Database.IsNpgsql()) return null;
            cs = db.Database.GetConnectionString();
        }
        var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(cs) { Pooling = false }.ConnectionString);
        await connection.OpenAsync(ct);
        await using var command = new NpgsqlCommand("SELECT pg_advisory_lock(" + StartupLockKey + ")", connection);
        await command.ExecuteNonQueryAsync(ct);
        return connection;
    }

    /// <summary>Creates or migrates the schema; SQLite also switches to WAL so readers never block the writer. Then
    /// StorageHealth starts watching.</summary>
    public static async Task MigrateAsync(IServiceProvider services, CancellationToken ct = default)
    {
        var file = services.GetRequiredService<SqliteDatabaseFile>();
        if (file.Path is not null && !File.Exists(file.Path))
        {
            await using var create = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = file.Path, Mode = SqliteOpenMode.ReadWriteCreate, Pooling = false }.ToString());
            await create.OpenAsync(ct);
        }
        await using var db = await services.GetRequiredService<IDbContextFactory<ThingyardDb>>().CreateDbContextAsync(ct);
        if (db.Database.IsSqlite()) RestrictSqliteFiles(db.Database.GetConnectionString());
        await db.Database.MigrateAsync(ct);
        if (db.Database.IsSqlite())
        {
            await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", ct);
        }
        services.GetRequiredService<StorageHealth>().Watch();
    }

    /// <summary>The database file is created 0600 before SQLite opens it, and narrowed to 0600 if older: SQLite gives its
    /// -wal, -shm and -journal files the database file's mode, so they are owner-only too.</summary>
    static void RestrictSqliteFiles(string? connectionString)
    {
        var file = new SqliteConnectionStringBuilder(connectionString).DataSource;
        if (OperatingSystem.IsWindows() || file.Length == 0 || file == ":memory:" || file.StartsWith("file:", StringComparison.Ordinal)) return;
        if (!File.Exists(file)) new FileStream(file, OwnerOnly.Create(FileMode.CreateNew)).Dispose(); // an empty file is an empty database
        foreach (var suffix in new[] { "", "-wal", "-shm", "-journal" }) OwnerOnly.Restrict(file + suffix);
    }

    sealed class FactoryOf<T>(IDbContextFactory<T> inner) : IDbContextFactory<ThingyardDb> where T : ThingyardDb
    {
        public ThingyardDb CreateDbContext() => inner.CreateDbContext();
    }
}
