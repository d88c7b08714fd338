// Storage settings: SQLite in the data folder unless Provider=Postgres with a connection string.
namespace Thingyard.Storage;

public sealed class StorageOptions
{
    public string Provider { get; set; } = "Sqlite";
    public string? ConnectionString { get; set; }

    public bool IsPostgres => Provider.Equals("Postgres", StringComparison.OrdinalIgnoreCase)
        || Provider.Equals("PostgreSQL", StringComparison.OrdinalIgnoreCase);
}
