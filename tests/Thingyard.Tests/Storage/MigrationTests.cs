// Each provider ships migrations for the current model: a model change without its migrations fails here.
using Microsoft.EntityFrameworkCore;
using Thingyard.Storage;

namespace Thingyard.Tests.Storage;

public sealed class MigrationTests
{
    [Fact]
    public void Sqlite_migrations_match_the_model()
    {
        using var db = new SqliteDesignTimeFactory().CreateDbContext([]);
        Assert.False(db.Database.HasPendingModelChanges(), "Run: dotnet ef migrations add <Name> --context SqliteThingyardDb (see docs/operations.md)");
        Assert.NotEmpty(db.Database.GetMigrations());
    }

    [Fact]
    public void Postgres_migrations_match_the_model()
    {
        using var db = new PostgresDesignTimeFactory().CreateDbContext([]);
        Assert.False(db.Database.HasPendingModelChanges(), "Run: dotnet ef migrations add <Name> --context PostgresThingyardDb (see docs/operations.md)");
        Assert.Equal(
            new SqliteDesignTimeFactory().CreateDbContext([]).Database.GetMigrations().Select(Suffix),
            db.Database.GetMigrations().Select(Suffix));
    }

    /// <summary>Both providers carry the same named steps (the timestamps differ).</summary>
    static string Suffix(string migrationId) => migrationId[(migrationId.IndexOf('_') + 1)..];
}
