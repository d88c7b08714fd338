// The cluster bench (--cluster): the same load against a cluster of 1, 2 and 3 nodes on this machine, the nodes sharing
// one PostgreSQL (BenchPostgres) and the machine's cores, devices spread round-robin over the nodes. Per size: first
// connects/s and the nodes' memory per idle connection, QoS 1 and QoS 0 property posts/s, sync service calls made
// through the device's own node and through another one, and what PostgreSQL committed meanwhile. Figures, not
// assertions: docs/performance.md explains what they show.
using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Npgsql;
using Thingyard.Protocol.OpenApi;

namespace Thingyard.Bench;

public sealed class ClusterBench(BenchOptions o, Results results, SourceAddresses sources, Action<string> say)
{
    // Every node seals secrets with the same key (cluster mode requires one): 32 fixed bytes.
    static readonly string MasterKey = Convert.ToBase64String(Encoding.ASCII.GetBytes("thingyard-bench-cluster-key-0001"));
    const int WarmUpDevices = 300;

    readonly List<(string Metric, Dictionary<int, string> Values)> _rows = [];
    BenchPostgres _pg = null!;
    List<ThingyardSystem> _nodes = [];
    IReadOnlyList<DeviceCred> _devices = [];
    byte[][] _packets = [];
    string _db = "";

    void Put(string metric, int n, string text)
    {
        var row = _rows.FirstOrDefault(r => r.Metric == metric);
        if (row.Metric is null) _rows.Add(row = (metric, []));
        row.Values[n] = text;
        // What is measured so far survives a run stopped before its end (the report is printed only then).
        File.WriteAllText(Path.Combine(o.WorkDir, "cluster-table.md"), Table() + "\n" + string.Join('\n', results.Notes.Select(x => "- " + x)));
    }

    static string Label(int n) => n switch { 0 => "1 node, no cluster", 1 => "cluster of 1", _ => $"cluster of {n}" };

    static string F(double v, string format = "N0") => v.ToString(format, CultureInfo.InvariantCulture);

    public async Task<string> RunAsync()
    {
        await using var pg = _pg = await BenchPostgres.StartAsync(o, say);
        foreach (var n in o.ClusterSizes)
        {
            try { await RunSizeAsync(n); }
            finally
            {
                foreach (var node in _nodes)
                {
                    if (node.Process.HasExited) results.Note($"{Label(n)}: {node.Process.Name} EXITED during the run; see {node.Process.LogPath}");
                    node.Process.Stop();
                    node.Dispose();
                }
                _nodes = [];
            }
        }
        return Table();
    }

    string Table()
    {
        var sb = new StringBuilder();
        sb.AppendLine("| Metric | " + string.Join(" | ", o.ClusterSizes.Select(n => n switch { 0 => "1 node, no cluster", 1 => "1 node", _ => $"{n} nodes" })) + " |");
        sb.AppendLine("|---|" + string.Concat(o.ClusterSizes.Select(_ => "---:|")));
        foreach (var (metric, values) in _rows)
            sb.AppendLine($"| {metric} | " + string.Join(" | ", o.ClusterSizes.Select(n => values.GetValueOrDefault(n, "–"))) + " |");
        return sb.ToString();
    }

