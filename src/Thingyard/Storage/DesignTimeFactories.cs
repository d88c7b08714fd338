// Lets `dotnet ef migrations add` build each provider's context without a running server.
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace Thingyard.Storage;

public sealed class SqliteDesignTimeFactory : IDesignTimeDbContextFactory<SqliteThingyardDb>
{
    public SqliteThingyardDb CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<SqliteThingyardDb>().UseSqlite("Data Source=design.db").Options);
}

public sealed class PostgresDesignTimeFactory : IDesignTimeDbContextFactory<PostgresThingyardDb>
{
    public PostgresThingyardDb CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<PostgresThingyardDb>().UseNpgsql("Host=localhost;Database=thingyard_design").Options);
}
