// kill -9 durability: a QoS 1 report is acknowledged only once it is committed, so every PUBACKed value is in the
// history after the server process is killed (SIGKILL, some publishes still in flight) and started again.
using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Thingyard.Storage;
using Thingyard.Tests.Connectivity;
using Thingyard.Tests.Infrastructure;
using Thingyard.Tests.Registry;
using Thingyard.Protocol.OpenApi;

namespace Thingyard.Tests.Devices;

public sealed class DurabilityTests
{
    const int Acknowledged = 500;
    const int InFlight = 200;

    static string Value(int i) => (i * 0.1 - 40).ToString("0.0", CultureInfo.InvariantCulture);

    static string Post(int i) =>
        $$"""{"id":"{{i}}","version":"1.0","params":{"temperature":{{Value(i)}}},"method":"thing.event.property.post"}""";

    static async Task<string> Call(ThingyardRpcClient rpc, string action, params (string Key, string Value)[] p) =>
        (await rpc.CallAsync(action, p.Select(x => KeyValuePair.Create(x.Key, x.Value)))).GetRawText();

    static async Task<TestDevice> NewDeviceAsync(ThingyardRpcClient rpc)
    {
        var created = await rpc.CallAsync("CreateProduct", [KeyValuePair.Create("ProductName", RegistryCalls.Unique("Durable")), KeyValuePair.Create("NodeType", "0")]);
        var pk = created.Str("ProductKey");
        await Call(rpc, "ImportThingModelTsl", ("ProductKey", pk), ("TslStr", ConnectivityCalls.SampleTsl));
        await Call(rpc, "PublishThingModel", ("ProductKey", pk));
        var d = (await rpc.CallAsync("RegisterDevice", [KeyValuePair.Create("ProductKey", pk)])).At("Data");
        return new TestDevice(pk, d.Str("DeviceName"), d.Str("DeviceSecret"), d.Str("IotId"));
    }

    /// <summary>Opens the server's database directly, as it is on disk.</summary>
    static ThingyardDb OpenDatabase(string dataDir, IReadOnlyDictionary<string, string> settings) =>
        settings.TryGetValue("Thingyard:Storage:ConnectionString", out var cs)
            ? new PostgresThingyardDb(new DbContextOptionsBuilder<PostgresThingyardDb>().UseNpgsql(cs).Options)
            : new SqliteThingyardDb(new DbContextOptionsBuilder<SqliteThingyardDb>().UseSqlite(StorageSetup.SqliteConnectionString(dataDir)).Options);

    [Fact]
    public async Task Every_acknowledged_qos1_report_survives_kill_9()
    {
        var dataDir = Path.Combine(Path.GetTempPath(), "thingyard-tests", "kill9-" + Guid.NewGuid().ToString("N"));
        var settings = new Dictionary<string, string>(await TestDatabase.NewAsync())
        {
            // Back-to-back publishes must not be throttled: a throttled QoS 1 publish is acknowledged but dropped.
            ["Thingyard:Mqtt:MessagesPerSecondPerDevice"] = "1000000",
        };
        var acked = new ConcurrentBag<string>();
        TestDevice d;
        try
        {
            await using (var first = await ServerProcess.StartAsync(dataDir, settings))
            {
                d = await NewDeviceAsync(first.Rpc());
                var device = await MqttDevice.ConnectAsync(DeviceKit.Options(first.MqttPort, d), d.ProductKey, d.DeviceName);
                var topic = device.Sys("thing/event/property/post");
                for (var i = 0; i < Acknowledged; i++)
                {
                    var result = await device.PublishAsync(topic, Post(i), qos: 1);
                    Assert.True(result.IsSuccess, result.ReasonString);
                    acked.Add(Value(i));
                }

                // More publishes all at once; the kill lands while some are still unacknowledged.
                var inFlight = Enumerable.Range(Acknowledged, InFlight).Select(async i =>
                {
                    try
                    {
                        if ((await device.PublishAsync(topic, Post(i), qos: 1)).IsSuccess) acked.Add(Value(i));
                    }
                    catch (Exception e) when (e is not OutOfMemoryException) { } // cut off by the kill: not acknowledged
                }).ToList();
                await ConnectivityCalls.EventuallyAsync(() => Task.FromResult(acked.Count), n => n >= Acknowledged + InFlight / 4);
                await first.KillAsync();
                await Task.WhenAll(inFlight).WaitAsync(TimeSpan.FromSeconds(30));
                await device.DisposeAsync();
            }
            Assert.True(acked.Count >= Acknowledged);

            await using (var second = await ServerProcess.StartAsync(dataDir, settings))
            {
                List<string> stored;
                await using (var db = OpenDatabase(dataDir, settings))
                {
                    var deviceId = (await db.Devices.AsNoTracking().SingleAsync(x => x.ProductKey == d.ProductKey && x.DeviceName == d.DeviceName)).Id;
                    stored = await db.PropertySamples.AsNoTracking().Where(s => s.DeviceId == deviceId).Select(s => s.Value).ToListAsync();
                }
                var missing = acked.Except(stored).ToList();
                Assert.True(missing.Count == 0, $"{missing.Count} of {acked.Count} acknowledged values are missing after kill -9, e.g. {string.Join(", ", missing.Take(5))}");
                Assert.Equal(stored.Count, stored.Distinct().Count());

                // Nobody is connected after the restart, whatever the status was when the process died.
                var rpc = second.Rpc();
                var status = await rpc.CallAsync("GetDeviceStatus", [KeyValuePair.Create("ProductKey", d.ProductKey), KeyValuePair.Create("DeviceName", d.DeviceName)]);
                Assert.Equal("OFFLINE", status.Str("Data.Status"));
                var detail = await rpc.CallAsync("QueryDeviceDetail", [KeyValuePair.Create("ProductKey", d.ProductKey), KeyValuePair.Create("DeviceName", d.DeviceName)]);
                Assert.Equal("OFFLINE", detail.Str("Data.Status")); // the stored status too, not only the live overlay

                // And the restarted server takes the device back.
                await using var again = await MqttDevice.ConnectAsync(DeviceKit.Options(second.MqttPort, d), d.ProductKey, d.DeviceName);
                Assert.True((await again.PublishAsync(again.Sys("thing/event/property/post"), Post(0), qos: 1)).IsSuccess);
            }
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            try { Directory.Delete(dataDir, recursive: true); } catch (IOException) { }
        }
    }
}
