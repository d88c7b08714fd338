// The two systems under test. Thingyard: the Release server as a child with a fresh data dir, a product with the
// sample thing model and as many registered devices as the largest scenario needs (signed CONNECTs prebuilt).
// Mosquitto: a temp config on 127.0.0.1, anonymous, unlimited connections; the same client ids, no credentials.
using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Thingyard.Protocol.Devices;
using Thingyard.Protocol.OpenApi;
using Thingyard.Protocol.Signing;

namespace Thingyard.Bench;

public sealed record DeviceCred(string ProductKey, string DeviceName, string Secret)
{
    public string Sys(string suffix) => $"/sys/{ProductKey}/{DeviceName}/{suffix}";

    /// <summary>The Alibaba SDK's CONNECT credentials (HMAC-SHA1); the timestamp is fixed per run (the server must not require a fresh one).</summary>
    public MqttCredentials Credentials(long timestampMs) =>
        DeviceCredentials.Create(new DeviceTriplet(ProductKey, DeviceName, Secret), new CredentialOptions { Timestamp = timestampMs });
}

public abstract class SystemUnderTest : IDisposable
{
    public abstract string Name { get; }
    public required ChildProcess Process { get; init; }
    public required IPEndPoint Mqtt { get; init; }
    /// <summary>Devices: registered ones for Thingyard; Mosquitto borrows the same names (and so the same client ids).</summary>
    public IReadOnlyList<DeviceCred> Devices { get; set; } = [];
    /// <summary>Per device, its CONNECT packet (keepalive 300 s), built before any timing starts.</summary>
    public byte[][] ConnectPackets { get; set; } = [];

    public const ushort KeepAlive = 300;
    public abstract void BuildConnectPackets();

    public void Dispose() => Process.Dispose();
}

public sealed class ThingyardSystem : SystemUnderTest
{
    public const string AccessKeyId = "LTAIbenchadmin000000001";
    public const string AccessKeySecret = "bench-admin-secret-000000000001";

    public override string Name => "Thingyard";
    public required string DataDir { get; init; }
    /// <summary>The server's PostgreSQL connection string when it runs on PostgreSQL (--server-env), else null (SQLite).</summary>
    public string? PostgresConnectionString { get; init; }
    public required Uri Http { get; init; }
    public required ThingyardRpcClient Rpc { get; init; }
    public string ProductKey { get; private set; } = "";

    /// <summary>temperature (float) and the sync service ping (n → echo): the sample model of the connectivity tests.</summary>
    public const string Tsl = """
    {
      "properties": [
        {"identifier":"temperature","name":"Temperature","accessMode":"rw","required":false,
         "dataType":{"type":"float","specs":{"min":"-40","max":"120","step":"0.1","unit":"°C"}}}
      ],
      "events": [],
      "services": [
        {"identifier":"ping","name":"Ping","callType":"sync","method":"thing.service.ping",
         "inputData":[{"identifier":"n","name":"N","dataType":{"type":"int","specs":{"min":"0","max":"1000","step":"1"}}}],
         "outputData":[{"identifier":"echo","name":"Echo","dataType":{"type":"int","specs":{"min":"0","max":"1000","step":"1"}}}]}
      ]
    }
    """;

    public static Task<ThingyardSystem> StartAsync(BenchOptions o, Action<string> say) =>
        StartAsync(o, say, "thingyard", o.DataDir ?? Path.Combine(o.WorkDir, "thingyard-data"), ChildProcess.FreePort(), ChildProcess.FreePort(), new Dictionary<string, string>());