    /// <summary>Size 0: one node with cluster mode off (the baseline: what cluster mode itself costs one node).</summary>
    async Task RunSizeAsync(int n)
    {
        say(n == 0 ? "One node, cluster mode off" : $"Cluster of {n}: starting {n} node(s)");
        _db = await _pg.NewDatabaseAsync($"tycluster{n}");
        var clusterId = $"bench{n}";
        // The first node creates the schema (Thingyard's and Orleans'); the others join it.
        _nodes.Add(await StartNodeAsync(1, clusterId, clustered: n > 0));
        if (n > 1) _nodes.AddRange(await Task.WhenAll(Enumerable.Range(2, n - 1).Select(i => StartNodeAsync(i, clusterId))));
        var until = DateTime.UtcNow.AddSeconds(60);
        while (n > 0 && await BenchPostgres.ActiveNodesAsync(_db, clusterId) < n)
        {
            if (DateTime.UtcNow > until) throw new TimeoutException($"the {n} nodes did not all become active in Orleans' membership within 60 s");
            await Task.Delay(500);
        }
        var first = _nodes[0];
        var count = o.Connects + WarmUpDevices;
        say($"{Label(n)}: registering {count:N0} devices through node1");
        await first.SetUpDevicesAsync(count, say);
        first.BuildConnectPackets();
        (_devices, _packets) = (first.Devices, first.ConnectPackets);

        // Unrecorded: every node's connect, post and call paths run before anything is measured (the JIT's steady state).
        await ConnectAsync(o.Connects, WarmUpDevices, hold: false);
        await UpstreamAsync(n, 1, Math.Min(20, WarmUpDevices), 3, o.Connects, record: false);
        await UpstreamAsync(n, 0, Math.Min(20, WarmUpDevices), 3, o.Connects, record: false);

        Put("nodes' RSS after start-up and warm-up, each", n, string.Join(" / ", _nodes.Select(s => F(Proc.RssKb(s.Process.Pid) / 1024.0) + " MB")));
        await FirstConnectsAsync(n);
        await UpstreamAsync(n, 1, o.Publishers, o.PublishSeconds, 0, record: true);
        await UpstreamAsync(n, 0, o.Publishers, o.PublishSeconds, 0, record: true);
        await InvokeAsync(n);
    }

    Task<ThingyardSystem> StartNodeAsync(int i, string clusterId, bool clustered = true)
    {
        var settings = new Dictionary<string, string>
        {
            ["Thingyard__Storage__Provider"] = "Postgres",
            ["Thingyard__Storage__ConnectionString"] = _db,
            ["Thingyard__Security__MasterKey"] = MasterKey,
            ["Thingyard__Cluster__Enabled"] = clustered ? "true" : "false",
            ["Thingyard__Cluster__ClusterId"] = clusterId,
            ["Thingyard__Cluster__NodeName"] = $"node{i}",
            ["Thingyard__Cluster__SiloPort"] = ChildProcess.FreePort().ToString(CultureInfo.InvariantCulture),
            ["Thingyard__Cluster__AdvertisedAddress"] = "127.0.0.1",
            ["Thingyard__Amqp__BindAddress"] = "127.0.0.1",
        };
        return ThingyardSystem.StartAsync(o, say, $"{clusterId}-node{i}", Path.Combine(o.DataDir ?? o.WorkDir, $"{clusterId}-node{i}-data"),
            ChildProcess.FreePort(), ChildProcess.FreePort(), settings);
    }

    ThingyardSystem NodeOf(int device) => _nodes[device % _nodes.Count];

    async Task<Machine.OthersMeter> QuietAsync()
    {
        var ours = Ours();
        if (o.QuietWaitSeconds > 0) await Machine.WaitQuietAsync(ours, Math.Min(o.QuietWaitSeconds, 10), 20, say);
        return new Machine.OthersMeter(ours);
    }

    IEnumerable<int> Ours() => _nodes.Select(s => s.Process.Pid).Append(Proc.Self);

    double NodesCpu() => _nodes.Sum(s => Proc.CpuSeconds(s.Process.Pid));

    sealed record Opened(Socket?[] Sockets, double[] LatencyMs, int Failed, string? FirstError, double Seconds);

