// Section Thingyard:Storage (StorageOptions, in src/Thingyard/Storage): a known provider, and a connection string the
// provider can read (never shown in a failure: it may hold a password).
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;
using Npgsql;
using Thingyard.Storage;

namespace Thingyard.Server.Settings;

public sealed class StorageOptionsValidator : IValidateOptions<StorageOptions>
{
    static readonly string[] Providers = ["Sqlite", "Postgres", "PostgreSQL"];

    /// <summary>StorageWatcher's shortest interval.</summary>
    public const int MinHealthCheckIntervalMs = 50;

    public ValidateOptionsResult Validate(string? name, StorageOptions o)
    {
        var e = new SettingErrors(Sections.Storage);
        var cs = o.ConnectionString;
        if (!Providers.Contains(o.Provider, StringComparer.OrdinalIgnoreCase))
            e.Add(nameof(o.Provider), $"{SettingErrors.Quote(o.Provider)} is not a storage provider; use Sqlite or Postgres");
        else if (o.IsPostgres && string.IsNullOrWhiteSpace(cs))
            e.Add(nameof(o.ConnectionString), $"is empty, but {e.Key(nameof(o.Provider))} is {o.Provider}; give one, e.g. Host=127.0.0.1;Username=thingyard;Password=...;Database=thingyard");
        else if (!string.IsNullOrWhiteSpace(cs))
        {
            try
            {
                if (o.IsPostgres) _ = new NpgsqlConnectionStringBuilder(cs);
                else _ = new SqliteConnectionStringBuilder(cs);
            }
            catch (Exception x) when (x is ArgumentException or FormatException or InvalidOperationException)
            {
                e.Add(nameof(o.ConnectionString), $"is not a {(o.IsPostgres ? "PostgreSQL" : "SQLite")} connection string: {x.Message} (the value is not shown)");
            }
        }
        e.AtLeast(nameof(o.WalRestartPages), o.WalRestartPages, 1, " (4 KB pages)");
        e.AtLeast(nameof(o.HealthCheckIntervalMs), o.HealthCheckIntervalMs, MinHealthCheckIntervalMs, " (ms)");
        return e.Result;
    }
}
