// Refuses to start over a data folder an earlier run used when its SQLite database is gone. Migrating would create an
// empty database and the server would carry on as if it were new: devices could no longer connect, accounts and their
// keys would be gone, and nothing would say why. Starting fresh there has to be asked for.
namespace Thingyard.Storage;

public sealed class LostDatabaseException(string message) : Exception(message);

public static class LostDatabaseCheck
{
    public const string OverrideSetting = "Thingyard:Storage:AllowNewDatabase";
    /// <summary>Written beside the database once it exists: a data folder hardened to hold nothing else (master key
    /// elsewhere, keys from configuration, no generated certificate) still shows that it was used.</summary>
    public const string MarkerFileName = "thingyard.dataset";

    /// <summary>Leaves the marker after a successful migration (SQLite file databases only).</summary>
    public static void MarkUsed(StorageOptions options, string dataDir)
    {
        var file = SqliteDatabaseFile.For(options, dataDir);
        var marker = Path.Combine(dataDir, MarkerFileName);
        if (file.Path is null || File.Exists(marker)) return;
        Common.OwnerOnly.WriteAllBytes(marker, System.Text.Encoding.UTF8.GetBytes($"This folder holds the database {file.Path}; see {OverrideSetting}.\n"));
    }

    /// <summary>Throws <see cref="LostDatabaseException"/> when the SQLite file is missing (or empty) although the data
    /// folder holds one of <paramref name="leftByEarlierRuns"/>, or the database's own -wal/-shm files are there.</summary>
    public static void ThrowIfLost(StorageOptions options, string dataDir, IEnumerable<string> leftByEarlierRuns)
    {
        var file = SqliteDatabaseFile.For(options, dataDir);
        if (file.Path is null || options.AllowNewDatabase || file.Exists) return;
        var traces = leftByEarlierRuns.Append(MarkerFileName).Select(name => Path.Combine(dataDir, name))
            .Concat([file.Path + "-wal", file.Path + "-shm"])
            .Where(File.Exists).Select(Path.GetFileName).ToList();
        if (traces.Count == 0) return;
        throw new LostDatabaseException(
            $"Refusing to start: the database {file.Path} is {(File.Exists(file.Path) ? "empty" : "missing")}, but {dataDir} was used by an " +
            $"earlier run (it holds {string.Join(", ", traces)}). Starting would create a new, empty database and everything stored " +
            $"before would be gone. Restore the database file (or point Thingyard:Storage:ConnectionString at it), or start with " +
            $"an empty database on purpose with {OverrideSetting}=true (environment: {OverrideSetting.Replace(":", "__")}=true).");
    }
}