    /// <summary>Connects devices first..first+count-1, device i to node i mod N, 100 at a time; closes them unless held.</summary>
    async Task<Opened> ConnectAsync(int count, int first, bool hold, int concurrency = 100)
    {
        var baseline = Fds();
        var sockets = new Socket?[count];
        var latency = new double[count];
        int next = -1, failed = 0;
        string? firstError = null;
        var sw = Stopwatch.StartNew();
        async Task Worker()
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < count)
            {
                var t0 = Stopwatch.GetTimestamp();
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
                try
                {
                    sockets[i] = await Mqtt.OpenAsync(NodeOf(first + i).Mqtt, sources.Next(), _packets[first + i], timeout.Token);
                    latency[i] = Stopwatch.GetElapsedTime(t0).TotalMilliseconds;
                }
                catch (Exception e)
                {
                    latency[i] = double.NaN;
                    Interlocked.Increment(ref failed);
                    Interlocked.CompareExchange(ref firstError, $"{e.GetType().Name}: {e.Message}", null);
                }
            }
        }
        await Task.WhenAll(Enumerable.Range(0, Math.Min(concurrency, count)).Select(_ => Task.Run(Worker)));
        var opened = new Opened(sockets, latency, failed, firstError, sw.Elapsed.TotalSeconds);
        if (!hold)
        {
            foreach (var s in sockets) if (s is not null) Mqtt.Close(s);
            await SettleAsync(baseline);
        }
        return opened;
    }

    int[] Fds() => _nodes.Select(s => Proc.OpenFds(s.Process.Pid)).ToArray();

    /// <summary>Waits until the nodes have let go of closed connections (descriptors back near the baseline).</summary>
    async Task SettleAsync(int[] baseline)
    {
        for (var i = 0; i < _nodes.Count; i++)
            await Proc.WaitFdsAtMostAsync(_nodes[i].Process.Pid, baseline[i] + 20, TimeSpan.FromSeconds(60));
        await Task.Delay(1_000);
    }

    async Task FirstConnectsAsync(int n)
    {
        await Task.Delay(2_000);
        var others = await QuietAsync();
        var rss0 = _nodes.Select(s => Proc.RssKb(s.Process.Pid)).ToArray();
        var fds0 = Fds();
        var cpu0 = NodesCpu();
        var r = await ConnectAsync(o.Connects, 0, hold: true);
        var cpu = NodesCpu() - cpu0;
        var ok = o.Connects - r.Failed;
        await Task.Delay(o.HoldSeconds * 1000);
        var rss1 = _nodes.Select(s => Proc.RssKb(s.Process.Pid)).ToArray();
        var held = _nodes.Select((_, k) => r.Sockets.Where((s, i) => i % _nodes.Count == k && s is not null && Mqtt.IsAlive(s)).Count()).ToArray();
        var noise = others.Percent();
        Put($"first connects/s ({o.Connects:N0} devices, 100 at a time)", n, F(ok / r.Seconds) + " /s");
        Put("CONNACK p50 / p99 (first connect)", n, $"{F(Scenarios.Percentile(r.LatencyMs, 50), "N1")} / {F(Scenarios.Percentile(r.LatencyMs, 99), "N1")} ms");
        Put("nodes' CPU per first connect (all nodes)", n, F(cpu / Math.Max(1, ok) * 1e6) + " µs");
        Put($"memory per idle connection (ΔRSS / connections held on the node, {o.HoldSeconds} s), each node", n,
            string.Join(" / ", _nodes.Select((_, k) => F((rss1[k] - rss0[k]) / (double)Math.Max(1, held[k]), "N1") + " KB")));
        results.Note($"{Label(n)}, first connects: {ok:N0} in {r.Seconds:F2} s, failed {r.Failed}" + (r.FirstError is null ? "" : $" (first: {r.FirstError})") +
            $"; held per node {string.Join(" / ", held)}; VmRSS per node {string.Join(", ", _nodes.Select((_, k) => $"{rss0[k]:N0} → {rss1[k]:N0} KB"))}; " +
            $"nodes' CPU {Scenarios.CpuPercent(cpu, r.Seconds):F0}%; other processes {noise:F0}%");
        say($"  [{Label(n)}] {ok:N0} first connects in {r.Seconds:F2} s = {ok / r.Seconds:N0}/s; per node held {string.Join("/", held)}; others {noise:F0}%");
        foreach (var s in r.Sockets) if (s is not null) Mqtt.Close(s);
        await SettleAsync(fds0);
    }

    async Task<long> LastSampleIdAsync()
    {
        await using var connection = new NpgsqlConnection(_db);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("""SELECT COALESCE(MAX("Id"), 0) FROM "PropertySamples" """, connection);
        return Convert.ToInt64(await command.ExecuteScalarAsync(), CultureInfo.InvariantCulture);
    }

    /// <summary>Property posts from <paramref name="publishers"/> devices spread over the nodes, a window each, as scenario 3.</summary>
    async Task UpstreamAsync(int n, int qos, int publishers, int seconds, int firstDevice, bool record)
    {
        var fds0 = Fds();
        var opened = await ConnectAsync(publishers, firstDevice, hold: true);
        if (opened.Failed > 0) throw new InvalidOperationException($"{opened.Failed} publishers could not connect: {opened.FirstError}");
        var clients = new UpstreamClient[publishers];
        for (var i = 0; i < publishers; i++)
        {
            var d = _devices[firstDevice + i];
            clients[i] = new UpstreamClient(opened.Sockets[i]!, d, qos, o.Window, checkCode: true);
            await clients[i].SubscribeAsync(d.Sys("thing/event/property/post_reply"), 0, CancellationToken.None);
        }
        var others = record ? await QuietAsync() : null;
        using var stop = new CancellationTokenSource();
        var loops = new Task[publishers];
        for (var i = 0; i < publishers; i++)
        {
            await clients[i].StartAsync(CancellationToken.None);
            var c = clients[i];
            loops[i] = Task.Run(() => c.ReceiveLoopAsync(stop.Token));
        }
        await Task.Delay(Math.Max(1, o.WarmupSeconds) * 1000);
        long Completed() => clients.Sum(c => c.Completed);
        var stored0 = await LastSampleIdAsync();
        var commits0 = await BenchPostgres.CommitsAsync(_db);
        var (c0, cpu0, pgCpu0, t0) = (Completed(), NodesCpu(), _pg.CpuSeconds(), Stopwatch.GetTimestamp());
        others = record ? new Machine.OthersMeter(Ours()) : null;
        await Task.Delay(seconds * 1000);
        var (c1, cpu1, pgCpu1) = (Completed(), NodesCpu(), _pg.CpuSeconds());
        var wall = Stopwatch.GetElapsedTime(t0).TotalSeconds;
        var stored1 = await LastSampleIdAsync();
        var commits1 = await BenchPostgres.CommitsAsync(_db);
        var noise = others?.Percent() ?? 0;
        foreach (var c in clients) c.StopSending();
        await Task.WhenAny(Task.WhenAll(loops), Task.Delay(TimeSpan.FromSeconds(30)));
        stop.Cancel();
        await Task.WhenAll(loops);
        foreach (var c in clients) c.Dispose();
        await SettleAsync(fds0);
        if (!record) return;
        // The posts are replied to when validated, stored in batches: the rate that can be kept up is the lower of the two.
        var replied = (c1 - c0) / wall;
        var stored = (stored1 - stored0) / wall;
        var rate = Math.Min(replied, stored);
        var commits = (commits1 - commits0) / wall;
        var nodesCpu = Scenarios.CpuPercent(cpu1 - cpu0, wall);
        var pgCpu = Scenarios.CpuPercent(pgCpu1 - pgCpu0, wall);
        Put($"QoS {qos} property posts/s ({publishers} devices, window {o.Window}; replied and stored)", n, F(rate) + " /s");
        Put($"QoS {qos} nodes' CPU per post (all nodes)", n, F((cpu1 - cpu0) / Math.Max(1, c1 - c0) * 1e6) + " µs");
        Put($"QoS {qos} nodes' CPU / PostgreSQL CPU (of 200%)", n, $"{F(nodesCpu)}% / {F(pgCpu)}%");
        if (qos == 1)
        {
            Put("QoS 1 PostgreSQL commits/s; stored rows per commit", n, $"{F(commits)}; {F(stored / Math.Max(1, commits), "N1")}");
            Put("QoS 1 PostgreSQL CPU per stored row", n, F((pgCpu1 - pgCpu0) / Math.Max(1, stored1 - stored0) * 1e6, "N1") + " µs");
        }
        results.Note($"{Label(n)}, QoS {qos}: replied {replied:N0}/s, stored {stored:N0} rows/s over {wall:F1} s; PostgreSQL {commits:N0} commits/s; " +
            $"nodes' CPU {nodesCpu:F0}%, PostgreSQL CPU {pgCpu:F0}%, other processes {noise:F0}%");
        say($"  [{Label(n)}] QoS {qos}: {rate:N0} posts/s (replied {replied:N0}, stored {stored:N0}), {commits:N0} commits/s, nodes {nodesCpu:F0}%, PostgreSQL {pgCpu:F0}%, others {noise:F0}%");
    }

    /// <summary>Sync service calls (RRPC ping) through the device's own node, then through the next one.</summary>
    async Task InvokeAsync(int n)
    {
        var count = Math.Min(o.Responders, _devices.Count);
        var opened = await ConnectAsync(count, 0, hold: true);
        if (opened.Failed > 0) throw new InvalidOperationException($"{opened.Failed} responders could not connect: {opened.FirstError}");
        using var stop = new CancellationTokenSource();
        var responders = new RrpcResponder[count];
        var loops = new List<Task>();
        for (var i = 0; i < count; i++)
        {
            var r = responders[i] = new RrpcResponder(opened.Sockets[i]!, _devices[i]);
            await r.SubscribeAsync(r.RequestFilter, 0, CancellationToken.None);
            loops.Add(Task.Run(() => r.ReceiveLoopAsync(stop.Token)));
        }
        await Task.Delay(1_000); // the sessions are claimed in their grains as the connects complete
        var legs = n <= 1 ? new[] { ("through the device's node", 0) } : [("through the device's node", 0), ("through another node", 1)];
        var p50s = new List<double>();
        var p99s = new List<double>();
        foreach (var (label, offset) in legs)
        {
            await CallLoopAsync(count, offset, Math.Max(2, o.WarmupSeconds));
            var others = await QuietAsync();
            var cpu0 = NodesCpu();
            var r = await CallLoopAsync(count, offset, o.CallSeconds);
            var cpu = NodesCpu() - cpu0;
            var noise = others.Percent();
            var (p50, p99) = (Scenarios.Percentile(r.LatencyMs, 50), Scenarios.Percentile(r.LatencyMs, 99));
            p50s.Add(p50);
            p99s.Add(p99);
            Put($"sync invoke p50 / p99 {label} ({o.CallRate:N0} calls/s)", n, $"{F(p50, "N2")} / {F(p99, "N2")} ms");
            if (offset == 0) Put($"sync invoke p50 / p99 through another node ({o.CallRate:N0} calls/s)", n, "–");
            if (offset == 0) Put("cross-node cost per call, p50 / p99 (another node − the device's)", n, "–");
            if (offset == 0) Put("nodes' CPU per call through another node", n, "–");
            Put($"nodes' CPU per call {label}", n, F(cpu / Math.Max(1, r.Ok) * 1e6) + " µs");
            results.Note($"{Label(n)}, sync invoke {label}: {r.Ok:N0} ok, {r.Failed:N0} failed, {r.Shed:N0} shed over {r.Seconds:F1} s" +
                (r.FirstError is null ? "" : $" (first: {r.FirstError})") + $"; p50 {p50:F2} ms, p99 {p99:F2} ms, max {Scenarios.Percentile(r.LatencyMs, 100):F1} ms; " +
                $"nodes' CPU {Scenarios.CpuPercent(cpu, r.Seconds):F0}%; other processes {noise:F0}%");
            say($"  [{Label(n)}] invoke {label}: p50 {p50:F2} ms, p99 {p99:F2} ms, ok {r.Ok}, failed {r.Failed}, others {noise:F0}%");
        }
        if (p50s.Count == 2)
            Put("cross-node cost per call, p50 / p99 (another node − the device's)", n, $"{F(p50s[1] - p50s[0], "N2")} / {F(p99s[1] - p99s[0], "N2")} ms");
        stop.Cancel();
        await Task.WhenAll(loops);
        // The nodes are stopped next: no need to wait for them to let go of the connections.
        foreach (var r in responders) r.Dispose();
    }

    sealed record Calls(double[] LatencyMs, long Ok, long Failed, long Shed, double Seconds, string? FirstError);

    /// <summary>Open loop at --rate calls/s for <paramref name="seconds"/>: call k goes to device k mod count through node
    /// (device's node + offset) mod N; at most --max-in-flight outstanding, the rest shed.</summary>
    async Task<Calls> CallLoopAsync(int count, int offset, int seconds)
    {
        var total = (long)o.CallRate * seconds;
        var latency = new double[total];
        Array.Fill(latency, double.NaN);
        long ok = 0, failed = 0, shed = 0, inFlight = 0, issued = 0;
        string? firstError = null;
        var tasks = new List<Task>();
        var sw = Stopwatch.StartNew();
        async Task One(long k)
        {
            var device = (int)(k % count);
            var arg = (int)(k % 1000);
            var t0 = Stopwatch.GetTimestamp();
            try
            {
                var body = await _nodes[(device + offset) % _nodes.Count].Rpc.CallAsync("InvokeThingService",
                [
                    KeyValuePair.Create("ProductKey", _devices[device].ProductKey), KeyValuePair.Create("DeviceName", _devices[device].DeviceName),
                    KeyValuePair.Create("Identifier", "ping"), KeyValuePair.Create("Args", $$"""{"n":{{arg}}}"""),
                ]);
                var result = body.GetProperty("Data").GetProperty("Result");
                var text = result.ValueKind == JsonValueKind.String ? result.GetString()! : result.GetRawText();
                if (!text.Replace(" ", "", StringComparison.Ordinal).Contains($"\"echo\":{arg}", StringComparison.Ordinal))
                    throw new InvalidOperationException($"unexpected answer {text}");
                latency[k] = Stopwatch.GetElapsedTime(t0).TotalMilliseconds;
                Interlocked.Increment(ref ok);
            }
            catch (Exception e) when (e is RpcCallException or InvalidOperationException or KeyNotFoundException or HttpRequestException or TaskCanceledException)
            {
                Interlocked.Increment(ref failed);
                Interlocked.CompareExchange(ref firstError, $"{e.GetType().Name}: {e.Message}", null);
            }
            finally { Interlocked.Decrement(ref inFlight); }
        }
        while (issued < total)
        {
            var due = Math.Min(total, (long)(sw.Elapsed.TotalSeconds * o.CallRate) + 1);
            for (; issued < due; issued++)
            {
                if (Interlocked.Increment(ref inFlight) > o.MaxInFlightCalls) { Interlocked.Decrement(ref inFlight); shed++; }
                else tasks.Add(One(issued));
            }
            await Task.Delay(1);
        }
        var scheduled = sw.Elapsed.TotalSeconds;
        await Task.WhenAny(Task.WhenAll(tasks), Task.Delay(TimeSpan.FromSeconds(30)));
        return new Calls(latency, Interlocked.Read(ref ok), Interlocked.Read(ref failed), shed, scheduled, firstError);
    }
}
