// A cluster behind the documented load balancer: two real nodes (processes) on one PostgreSQL database, and HAProxy
// running docs/cluster/haproxy.cfg with the test's addresses and ports put in. Through the balancer only: devices
// connect and land on both nodes, signed OpenAPI calls work, and a sync service call reaches its device whichever
// nodes the call and the device landed on. PostgreSQL leg only (a cluster needs it).
using System.Diagnostics;
using System.Text;
using System.Text.Json;
using MQTTnet;
using MQTTnet.Formatter;
using Npgsql;
using Thingyard.Protocol.Devices;
using Thingyard.Protocol.OpenApi;
using Thingyard.Protocol.Signing;
using Thingyard.Tests.Connectivity;
using Thingyard.Tests.Devices;
using Thingyard.Tests.Infrastructure;

namespace Thingyard.Tests.Cluster;

public sealed class LoadBalancerTests
{
    [Fact]
    public async Task Devices_and_calls_through_the_documented_HAProxy_configuration_reach_every_node()
    {
        if (!TestDatabase.IsPostgres) return;
        await using var cluster = await LoadBalancedCluster.StartAsync(nodes: 2);
        if (cluster is null) return; // no HAProxy here, and the suite does not require it
        var rpc = cluster.Rpc();

        // Signed OpenAPI calls through the balancer's HTTP port.
        var pk = (await rpc.CallAsync("CreateProduct", [KeyValuePair.Create("ProductName", "lb_" + Guid.NewGuid().ToString("N")[..8]), KeyValuePair.Create("NodeType", "0")]))
            .Str("ProductKey");
        await rpc.CallAsync("ImportThingModelTsl", [KeyValuePair.Create("ProductKey", pk), KeyValuePair.Create("TslStr", ConnectivityCalls.SampleTsl)]);
        await rpc.CallAsync("PublishThingModel", [KeyValuePair.Create("ProductKey", pk)]);
        var devices = new List<MqttDevice>();
        try
        {
            // Through the balancer's MQTT port: leastconn sends each new connection to the node holding fewer.
            for (var i = 0; i < 4; i++)
            {
                var d = (await rpc.CallAsync("RegisterDevice", [KeyValuePair.Create("ProductKey", pk), KeyValuePair.Create("DeviceName", $"lb_{i}")])).At("Data");
                var device = await cluster.ConnectAsync(pk, d.Str("DeviceName"), d.Str("DeviceSecret"));
                await device.SubscribeAsync(device.Sys("rrpc/request/+"));
                devices.Add(device);
            }
            var nodes = await ConnectivityCalls.EventuallyAsync(() => cluster.ConnectedNodesAsync(pk), n => n.Count == devices.Count && n.Values.Distinct().Count() == 2);
            Assert.Equal(devices.Count, nodes.Count);
            Assert.Equal(new[] { "node1", "node2" }, nodes.Values.Distinct().Order());

            // Whichever node answers: the one holding the device, or the other (which reads what the holder recorded).
            foreach (var device in devices.Concat(devices))
            {
                var status = await ConnectivityCalls.EventuallyAsync(() => cluster.Rpc(sticky: false).CallAsync("GetDeviceStatus",
                    [KeyValuePair.Create("ProductKey", pk), KeyValuePair.Create("DeviceName", device.DeviceName)]), s => s.Str("Data.Status") == "ONLINE");
                Assert.Equal("ONLINE", status.Str("Data.Status"));
            }

            // Sync calls through the balancer, each on a new connection (round robin over the nodes): every device,
            // twice, so calls are made both on the device's node and on the other one.
            for (var round = 0; round < 2; round++)
                foreach (var device in devices)
                {
                    var n = devices.IndexOf(device) * 10 + round;
                    var call = cluster.Rpc(sticky: false).CallAsync("InvokeThingService",
                    [
                        KeyValuePair.Create("ProductKey", pk), KeyValuePair.Create("DeviceName", device.DeviceName),
                        KeyValuePair.Create("Identifier", "ping"), KeyValuePair.Create("Args", $$"""{"n":{{n}}}"""),
                    ]);
                    var request = await device.NextAsync(r => r.Topic.StartsWith(device.Sys("rrpc/request/"), StringComparison.Ordinal));
                    var id = request.Json.GetProperty("id").GetString();
                    Assert.Equal(n, request.Json.GetProperty("params").GetProperty("n").GetInt32());
                    await device.PublishAsync(device.Sys($"rrpc/response/{request.Topic[(request.Topic.LastIndexOf('/') + 1)..]}"),
                        $$"""{"id":"{{id}}","code":200,"data":{"echo":{{n}}} }""");
                    var response = await call;
                    Assert.Equal(n, JsonDocument.Parse(response.Str("Data.Result")).RootElement.GetProperty("echo").GetInt32());
                }
        }
        finally
        {
            foreach (var d in devices) await d.DisposeAsync();
        }
    }
}

