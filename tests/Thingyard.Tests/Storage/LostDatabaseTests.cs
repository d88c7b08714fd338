// A restart over a data folder whose SQLite database vanished is refused, naming the setting that allows a new
// database; with that setting the server starts on an empty database. A new, empty data folder starts as always.
using Microsoft.Data.Sqlite;
using Thingyard.Storage;
using Thingyard.Tests.Devices;
using Thingyard.Tests.Infrastructure;
using Thingyard.Tests.Registry;
using Thingyard.Protocol.OpenApi;

namespace Thingyard.Tests.Storage;

public sealed class LostDatabaseTests
{
    [Fact]
    public async Task A_restart_without_the_database_is_refused_unless_a_new_one_is_allowed()
    {
        // SQLite only: a PostgreSQL database does not live in the data folder, so there is nothing to compare it with.
        if (TestDatabase.IsPostgres) return;
        var dataDir = Path.Combine(Path.GetTempPath(), "thingyard-tests", "lostdb-" + Guid.NewGuid().ToString("N"));
        var database = Path.Combine(dataDir, "thingyard.db");
        try
        {
            string productKey;
            await using (var first = await ServerProcess.StartAsync(dataDir, new Dictionary<string, string>()))
            {
                var rpc = first.Rpc();
                productKey = (await rpc.CallAsync("CreateProduct", [KeyValuePair.Create("ProductName", RegistryCalls.Unique("Lost")), KeyValuePair.Create("NodeType", "0")])).Str("ProductKey");
                await first.KillAsync();
            }
            foreach (var suffix in new[] { "", "-wal", "-shm" }) File.Delete(database + suffix);

            var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => ServerProcess.StartAsync(dataDir, new Dictionary<string, string>()));
            Assert.Contains("exited with 1", refused.Message);
            Assert.Contains("Refusing to start", refused.Message);
            Assert.Contains("master.key", refused.Message);
            Assert.Contains($"{LostDatabaseCheck.OverrideSetting}=true", refused.Message);
            Assert.False(File.Exists(database));

            await using var fresh = await ServerProcess.StartAsync(dataDir, new Dictionary<string, string> { [LostDatabaseCheck.OverrideSetting] = "true" });
            var gone = await Assert.ThrowsAsync<RpcCallException>(() => fresh.Rpc().CallAsync("QueryProduct", [KeyValuePair.Create("ProductKey", productKey)]));
            Assert.Contains("NotExistedProduct", gone.Message);
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            try { Directory.Delete(dataDir, recursive: true); } catch (IOException) { }
        }
    }

    [Fact]
    public async Task The_check_passes_a_new_folder_and_a_folder_with_its_database()
    {
        if (TestDatabase.IsPostgres) return;
        var dataDir = Path.Combine(Path.GetTempPath(), "thingyard-tests", "lostdb-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dataDir);
        try
        {
            var options = new StorageOptions();
            string[] traces = ["master.key"];
            LostDatabaseCheck.ThrowIfLost(options, dataDir, traces);

            await File.WriteAllTextAsync(Path.Combine(dataDir, "master.key"), "key");
            Assert.Throws<LostDatabaseException>(() => LostDatabaseCheck.ThrowIfLost(options, dataDir, traces));
            // An empty file is what a connection leaves where the database was: not a database either.
            await File.WriteAllBytesAsync(Path.Combine(dataDir, "thingyard.db"), []);
            Assert.Throws<LostDatabaseException>(() => LostDatabaseCheck.ThrowIfLost(options, dataDir, traces));

            await File.WriteAllBytesAsync(Path.Combine(dataDir, "thingyard.db"), [1]);
            LostDatabaseCheck.ThrowIfLost(options, dataDir, traces);
        }
        finally { Directory.Delete(dataDir, recursive: true); }
    }

    [Fact]
    public async Task A_folder_holding_nothing_but_its_database_is_still_recognised()
    {
        if (TestDatabase.IsPostgres) return;
        var dataDir = Path.Combine(Path.GetTempPath(), "thingyard-tests", "lostdb-" + Guid.NewGuid().ToString("N"));
        var database = Path.Combine(dataDir, "thingyard.db");
        // Hardened: the master key from configuration, the admin key and console password configured, no TLS port (no
        // generated certificate).
        var settings = new Dictionary<string, string>
        {
            ["Thingyard:Security:MasterKey"] = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)),
            ["Thingyard:Admin:Password"] = "configured-password-1",
        };
        try
        {
            await using (var first = await ServerProcess.StartAsync(dataDir, settings)) await first.KillAsync();
            var left = Directory.GetFiles(dataDir).Select(Path.GetFileName).Where(n => !n!.StartsWith("thingyard.db", StringComparison.Ordinal)).ToList();
            // Besides the database: its marker, and the AliGenie OAuth server's signing key (sealed with the master key).
            Assert.Equal(["aligenie-oauth.key", LostDatabaseCheck.MarkerFileName], left.Order(StringComparer.Ordinal).ToList());
            foreach (var suffix in new[] { "", "-wal", "-shm" }) File.Delete(database + suffix);

            var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => ServerProcess.StartAsync(dataDir, settings));
            Assert.Contains("Refusing to start", refused.Message);
            Assert.Contains(LostDatabaseCheck.MarkerFileName, refused.Message);
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            try { Directory.Delete(dataDir, recursive: true); } catch (IOException) { }
        }
    }
}