    /// <summary>Starts one server: <paramref name="name"/> names its child and log (WORK_DIR/name.log); <paramref name="settings"/>
    /// (environment, e.g. Thingyard__InstanceId) come before --server-env, which can override them.</summary>
    public static async Task<ThingyardSystem> StartAsync(BenchOptions o, Action<string> say, string name, string dataDir, int httpPort, int mqttPort,
        IReadOnlyDictionary<string, string> settings)
    {
        if (!File.Exists(o.ServerDll)) throw new FileNotFoundException($"No server build at {o.ServerDll}; build it with: dotnet build src/Thingyard.Server -c Release --artifacts-path /tmp/bench-server");
        if (Directory.Exists(dataDir)) Directory.Delete(dataDir, recursive: true);
        Directory.CreateDirectory(dataDir);
        var url = $"http://127.0.0.1:{httpPort}";
        var env = new Dictionary<string, string>(settings)
        {
            ["Thingyard__DataDir"] = dataDir,
            ["Thingyard__Mqtt__Port"] = mqttPort.ToString(CultureInfo.InvariantCulture),
            ["Thingyard__Mqtt__TlsPort"] = "-1",
            ["Thingyard__Amqp__TlsPort"] = "-1",
            ["Thingyard__Mqtt__BindAddress"] = "127.0.0.1",
            // The platform's default is 30/s per device (Alibaba's documented limit); the bench drives each device far harder.
            ["Thingyard__Mqtt__MessagesPerSecondPerDevice"] = "10000000",
            ["Thingyard__Admin__AccessKeyId"] = AccessKeyId,
            ["Thingyard__Admin__AccessKeySecret"] = AccessKeySecret,
            ["ASPNETCORE_URLS"] = url,
            ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1",
        };
        foreach (var (k, v) in o.ServerEnv) env[k] = v;
        // Working directory = the build output, so the server's appsettings.json (log levels) applies as in production;
        // --urls on the command line because appsettings.json's "Urls" would otherwise win over ASPNETCORE_URLS.
        var child = ChildProcess.Start(name, "dotnet", [o.ServerDll, $"--urls={url}"], env,
            Path.GetDirectoryName(o.ServerDll)!, Path.Combine(o.WorkDir, name + ".log"));
        var http = new HttpClient(new SocketsHttpHandler
        {
            MaxConnectionsPerServer = Math.Max(64, o.MaxInFlightCalls),
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(10),
            PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
        })
        { BaseAddress = new Uri(url), Timeout = TimeSpan.FromSeconds(60) };
        var system = new ThingyardSystem
        {
            Process = child,
            Mqtt = new IPEndPoint(IPAddress.Loopback, mqttPort),
            DataDir = dataDir,
            PostgresConnectionString = env.GetValueOrDefault("Thingyard__Storage__Provider") is { } provider
                && provider.StartsWith("Postgres", StringComparison.OrdinalIgnoreCase) ? env.GetValueOrDefault("Thingyard__Storage__ConnectionString") : null,
            Http = new Uri(url),
            Rpc = new ThingyardRpcClient(http, AccessKeyId, AccessKeySecret),
        };
        await system.WaitHealthyAsync(http, TimeSpan.FromSeconds(90));
        await ChildProcess.WaitForPortAsync(mqttPort, child, TimeSpan.FromSeconds(30));
        say($"{(name == "thingyard" ? "Thingyard" : name)} pid {child.Pid}: mqtt 127.0.0.1:{mqttPort}, http {url}, data {dataDir}");
        return system;
    }

