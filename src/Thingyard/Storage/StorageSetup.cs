// Registers the database for the configured provider (secret columns sealed with the master key, a SecretProtector
// service) and brings its schema up to date at start.
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Thingyard.Accounts;
using Thingyard.Common;

namespace Thingyard.Storage;

public static class StorageSetup
{
    public static IServiceCollection AddThingyardStorage(this IServiceCollection services, StorageOptions options, string dataDir)
    {
        if (options.IsPostgres)
        {
            if (string.IsNullOrWhiteSpace(options.ConnectionString))
                throw new InvalidOperationException("Thingyard:Storage:Provider is Postgres but Thingyard:Storage:ConnectionString is empty.");
            services.AddDbContextFactory<PostgresThingyardDb>((sp, o) => o.UseNpgsql(options.ConnectionString).UseSecretSealing(sp.GetRequiredService<SecretProtector>()));
            services.AddSingleton<IDbContextFactory<ThingyardDb>, FactoryOf<PostgresThingyardDb>>();
        }
        else
        {
            var cs = options.ConnectionString ?? SqliteConnectionString(dataDir);
            services.AddDbContextFactory<SqliteThingyardDb>((sp, o) => o.UseSqlite(cs).UseSecretSealing(sp.GetRequiredService<SecretProtector>()));
            services.AddSingleton<IDbContextFactory<ThingyardDb>, FactoryOf<SqliteThingyardDb>>();
        }
        services.AddScoped<ThingyardDb>(sp => sp.GetRequiredService<IDbContextFactory<ThingyardDb>>().CreateDbContext());
        return services;
    }

    public static string SqliteConnectionString(string dataDir) =>
        new SqliteConnectionStringBuilder { DataSource = Path.Combine(dataDir, "thingyard.db"), Pooling = true }.ToString();

    /// <summary>Creates or migrates the schema; SQLite also switches to WAL so readers never block the writer.</summary>
    public static async Task MigrateAsync(IServiceProvider services, CancellationToken ct = default)
    {
        await using var db = await services.GetRequiredService<IDbContextFactory<ThingyardDb>>().CreateDbContextAsync(ct);
        if (db.Database.IsSqlite()) RestrictSqliteFiles(db.Database.GetConnectionString());
        await db.Database.MigrateAsync(ct);
        if (db.Database.IsSqlite())
        {
            await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", ct);
        }
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
