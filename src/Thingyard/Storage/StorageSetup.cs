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

    const string MigrationLock = "5465156463413330"; // any constant shared by every node (an advisory lock key)

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
        if (db.Database.IsNpgsql())
        {
            // Nodes of a cluster starting together share the database: one migrates, the others then find it done.
            await db.Database.OpenConnectionAsync(ct);
            try
            {
                await db.Database.ExecuteSqlRawAsync("SELECT pg_advisory_lock(" + MigrationLock + ")", ct);
                await db.Database.MigrateAsync(ct);
            }
            finally
            {
                await db.Database.ExecuteSqlRawAsync("SELECT pg_advisory_unlock(" + MigrationLock + ")", CancellationToken.None);
                await db.Database.CloseConnectionAsync();
            }
        }
        else await db.Database.MigrateAsync(ct);
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
