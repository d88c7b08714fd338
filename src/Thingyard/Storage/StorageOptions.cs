// Storage settings: SQLite in the data folder unless Provider=Postgres with a connection string.
namespace Thingyard.Storage;

public sealed class StorageOptions
{
    public string Provider { get; set; } = "Sqlite";
    public string? ConnectionString { get; set; }
    /// <summary>SQLite: log pages (4 KB) after which the telemetry writer rewinds the write-ahead log.</summary>
    public int WalRestartPages { get; set; } = 16_384;
    /// <summary>SQLite: start with a new, empty database although the data folder shows an earlier run's database is missing.</summary>
    public bool AllowNewDatabase { get; set; }
    /// <summary>How often the storage watcher checks the database file and makes a test write.</summary>
    public int HealthCheckIntervalMs { get; set; } = 2000;

    public bool IsPostgres => Provider.Equals("Postgres", StringComparison.OrdinalIgnoreCase)
        || Provider.Equals("PostgreSQL", StringComparison.OrdinalIgnoreCase);
}
