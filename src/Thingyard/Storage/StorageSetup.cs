// Registers the database for the configured provider and brings its schema up to date at start.
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Thingyard.Storage;

public static class StorageSetup
{
    public static IServiceCollection AddThingyardStorage(this IServiceCollection services, StorageOptions options, string dataDir)
    {
        if (options.IsPostgres)
        {
            if (string.IsNullOrWhiteSpace(options.ConnectionString))
                throw new InvalidOperationException("Thingyard:Storage:Provider is Postgres but Thingyard:Storage:ConnectionString is empty.");
            services.AddDbContextFactory<PostgresThingyardDb>(o => o.UseNpgsql(options.ConnectionString));
            services.AddSingleton<IDbContextFactory<ThingyardDb>, FactoryOf<PostgresThingyardDb>>();
        }
        else
        {
            var cs = options.ConnectionString ?? SqliteConnectionString(dataDir);
            services.AddDbContextFactory<SqliteThingyardDb>(o => o.UseSqlite(cs));
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
        await db.Database.MigrateAsync(ct);
        if (db.Database.IsSqlite())
        {
            await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", ct);
        }
    }

    sealed class FactoryOf<T>(IDbContextFactory<T> inner) : IDbContextFactory<ThingyardDb> where T : ThingyardDb
    {
        public ThingyardDb CreateDbContext() => inner.CreateDbContext();
    }
}
