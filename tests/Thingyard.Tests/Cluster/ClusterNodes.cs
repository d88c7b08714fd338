// Three real server processes on loopback forming one cluster (one instance, iotx-k): one PostgreSQL database, the same
// master key, each node its own data folder and ports. Only with THINGYARD_TEST_POSTGRES (a cluster needs PostgreSQL);
// without it nothing starts and the tests return at once. The nodes are shared by the Cluster collection: a test that
// kills a node starts it again (RunningAsync) so the next one finds three.
using System.Globalization;
using System.Security.Cryptography;
using Npgsql;
using Thingyard.Protocol.OpenApi;
using Thingyard.Tests.Connectivity;
using Thingyard.Tests.Devices;
using Thingyard.Tests.Distribution;
using Thingyard.Tests.Infrastructure;

namespace Thingyard.Tests.Cluster;

[CollectionDefinition(Name)]
public sealed class ClusterCollection : ICollectionFixture<ClusterNodes>
{
    public const string Name = "Cluster";
}

/// <summary>One node: its fixed ports and settings (a restart reuses them), and the process while it runs.</summary>
public sealed class Node(string name, string dataDir, Dictionary<string, string> settings, int http, int mqtt, int amqp)
{
    /// <summary>Plain AMQP (the server-side subscription), on loopback.</summary>
    public int AmqpPort { get; } = amqp;
    public string Name { get; } = name;
    public string DataDir { get; } = dataDir;
    public Dictionary<string, string> Settings { get; } = settings;
    public int HttpPort { get; } = http;
    public int MqttPort { get; } = mqtt;
    public ServerProcess? Process { get; set; }
    /// <summary>What earlier runs of this node logged (a restart starts a new process and a new log).</summary>
    public string EarlierOutput { get; set; } = "";

    public bool Running => Process is { HasExited: false };
    public string Output => Process?.Output ?? "";
    public ThingyardRpcClient Rpc() => Process!.Rpc();

    /// <summary>Whether this run of the node leads (its last word on leadership is that it runs the cluster's jobs).</summary>
    public bool Leads
    {
        get
        {
            var output = Output;
            var gained = output.LastIndexOf("This node now runs the cluster's jobs", StringComparison.Ordinal);
            var other = output.LastIndexOf(" runs the cluster's jobs", StringComparison.Ordinal);
            return gained >= 0 && other == gained + "This node now".Length;
        }
    }

    public override string ToString() => Name;
}

public sealed class ClusterNodes : IAsyncLifetime
{
    public const string InstanceId = "iotx-k";
    public const string TargetId = "iotx-t";

    public Node[] Nodes { get; private set; } = [];
    public Node A => Nodes[0];
    public Node B => Nodes[1];
    public Node C => Nodes[2];

    /// <summary>The cluster's database, for reading what was stored straight from it.</summary>
    public string ConnectionString { get; private set; } = "";

    /// <summary>The distribution target's ports (a separate instance a test starts; the nodes know it as a peer).</summary>
    public int TargetHttpPort { get; } = TestDatabase.IsPostgres ? ThingyardServer.FreePort() : 0;
    public int TargetMqttPort { get; } = TestDatabase.IsPostgres ? ThingyardServer.FreePort() : 0;

    public async Task InitializeAsync()
    {
        if (!TestDatabase.IsPostgres) return;
        var database = await TestDatabase.NewAsync();
        ConnectionString = database["Thingyard:Storage:ConnectionString"];
        var masterKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        var clusterId = "ct-" + Guid.NewGuid().ToString("N")[..8];
        Nodes = new[] { "a", "b", "c" }.Select(name =>
        {
            var settings = new Dictionary<string, string>(database)
            {
                ["Thingyard:Security:MasterKey"] = masterKey,
                ["Thingyard:Cluster:Enabled"] = "true",
                ["Thingyard:Cluster:ClusterId"] = clusterId,
                ["Thingyard:Cluster:NodeName"] = name,
                ["Thingyard:Cluster:SiloPort"] = ThingyardServer.FreePort().ToString(CultureInfo.InvariantCulture),
                ["Thingyard:Cluster:AdvertisedAddress"] = "127.0.0.1",
                ["Thingyard:Cluster:FailureDetectionSeconds"] = "4",
                // Load tests publish back to back: a throttled QoS 1 publish is acknowledged but dropped.
                ["Thingyard:Mqtt:MessagesPerSecondPerDevice"] = "1000000",
                // Membership and leadership lines are how the tests see the cluster from outside.
                ["Logging:LogLevel:Thingyard.Server.Cluster"] = "Information",
                ["Thingyard:InstanceId"] = InstanceId,
                ["Thingyard:Admin:AccountUid"] = Federation.AdminUid,
                ["Thingyard:Federation:SharedSecret"] = Federation.Secret,
                ["Thingyard:Federation:Peers:0:InstanceId"] = TargetId,
                ["Thingyard:Federation:Peers:0:HttpUrl"] = $"http://127.0.0.1:{TargetHttpPort}",
                ["Thingyard:Federation:Peers:0:MqttHost"] = "127.0.0.1",
                ["Thingyard:Federation:Peers:0:MqttPort"] = TargetMqttPort.ToString(CultureInfo.InvariantCulture),
            };
            var dataDir = Path.Combine(Path.GetTempPath(), "thingyard-tests", "cluster-" + name + "-" + Guid.NewGuid().ToString("N")[..8]);
            Directory.CreateDirectory(dataDir);
            var amqp = ThingyardServer.FreePort();
            settings["Thingyard:Amqp:Port"] = amqp.ToString(CultureInfo.InvariantCulture);
            return new Node(name, dataDir, settings, ThingyardServer.FreePort(), ThingyardServer.FreePort(), amqp);
        }).ToArray();
        try
        {
            await Task.WhenAll(Nodes.Select(StartAsync));
            await WaitForMembersAsync();
        }
        catch
        {
            await DisposeAsync(); // no node left running behind a cluster that did not come up
            throw;
        }
    }

