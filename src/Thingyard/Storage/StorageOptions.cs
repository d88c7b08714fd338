// Storage settings: SQLite in the data folder unless Provider=Postgres with a connection string.
namespace Thingyard.Storage;

public sealed class StorageOptions
{
    public string Provider { get; set; } = "Sqlite";
    public string? ConnectionString { get; set; }
    /// <summary>SQLite: log pages (4 KB) after which the telemetry writer rewinds the write-ahead log.</summary>
    public int WalRestartPages { get; set; } = 16_384;

    public bool IsPostgres => Provider.Equals("Postgres", StringComparison.OrdinalIgnoreCase)
        || Provider.Equals("PostgreSQL", StringComparison.OrdinalIgnoreCase);
}
