// kill -9 of a node under QoS 1 load loses nothing acknowledged: devices on all three nodes publish property posts with
// QoS 1, A is killed mid-way, A's devices reconnect to B or C and go on, and every PUBACKed value is in the database.
// A device of A's that does not reconnect goes OFFLINE once the cluster has declared A dead, and A started again
// rejoins: a device connected to it is reached through C.
using System.Collections.Concurrent;
using System.Globalization;
using Npgsql;
using Thingyard.Tests.Infrastructure;

namespace Thingyard.Tests.Cluster;

[Collection(ClusterCollection.Name)]
public sealed class NodeKillTests(ClusterNodes cluster)
{
    const int PerNode = 2;
    const int BeforeKill = 40;
    const int AfterKill = 40;
    // Distinct values of temperature (-40..120 by 0.1): each message's value names it.
    const int MaxMessages = 1500;

    static string Value(int i) => (i * 0.1 - 40).ToString("0.0", CultureInfo.InvariantCulture);

    static string Post(int i) =>
        $$"""{"id":"{{i}}","version":"1.0","params":{"temperature":{{Value(i)}}},"method":"thing.event.property.post"}""";

    /// <summary>One publishing device: where it is connected and which values were acknowledged.</summary>
    sealed class Publisher(DeviceLogin login, Node home)
    {
        public DeviceLogin Login { get; } = login;
        public Node Node { get; set; } = home;
        public ConcurrentBag<string> Acked { get; } = [];
        public int AckedAfterKill;
        public int Reconnects;
    }

    [Fact]
    public async Task Every_acknowledged_report_survives_kill_9_of_a_node()
    {
        if (!TestDatabase.IsPostgres) return;
        await cluster.RunningAsync();
        var (a, b, c) = (cluster.A, cluster.B, cluster.C);
        var pk = await b.NewProductAsync();
        var publishers = new List<Publisher>();
        foreach (var node in cluster.Nodes)
            for (var i = 0; i < PerNode; i++) publishers.Add(new Publisher(await b.NewDeviceAsync(pk), node));
        var idle = await b.NewDeviceAsync(pk);
        await using var idleOnA = await idle.ConnectOnlineAsync(a, b);

        var killed = false;
        var running = publishers.Select((p, index) => Task.Run(async () =>
        {
            var device = await p.Login.ConnectAsync(p.Node);
            var topic = device.Sys("thing/event/property/post");
            try
            {
                for (var i = 0; !(Volatile.Read(ref killed) && p.AckedAfterKill >= AfterKill); i++)
                {
                    Assert.True(i < MaxMessages, $"{p.Login.Device.DeviceName} ran out of values");
                    var wasKilled = Volatile.Read(ref killed);
                    try
                    {
                        var result = await device.PublishAsync(topic, Post(i), qos: 1);
                        Assert.True(result.IsSuccess, result.ReasonString);
                        p.Acked.Add(Value(i));
                        if (wasKilled) Interlocked.Increment(ref p.AckedAfterKill);
                    }
                    catch (Exception e) when (e is not Xunit.Sdk.XunitException)
                    {
                        // Cut off by the kill (not acknowledged): the device moves to B or C, as an SDK would retry.
                        Assert.Same(a, p.Node);
                        await device.DisposeAsync();
                        p.Node = index % 2 == 0 ? b : c;
                        device = await ReconnectAsync(p);
                    }
                }
            }
            finally { await device.DisposeAsync(); }
        })).ToList();

        await UntilAsync(() => publishers.All(p => p.Acked.Count >= BeforeKill), "every device had its first reports acknowledged");
        await cluster.KillAsync(a);
        Volatile.Write(ref killed, true);
        await Task.WhenAll(running).WaitAsync(TimeSpan.FromSeconds(90));

        Assert.All(publishers.Where(p => p.Node == a), p => Assert.Fail($"{p.Login.Device.DeviceName} is still on A"));
        Assert.True(publishers.Where(p => p.Reconnects > 0).Count() == PerNode, "A's devices, and only they, reconnected");
        var stored = await StoredAsync(pk);
        foreach (var p in publishers)
        {
            var mine = stored.GetValueOrDefault(p.Login.Device.DeviceName) ?? [];
            var missing = p.Acked.Except(mine).ToList();
            Assert.True(missing.Count == 0,
                $"{missing.Count} of {p.Acked.Count} acknowledged values of {p.Login.Device.DeviceName} (first on A: {p.Reconnects > 0}) are missing, e.g. {string.Join(", ", missing.Take(5))}");
        }

        foreach (var p in publishers)
            Assert.Equal(p.Node.Name, await cluster.EventuallyConnectedToAsync(p.Login.Device, p.Node));

        // A is dead for the others: the device it held, which did not reconnect, goes OFFLINE.
        Assert.Equal("OFFLINE", await c.EventuallyStatusAsync(idle.Device, "OFFLINE"));

        // A started again rejoins: a device connected to it is reached through C.
        await cluster.RunningAsync();
        await using var again = await idle.ConnectOnlineAsync(a, c, "rrpc/request/+");
        Assert.Equal(9, await c.PingAsync(again, idle.Device, 9));
    }

    /// <summary>Connects to the publisher's new node, retrying while the cluster has not yet settled A's death.</summary>
    static async Task<MqttDevice> ReconnectAsync(Publisher p)
    {
        p.Reconnects++;
        for (var attempt = 0; ; attempt++)
        {
            try { return await p.Login.ConnectAsync(p.Node); }
            catch (Exception) when (attempt < 30) { await Task.Delay(500); }
        }
    }

    static async Task UntilAsync(Func<bool> done, string what)
    {
        for (var i = 0; i < 600 && !done(); i++) await Task.Delay(100);
        Assert.True(done(), $"not within 60 s: {what}");
    }

    /// <summary>The stored temperature values of the product's devices, straight from the database.</summary>
    async Task<Dictionary<string, HashSet<string>>> StoredAsync(string pk)
    {
        await using var db = await cluster.OpenDatabaseAsync();
        await using var query = new NpgsqlCommand("""
            SELECT d."DeviceName", s."Value" FROM "PropertySamples" s JOIN "Devices" d ON d."Id" = s."DeviceId"
            WHERE d."ProductKey" = @pk AND s."Identifier" = 'temperature'
            """, db);
        query.Parameters.AddWithValue("pk", pk);
        var stored = new Dictionary<string, HashSet<string>>();
        await using var reader = await query.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            var name = reader.GetString(0);
            if (!stored.TryGetValue(name, out var values)) stored[name] = values = [];
            values.Add(reader.GetString(1));
        }
        return stored;
    }
}