    async Task StartAsync(Node node)
    {
        // Three nodes and their silos starting at once on a busy machine may take longer than one server.
        node.Process = await ServerProcess.StartAsync(node.DataDir, node.Settings, node.HttpPort, node.MqttPort, startWithin: TimeSpan.FromSeconds(120));
    }

    /// <summary>SIGKILL of one node; its log is kept for failure messages.</summary>
    public async Task KillAsync(Node node)
    {
        await node.Process!.KillAsync();
        node.EarlierOutput += node.Output;
    }

    /// <summary>Starts the nodes that are not running again (same ports and data) and waits until every node sees every
    /// other one active.</summary>
    public async Task RunningAsync()
    {
        var stopped = Nodes.Where(n => !n.Running).ToList();
        if (stopped.Count == 0) return;
        foreach (var node in stopped)
            if (node.Process is { } old) { node.EarlierOutput += old.Output; await old.DisposeAsync(); }
        await Task.WhenAll(stopped.Select(StartAsync));
        await WaitForMembersAsync();
    }

    /// <summary>Until each running node has logged every running node of its current run as active (at most 30 s).</summary>
    public async Task WaitForMembersAsync()
    {
        for (var i = 0; i < 150; i++)
        {
            if (Nodes.All(n => Nodes.All(other => SeesActive(n, other)))) return;
            await Task.Delay(200);
        }
        throw new TimeoutException("The nodes did not all see each other active:\n" + string.Join("\n", Nodes.Select(n => $"--- {n}\n{n.Output}")));
    }

    /// <summary>Whether <paramref name="viewer"/> logged <paramref name="node"/> active after <paramref name="node"/>'s
    /// current run started (a line about an earlier run of it names another address).</summary>
    static bool SeesActive(Node viewer, Node node)
    {
        var address = OwnAddress(node);
        return address is not null && viewer.Output.Contains($"Node {node.Name} is active in the cluster ({address})", StringComparison.Ordinal);
    }

    /// <summary>The silo address this run of the node logged for itself.</summary>
    static string? OwnAddress(Node node)
    {
        var output = node.Output;
        var marker = $"Node {node.Name} is active in the cluster (";
        var at = output.IndexOf(marker, StringComparison.Ordinal);
        if (at < 0) return null;
        var start = at + marker.Length;
        var end = output.IndexOf(')', start);
        return end < 0 ? null : output[start..end];
    }

    /// <summary>The node running the cluster's jobs now, by the nodes' logs; null while none says it does.</summary>
    public Node? Leader => Nodes.Where(n => n.Running).SingleOrDefault(n => n.Leads);

    /// <summary>Every node's log, for failure messages.</summary>
    public string Logs => string.Join("\n", Nodes.Select(n => $"--- node {n}\n{n.EarlierOutput}{n.Output}"));

    public async Task<NpgsqlConnection> OpenDatabaseAsync()
    {
        var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        return connection;
    }

    /// <summary>Devices.ConnectedNode of a device: the node that last set it ONLINE.</summary>
    public async Task<string?> ConnectedNodeAsync(TestDevice d)
    {
        await using var db = await OpenDatabaseAsync();
        await using var query = new NpgsqlCommand("""SELECT "ConnectedNode" FROM "Devices" WHERE "ProductKey" = @pk AND "DeviceName" = @dn""", db);
        query.Parameters.AddWithValue("pk", d.ProductKey);
        query.Parameters.AddWithValue("dn", d.DeviceName);
        return await query.ExecuteScalarAsync() as string;
    }

    /// <summary>Polls ConnectedNode until it names the node (at most about 10 s); returns the last value.</summary>
    public async Task<string?> EventuallyConnectedToAsync(TestDevice d, Node node)
    {
        var at = await ConnectedNodeAsync(d);
        for (var i = 0; i < 50 && at != node.Name; i++)
        {
            await Task.Delay(200);
            at = await ConnectedNodeAsync(d);
        }
        return at;
    }

    public async Task DisposeAsync()
    {
        foreach (var node in Nodes)
        {
            if (node.Process is { } p) await p.DisposeAsync();
            try { Directory.Delete(node.DataDir, recursive: true); } catch (IOException) { }
        }
    }
}