    async Task WaitHealthyAsync(HttpClient http, TimeSpan timeout)
    {
        var until = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < until)
        {
            if (Process.HasExited) throw new InvalidOperationException($"Thingyard exited during start; see {Process.LogPath}");
            try
            {
                using var r = await http.GetAsync("/health");
                if (r.IsSuccessStatusCode) return;
            }
            catch (HttpRequestException) { }
            await Task.Delay(200);
        }
        throw new TimeoutException($"Thingyard was not healthy within {timeout.TotalSeconds} s; see {Process.LogPath}");
    }

    Task<JsonElement> Call(string action, params (string Key, string Value)[] p) =>
        Rpc.CallAsync(action, p.Select(x => KeyValuePair.Create(x.Key, x.Value)));

    /// <summary>Creates the product and thing model and registers <paramref name="count"/> devices (BatchRegisterDevice in jobs
    /// of up to 10,000, then QueryPageByApplyId pages of 50 for the secrets).</summary>
    public async Task SetUpDevicesAsync(int count, Action<string> say)
    {
        ProductKey = await CreateModelledProductAsync();
        var started = DateTime.UtcNow;
        var devices = new List<DeviceCred>(count);
        for (var left = count; left > 0;)
        {
            var n = Math.Min(left, 10_000);
            var job = await Call("BatchRegisterDevice", ("ProductKey", ProductKey), ("Count", n.ToString(CultureInfo.InvariantCulture)));
            var applyId = job.GetProperty("Data").GetProperty("ApplyId").ToString();
            await WaitForJobAsync(ProductKey, applyId);
            devices.AddRange(await PageAsync(ProductKey, applyId, n));
            left -= n;
            say($"  registered {devices.Count}/{count} devices ({(DateTime.UtcNow - started).TotalSeconds:F0} s)");
        }
        Devices = devices;
    }

    /// <summary>A new product (directly connected device) with the sample thing model, published.</summary>
    public async Task<string> CreateModelledProductAsync()
    {
        var created = await Call("CreateProduct", ("ProductName", "bench_" + Guid.NewGuid().ToString("N")[..8]), ("NodeType", "0"));
        var productKey = created.TryGetProperty("ProductKey", out var pk) ? pk.GetString()! : created.GetProperty("Data").GetProperty("ProductKey").GetString()!;
        await Call("ImportThingModelTsl", ("ProductKey", productKey), ("TslStr", Tsl));
        await Call("PublishThingModel", ("ProductKey", productKey));
        return productKey;
    }

    /// <summary>Registers these names (BatchCheckDeviceNames, then BatchRegisterDeviceWithApplyId; up to 10,000) and returns their credentials.</summary>
    public async Task<List<DeviceCred>> RegisterNamedDevicesAsync(string productKey, IReadOnlyList<string> names)
    {
        var check = await Rpc.CallAsync("BatchCheckDeviceNames", [KeyValuePair.Create("ProductKey", productKey), .. ThingyardRpcClient.List("DeviceName", names)]);
        var applyId = check.GetProperty("Data").GetProperty("ApplyId").ToString();
        await Call("BatchRegisterDeviceWithApplyId", ("ProductKey", productKey), ("ApplyId", applyId));
        await WaitForJobAsync(productKey, applyId);
        return await PageAsync(productKey, applyId, names.Count);
    }

    public async Task WaitForJobAsync(string productKey, string applyId)
    {
        var until = DateTime.UtcNow.AddMinutes(5);
        while (DateTime.UtcNow < until)
        {
            var status = (await Call("QueryBatchRegisterDeviceStatus", ("ProductKey", productKey), ("ApplyId", applyId)))
                .GetProperty("Data").GetProperty("Status").GetString();
            if (status == "CREATE_SUCCESS") return;
            if (status is "CREATE_FAILED" or "CHECK_FAILED") throw new InvalidOperationException($"batch {applyId}: {status}");
            await Task.Delay(250);
        }
        throw new TimeoutException($"batch {applyId} not done after 5 minutes");
    }

    async Task<List<DeviceCred>> PageAsync(string productKey, string applyId, int total)
    {
        const int pageSize = 50;
        var pages = (total + pageSize - 1) / pageSize;
        var result = new DeviceCred[pages][];
        var next = 0;
        var workers = Enumerable.Range(0, 8).Select(async _ =>
        {
            int page;
            while ((page = Interlocked.Increment(ref next)) <= pages)
            {
                var body = await Call("QueryPageByApplyId", ("ApplyId", applyId), ("CurrentPage", page.ToString(CultureInfo.InvariantCulture)),
                    ("PageSize", pageSize.ToString(CultureInfo.InvariantCulture)));
                result[page - 1] = body.GetProperty("ApplyDeviceList").GetProperty("ApplyDeviceInfo").EnumerateArray()
                    .Select(d => new DeviceCred(productKey, d.GetProperty("DeviceName").GetString()!, d.GetProperty("DeviceSecret").GetString()!))
                    .ToArray();
            }
        });
        await Task.WhenAll(workers);
        var all = result.SelectMany(r => r).ToList();
        if (all.Count != total || all.Select(d => d.DeviceName).Distinct().Count() != total)
            throw new InvalidOperationException($"batch {applyId}: paged {all.Count} devices, expected {total} distinct");
        return all;
    }

    public override void BuildConnectPackets()
    {
        var ts = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        ConnectPackets = Devices.Select(d =>
        {
            var c = d.Credentials(ts);
            return Bench.Mqtt.ConnectPacket(c.ClientId, c.UserName, c.Password, KeepAlive);
        }).ToArray();
    }

    /// <summary>The server's database, read-only where the provider allows it (the SQLite file, or PostgreSQL).</summary>
    async Task<System.Data.Common.DbConnection> OpenDatabaseAsync()
    {
        System.Data.Common.DbConnection connection = PostgresConnectionString is { } pg
            ? new Npgsql.NpgsqlConnection(pg)
            : new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={Path.Combine(DataDir, "thingyard.db")};Mode=ReadOnly;Pooling=False");
        await connection.OpenAsync();
        return connection;
    }

    public string DatabaseName => PostgresConnectionString is null ? "thingyard.db" : "PostgreSQL";

    /// <summary>Highest PropertySamples row id: rows only get appended during a run, so differences count stored rows cheaply.</summary>
    public async Task<long> LastSampleIdAsync()
    {
        await using var connection = await OpenDatabaseAsync();
        await using var cmd = connection.CreateCommand();
        cmd.CommandText = """SELECT COALESCE(MAX("Id"), 0) FROM "PropertySamples" """;
        return Convert.ToInt64(await cmd.ExecuteScalarAsync(), CultureInfo.InvariantCulture);
    }

    /// <summary>Rows in PropertySamples per device name of the bench product, read from the server's database.</summary>
    public async Task<Dictionary<string, long>> StoredSamplesAsync()
    {
        var counts = new Dictionary<string, long>();
        await using var connection = await OpenDatabaseAsync();
        await using var cmd = connection.CreateCommand();
        cmd.CommandText = $"""
            SELECT d."DeviceName", COUNT(*) FROM "PropertySamples" s JOIN "Devices" d ON d."Id" = s."DeviceId"
            WHERE d."ProductKey" = '{ProductKey}' GROUP BY d."DeviceName"
            """; // the bench's own product key (letters and digits)
        await using var reader = await cmd.ExecuteReaderAsync();
        while (await reader.ReadAsync()) counts[reader.GetString(0)] = reader.GetInt64(1);
        return counts;
    }
}