/// <summary>Nodes of one cluster as processes on one new database, and HAProxy in front of them with the documented
/// configuration. Null from StartAsync when HAProxy is not installed and the suite does not require it.</summary>
sealed class LoadBalancedCluster : IAsyncDisposable
{
    const string HaProxy = "/usr/sbin/haproxy";
    readonly List<ServerProcess> _nodes = [];
    readonly List<Dictionary<string, string>> _settings = [];
    readonly List<string> _dataDirs = [];
    Process? _haproxy;
    readonly StringBuilder _haproxyOutput = new();
    string _database = "";
    int _http, _mqtt;

    public static async Task<LoadBalancedCluster?> StartAsync(int nodes)
    {
        if (!File.Exists(HaProxy))
        {
            if (Environment.GetEnvironmentVariable("THINGYARD_REQUIRE_POSTGRES") == "1") throw new InvalidOperationException($"{HaProxy} is required (apt-get install haproxy)");
            return null;
        }
        var cluster = new LoadBalancedCluster();
        try
        {
            await cluster.StartNodesAsync(nodes);
            await cluster.StartBalancerAsync();
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    async Task StartNodesAsync(int count)
    {
        var db = await TestDatabase.NewAsync();
        _database = db["Thingyard:Storage:ConnectionString"];
        var clusterId = "lb_" + Guid.NewGuid().ToString("N")[..8];
        Dictionary<string, string> Settings(int i) => new(db)
        {
            ["Thingyard:Security:MasterKey"] = Convert.ToBase64String(Encoding.ASCII.GetBytes("load-balancer-test-key-000000001")),
            ["Thingyard:Cluster:Enabled"] = "true",
            ["Thingyard:Cluster:ClusterId"] = clusterId,
            ["Thingyard:Cluster:NodeName"] = $"node{i}",
            ["Thingyard:Cluster:SiloPort"] = ThingyardServer.FreePort().ToString(),
            ["Thingyard:Cluster:AdvertisedAddress"] = "127.0.0.1",
            // The TLS ports the configuration balances too (with the generated certificate).
            ["Thingyard:Mqtt:TlsPort"] = ThingyardServer.FreePort().ToString(),
            ["Thingyard:Amqp:TlsPort"] = ThingyardServer.FreePort().ToString(),
        };
        string DataDir()
        {
            var dir = Path.Combine(Path.GetTempPath(), "thingyard-tests", Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(dir);
            _dataDirs.Add(dir);
            return dir;
        }
        // The first node creates the schema; the others join it.
        _settings.AddRange(Enumerable.Range(1, count).Select(Settings));
        _nodes.Add(await ServerProcess.StartAsync(DataDir(), _settings[0]));
        _nodes.AddRange(await Task.WhenAll(_settings.Skip(1).Select(s => ServerProcess.StartAsync(DataDir(), s))));
        for (var i = 0; i < 100 && await ActiveNodesAsync() < count; i++) await Task.Delay(200);
        Assert.Equal(count, await ActiveNodesAsync());

        async Task<long> ActiveNodesAsync()
        {
            await using var connection = new NpgsqlConnection(_database);
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand("SELECT count(*) FROM orleansmembershiptable WHERE deploymentid = @c AND status = 3", connection);
            command.Parameters.AddWithValue("c", clusterId);
            return (long)(await command.ExecuteScalarAsync())!;
        }
    }

    /// <summary>docs/cluster/haproxy.cfg with the nodes' addresses replaced by the test's nodes (the third node's lines
    /// dropped when there are two) and the balancer bound to loopback on free ports.</summary>
    async Task StartBalancerAsync()
    {
        var config = await File.ReadAllTextAsync(Path.Combine(RepoRoot(), "docs", "cluster", "haproxy.cfg"));
        _http = ThingyardServer.FreePort();
        _mqtt = ThingyardServer.FreePort();
        var (mqtts, amqp) = (ThingyardServer.FreePort(), ThingyardServer.FreePort());
        string Replace(string text, string from, string to)
        {
            Assert.Contains(from, text); // the documented file still has what the test fills in
            return text.Replace(from, to);
        }
        config = Replace(config, "maxconn 100000", "maxconn 1000"); // within the test process's open-file limit
        config = Replace(config, "bind :8080", $"bind 127.0.0.1:{_http}");
        config = Replace(config, "bind :1883", $"bind 127.0.0.1:{_mqtt}");
        config = Replace(config, "bind :8883", $"bind 127.0.0.1:{mqtts}");
        config = Replace(config, "bind :5671", $"bind 127.0.0.1:{amqp}");
        // Without its comments (they name the example addresses) and the lines of nodes the test does not start.
        config = string.Join('\n', config.Split('\n').Where(l => !l.TrimStart().StartsWith('#')
            && !Enumerable.Range(_nodes.Count + 1, 3 - _nodes.Count).Any(i => l.Contains($"10.0.0.1{i}:"))));
        for (var i = 0; i < _nodes.Count; i++)
        {
            var node = _nodes[i];
            var address = $"10.0.0.1{i + 1}";
            var env = _settings[i];
            config = Replace(config, $"{address}:8080 check cookie", $"127.0.0.1:{node.HttpPort} check cookie");
            config = Replace(config, $"{address}:1883 check port 8080", $"127.0.0.1:{node.MqttPort} check port {node.HttpPort}");
            config = Replace(config, $"{address}:8883 check port 8080", $"127.0.0.1:{env["Thingyard:Mqtt:TlsPort"]} check port {node.HttpPort}");
            config = Replace(config, $"{address}:5671 check port 8080", $"127.0.0.1:{env["Thingyard:Amqp:TlsPort"]} check port {node.HttpPort}");
        }
        Assert.DoesNotContain("10.0.0.", config);
        var path = Path.Combine(_dataDirs[0], "haproxy.cfg");
        await File.WriteAllTextAsync(path, config);
        var psi = new ProcessStartInfo(HaProxy) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { "-db", "-f", path }) psi.ArgumentList.Add(a);
        _haproxy = Process.Start(psi)!;
        _haproxy.OutputDataReceived += (_, e) => { lock (_haproxyOutput) _haproxyOutput.AppendLine(e.Data); };
        _haproxy.ErrorDataReceived += (_, e) => { lock (_haproxyOutput) _haproxyOutput.AppendLine(e.Data); };
        _haproxy.BeginOutputReadLine();
        _haproxy.BeginErrorReadLine();
        // Ready when the balancer answers /health/ready from a node.
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{_http}"), Timeout = TimeSpan.FromSeconds(5) };
        for (var i = 0; i < 100; i++)
        {
            if (_haproxy.HasExited) throw new InvalidOperationException($"haproxy exited with {_haproxy.ExitCode}: {_haproxyOutput}");
            try
            {
                if ((await http.GetAsync("/health/ready")).IsSuccessStatusCode) return;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException) { }
            await Task.Delay(200);
        }
        throw new TimeoutException($"The balancer did not answer /health/ready: {_haproxyOutput}");
    }

    static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Thingyard.slnx"))) return dir.FullName;
        throw new DirectoryNotFoundException("the repository root (Thingyard.slnx) above " + AppContext.BaseDirectory);
    }

    /// <summary>A signed OpenAPI client through the balancer; <paramref name="sticky"/> false: no cookie, so every call
    /// is balanced anew.</summary>
    public ThingyardRpcClient Rpc(bool sticky = true) =>
        new(new HttpClient(new SocketsHttpHandler { UseCookies = sticky }) { BaseAddress = new Uri($"http://127.0.0.1:{_http}/") },
            ThingyardServer.AdminKeyId, ThingyardServer.AdminSecret);

    /// <summary>A device through the balancer's MQTT port, signed as the SDKs sign.</summary>
    public Task<MqttDevice> ConnectAsync(string pk, string dn, string secret)
    {
        var c = DeviceCredentials.Create(new DeviceTriplet(pk, dn, secret), new CredentialOptions { Timestamp = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() });
        var options = new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", _mqtt).WithProtocolVersion(MqttProtocolVersion.V311)
            .WithClientId(c.ClientId).WithCredentials(c.UserName, c.Password).WithKeepAlivePeriod(TimeSpan.FromSeconds(60))
            .WithCleanSession(true).WithTimeout(TimeSpan.FromSeconds(10)).Build();
        return MqttDevice.ConnectAsync(options, pk, dn);
    }

    /// <summary>The node each online device of the product is connected to, as the nodes recorded it.</summary>
    public async Task<Dictionary<string, string>> ConnectedNodesAsync(string pk)
    {
        await using var connection = new NpgsqlConnection(_database);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("""
            SELECT "DeviceName", "ConnectedNode" FROM "Devices" WHERE "ProductKey" = @pk AND "ConnectedNode" IS NOT NULL
            """, connection);
        command.Parameters.AddWithValue("pk", pk);
        var nodes = new Dictionary<string, string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync()) nodes[reader.GetString(0)] = reader.GetString(1);
        return nodes;
    }

    public async ValueTask DisposeAsync()
    {
        if (_haproxy is { HasExited: false })
        {
            _haproxy.Kill();
            await _haproxy.WaitForExitAsync();
        }
        _haproxy?.Dispose();
        foreach (var node in _nodes) await node.DisposeAsync();
        foreach (var dir in _dataDirs)
            try { Directory.Delete(dir, recursive: true); } catch (IOException) { }
    }
}