public sealed class MosquittoSystem : SystemUnderTest
{
    public override string Name => "Mosquitto";

    public static async Task<MosquittoSystem> StartAsync(BenchOptions o, Action<string> say)
    {
        if (!File.Exists(o.Mosquitto)) throw new FileNotFoundException($"No mosquitto at {o.Mosquitto}; apt-get install -y mosquitto");
        var port = ChildProcess.FreePort();
        var config = Path.Combine(o.WorkDir, "mosquitto.conf");
        // set_tcp_nodelay: Thingyard's listener sets NoDelay too, so both answer without Nagle delays.
        await File.WriteAllTextAsync(config, $"""
            listener {port} 127.0.0.1
            allow_anonymous true
            max_connections -1
            persistence false
            set_tcp_nodelay true
            connection_messages false
            log_dest stdout
            log_type error
            log_type warning

            """);
        var child = ChildProcess.Start("mosquitto", o.Mosquitto, ["-c", config], new Dictionary<string, string>(), o.WorkDir,
            Path.Combine(o.WorkDir, "mosquitto.log"));
        await ChildProcess.WaitForPortAsync(port, child, TimeSpan.FromSeconds(15));
        say($"Mosquitto pid {child.Pid}: mqtt 127.0.0.1:{port}, config {config}");
        return new MosquittoSystem { Process = child, Mqtt = new IPEndPoint(IPAddress.Loopback, port) };
    }

    public override void BuildConnectPackets()
    {
        var ts = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        ConnectPackets = Devices.Select(d => Bench.Mqtt.ConnectPacket(d.Credentials(ts).ClientId, null, null, KeepAlive)).ToArray();
    }
}

/// <summary>Client source addresses 127.0.0.2, 127.0.0.3, ... taken in turn.</summary>
public sealed class SourceAddresses(int count)
{
    readonly IPAddress[] _addresses = Enumerable.Range(2, count).Select(i => new IPAddress([127, 0, 0, (byte)i])).ToArray();
    int _next;

    public IPAddress Next() => _addresses[(int)((uint)Interlocked.Increment(ref _next) % (uint)_addresses.Length)];
}
