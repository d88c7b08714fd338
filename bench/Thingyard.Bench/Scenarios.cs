// The four scenarios, each run against one system at a time; results go into the shared table.
using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using System.Text.Json;
using Thingyard.Protocol.OpenApi;

namespace Thingyard.Bench;

public sealed class Scenarios(BenchOptions o, Results results, SourceAddresses sources, Action<string> say)
{
    public const string S1 = "1. Connects";
    public const string S2 = "2. Idle connections";
    public const string S3 = "3. Upstream posts";
    public const string S4 = "4. Downlink RTT";

    /// <summary>Connections scenario 2 opens after the fd-limit cap (set by Program).</summary>
    public int Connections { get; set; }

    /// <summary>Pids whose CPU is ours (bench and servers); everything else on the machine is noise.</summary>
    public Func<IEnumerable<int>> OurPids { get; set; } = () => [Proc.Self];

    /// <summary>Waits for a quiet machine (bounded by --quiet-wait), then starts measuring other processes' CPU.</summary>
    async Task<Machine.OthersMeter> QuietAsync()
    {
        // Each gate waits at most --quiet-wait; all gates together at most 4× that, so a busy machine cannot stretch a run much.
        var left = 4 * o.QuietWaitSeconds - (int)_quietWaited.TotalSeconds;
        if (o.QuietWaitSeconds > 0 && left > 0 && !results.Muted)
        {
            var sw = Stopwatch.StartNew();
            await Machine.WaitQuietAsync(OurPids(), Math.Min(o.QuietWaitSeconds, left), 20, say);
            _quietWaited += sw.Elapsed;
        }
        return new Machine.OthersMeter(OurPids());
    }

    TimeSpan _quietWaited;

    /// <summary>Replies with code 200 per device name over both QoS runs (Thingyard), for the stored-rows check.</summary>
    readonly Dictionary<string, long> _replied = [];

    // ---------------------------------------------------------------------------------------------------------------
    sealed record Opened(Socket?[] Sockets, double[] LatencyMs, int Ok, int Failed, string? FirstError, double Seconds);

    /// <summary>Opens connections for devices first..first+count-1 with bounded concurrency (CONNECT→CONNACK each).</summary>
    async Task<Opened> OpenManyAsync(SystemUnderTest sut, int count, int concurrency, int first = 0)
    {
        var sockets = new Socket?[count];
        var latency = new double[count];
        int next = -1, ok = 0, failed = 0;
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
                    sockets[i] = await Mqtt.OpenAsync(sut.Mqtt, sources.Next(), sut.ConnectPackets[first + i], timeout.Token);
                    latency[i] = Stopwatch.GetElapsedTime(t0).TotalMilliseconds;
                    Interlocked.Increment(ref ok);
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
        return new Opened(sockets, latency, ok, failed, firstError, sw.Elapsed.TotalSeconds);
    }

    static void CloseAll(IEnumerable<Socket?> sockets)
    {
        foreach (var s in sockets) if (s is not null) Mqtt.Close(s);
    }

    /// <summary>Waits until the server has closed its side of the bench's connections (its descriptor count is back).</summary>
    async Task SettleAsync(SystemUnderTest sut, int baselineFds)
    {
        var sw = Stopwatch.StartNew();
        await Proc.WaitFdsAtMostAsync(sut.Process.Pid, baselineFds + 20, TimeSpan.FromSeconds(90));
        var fds = Proc.OpenFds(sut.Process.Pid);
        if (fds > baselineFds + 20) say($"  [{sut.Name}] still {fds} fds after {sw.Elapsed.TotalSeconds:F0} s (baseline {baselineFds})");
        await Task.Delay(1_000);
    }

    internal static double Percentile(IEnumerable<double> values, double p)
    {
        var sorted = values.Where(v => !double.IsNaN(v)).Order().ToArray();
        if (sorted.Length == 0) return double.NaN;
        var rank = (int)Math.Ceiling(p / 100 * sorted.Length) - 1;
        return sorted[Math.Clamp(rank, 0, sorted.Length - 1)];
    }

    internal static double CpuPercent(double cpuSeconds, double wallSeconds) => wallSeconds > 0 ? 100 * cpuSeconds / wallSeconds : 0;

    // ---------------------------------------------------------------------------------------------------------------
    /// <summary>Unrecorded warm-up, so the JIT has tiered up the hot paths before anything is measured (a long-running
    /// server's steady state): some connects, then upstream posts at both QoS levels.</summary>
    public async Task WarmUpAsync(SystemUnderTest sut)
    {
        // The last devices of the list, so scenario 1's devices are not in Thingyard's 30-s credential cache.
        var count = Math.Min(WarmUpConnects, sut.Devices.Count);
        var first = sut.Devices.Count - count;
        var baseline = Proc.OpenFds(sut.Process.Pid);
        var opened = await OpenManyAsync(sut, count, o.ConnectConcurrency, first);
        CloseAll(opened.Sockets);
        await SettleAsync(sut, baseline);
        var publishers = Math.Min(Math.Min(o.Publishers, 20), count);
        await UpstreamAsync(sut, 0, publishers, o.Quick ? 2 : 5, first);
        await UpstreamAsync(sut, 1, publishers, o.Quick ? 2 : 5, first);
    }

    public const int WarmUpConnects = 1_000;

    // ---------------------------------------------------------------------------------------------------------------
    public async Task ConnectsAsync(SystemUnderTest sut)
    {
        // Pass 1: each device's first connect in a while (Thingyard reads its credentials from the database);
        // pass 2: the same devices again within 30 s (Thingyard's credential cache). Mosquitto checks nothing either time.
        await ConnectPassAsync(sut, $"connects/s, first connect ({o.Connects:N0} devices, {o.ConnectConcurrency} at a time)", latencyRows: true);
        await ConnectPassAsync(sut, "connects/s, same devices reconnecting within 30 s", latencyRows: false);
    }

    async Task ConnectPassAsync(SystemUnderTest sut, string metric, bool latencyRows)
    {
        var pid = sut.Process.Pid;
        var baseline = Proc.OpenFds(pid);
        var others = await QuietAsync();
        var cpu0 = Proc.CpuSeconds(pid);
        var r = await OpenManyAsync(sut, o.Connects, o.ConnectConcurrency);
        var cpu = Proc.CpuSeconds(pid) - cpu0;
        var noise = others.Percent();
        var rate = r.Ok / r.Seconds;
        var p50 = Percentile(r.LatencyMs, 50);
        var p99 = Percentile(r.LatencyMs, 99);
        var cpuPerConnect = r.Ok > 0 ? cpu / r.Ok * 1e6 : double.NaN;
        results.Add(S1, metric, "/s", true, sut.Name, rate);
        if (latencyRows)
        {
            results.Add(S1, "CONNACK latency p50 (first connect)", "ms", false, sut.Name, p50);
            results.Add(S1, "CONNACK latency p99 (first connect)", "ms", false, sut.Name, p99);
            results.Add(S1, "server CPU per connect (first connect)", "µs", false, sut.Name, cpuPerConnect);
        }
        results.Note($"{sut.Name} scenario 1, {metric}: {r.Ok:N0} connects in {r.Seconds:F2} s, failed {r.Failed}" +
            (r.Failed > 0 ? $" (first: {r.FirstError})" : "") + $"; CONNACK p50 {p50:F1} ms, p99 {p99:F1} ms; server CPU {CpuPercent(cpu, r.Seconds):F0}% " +
            $"= {cpuPerConnect:N0} µs per connect; other processes {noise:F0}%");
        say($"  [{sut.Name}] {r.Ok} connects in {r.Seconds:F2} s = {rate:N0}/s, failed {r.Failed}; server CPU {CpuPercent(cpu, r.Seconds):F0}%, others {noise:F0}%");
        CloseAll(r.Sockets);
        await SettleAsync(sut, baseline);
    }

    // ---------------------------------------------------------------------------------------------------------------
    public async Task HoldAsync(SystemUnderTest sut)
    {
        var pid = sut.Process.Pid;
        var n = Connections;
        await Task.Delay(2_000);
        var probe = o.GcProbe && sut is ThingyardSystem;
        // Live managed heap before (an induced full GC), then RSS once the GC has settled.
        var live0 = probe ? await GcProbe.LiveHeapBytesAsync(pid, TimeSpan.FromSeconds(30)) : null;
        if (probe) await Task.Delay(2_000);
        var others = await QuietAsync();
        var baseline = Proc.OpenFds(pid);
        var rss0 = Proc.RssKb(pid);
        var anon0 = Proc.RssAnonKb(pid);
        var cpu0 = Proc.CpuSeconds(pid);
        var r = await OpenManyAsync(sut, n, o.ConnectConcurrency);
        var cpu = Proc.CpuSeconds(pid) - cpu0;
        say($"  [{sut.Name}] opened {r.Ok}/{n} in {r.Seconds:F1} s ({r.Ok / r.Seconds:N0}/s, server CPU {CpuPercent(cpu, r.Seconds):F0}%), failed {r.Failed}; holding {o.HoldSeconds} s");
        var rssPeak = rss0;
        for (var s = 0; s < o.HoldSeconds; s++)
        {
            await Task.Delay(1_000);
            rssPeak = Math.Max(rssPeak, Proc.RssKb(pid));
        }
        var held = r.Sockets.Count(s => s is not null && Mqtt.IsAlive(s));
        var rss1 = Proc.RssKb(pid);
        var anon1 = Proc.RssAnonKb(pid);
        var serverSockets = Proc.OpenFds(pid) - baseline;
        var noise = others.Percent();
        var perConnection = held > 0 ? (rss1 - rss0) * 1024.0 / held : double.NaN;
        var live1 = probe ? await GcProbe.LiveHeapBytesAsync(pid, TimeSpan.FromSeconds(30)) : null;
        var rssAfterGc = probe ? Proc.RssKb(pid) : 0;
        results.Add(S2, "connections held", "", true, sut.Name, held);
        results.Add(S2, "server RSS before → with all held", "", false, sut.Name, rss1 / 1024.0, $"{rss0 / 1024.0:N0} → {rss1 / 1024.0:N0} MB");
        results.Add(S2, "server memory per idle connection (ΔVmRSS / held)", "KB", false, sut.Name, perConnection / 1024);
        if (probe && live0 is { } l0 && live1 is { } l1 && held > 0)
        {
            results.Add(S2, "live managed heap per connection (after full GC)", "KB", false, sut.Name, (l1 - l0) / 1024.0 / held);
            results.Note($"{sut.Name} scenario 2 (--gc): live managed heap {l0 / 1048576.0:N1} → {l1 / 1048576.0:N1} MB = {(l1 - l0) / (double)held:N0} B per connection; " +
                $"VmRSS right after that full GC {rssAfterGc / 1024.0:N0} MB = {(rssAfterGc - rss0) * 1024.0 / held:N0} B per connection above the baseline");
        }
        else if (probe) results.Note($"{sut.Name} scenario 2: the live-heap probe failed (EventPipe)");
        results.Add(S2, "connects/s while filling", "/s", true, sut.Name, r.Ok / r.Seconds);
        results.Note($"{sut.Name} scenario 2: requested {n:N0}, connected {r.Ok:N0}, alive after {o.HoldSeconds} s {held:N0}, server-side sockets {serverSockets:N0}; " +
            $"VmRSS {rss0:N0} → {rss1:N0} KB (peak {rssPeak:N0}), RssAnon {anon0:N0} → {anon1:N0} KB = {(anon1 - anon0) * 1024.0 / Math.Max(1, held):N0} B/conn" +
            (r.Failed > 0 ? $"; {r.Failed} failed, first: {r.FirstError}" : "") + $"; other processes {noise:F0}% CPU");
        if (sut is ThingyardSystem ty)
        {
            // What the platform itself reports online (status is written by the telemetry pipeline, so poll briefly).
            var online = -1L;
            for (var i = 0; i < 20; i++)
            {
                try
                {
                    var stats = await ty.Rpc.CallAsync("QueryDeviceStatistics", [KeyValuePair.Create("ProductKey", ty.ProductKey)]);
                    online = stats.GetProperty("Data").GetProperty("onlineCount").GetInt64();
                }
                catch (Exception e) when (e is RpcCallException or KeyNotFoundException or HttpRequestException) { break; }
                if (online >= held) break;
                await Task.Delay(500);
            }
            results.Note($"Thingyard scenario 2: QueryDeviceStatistics onlineCount = {online:N0} while {held:N0} were held");
        }
        say($"  [{sut.Name}] held {held:N0}; VmRSS {rss0 / 1024.0:N0} → {rss1 / 1024.0:N0} MB = {perConnection:N0} B/connection");
        CloseAll(r.Sockets);
        await SettleAsync(sut, baseline);
    }

    // ---------------------------------------------------------------------------------------------------------------
    public async Task UpstreamAsync(SystemUnderTest sut, int qos, int? publishers = null, int? durationSeconds = null, int firstDevice = 0)
    {
        var pid = sut.Process.Pid;
        var isThingyard = sut is ThingyardSystem;
        var k = publishers ?? o.Publishers;
        var measureSeconds = durationSeconds ?? o.PublishSeconds;
        var baseline = Proc.OpenFds(pid);
        await QuietAsync();
        var opened = await OpenManyAsync(sut, k, Math.Min(k, 100), firstDevice);
        if (opened.Failed > 0) throw new InvalidOperationException($"{sut.Name}: {opened.Failed} publishers could not connect: {opened.FirstError}");
        var clients = new UpstreamClient[k];
        for (var i = 0; i < k; i++)
        {
            var d = sut.Devices[firstDevice + i];
            clients[i] = new UpstreamClient(opened.Sockets[i]!, d, qos, o.Window, checkCode: isThingyard);
            // Thingyard answers each post on post_reply; Mosquitto relays the post itself to its subscriber (the same connection).
            await clients[i].SubscribeAsync(isThingyard ? d.Sys("thing/event/property/post_reply") : d.Sys("thing/event/property/post"), 0, CancellationToken.None);
        }

        using var stop = new CancellationTokenSource();
        var loops = new Task[k];
        for (var i = 0; i < k; i++)
        {
            await clients[i].StartAsync(CancellationToken.None);
            var c = clients[i];
            loops[i] = Task.Run(() => c.ReceiveLoopAsync(stop.Token));
        }
        await Task.Delay(o.WarmupSeconds * 1000);
        long Completed() => clients.Sum(c => c.Completed);
        var ty = sut as ThingyardSystem;
        var stored0 = ty is null ? 0 : await ty.LastSampleIdAsync();
        var c0 = Completed();
        var t0 = Stopwatch.GetTimestamp();
        var server0 = Proc.CpuSeconds(pid);
        var self0 = Proc.CpuSeconds(Proc.Self);
        var others = new Machine.OthersMeter(OurPids());
        var rssPeak = 0L;
        for (var s = 0; s < measureSeconds; s++)
        {
            await Task.Delay(1_000);
            rssPeak = Math.Max(rssPeak, Proc.RssKb(pid));
        }
        var c1 = Completed();
        var seconds = Stopwatch.GetElapsedTime(t0).TotalSeconds;
        var stored1 = ty is null ? 0 : await ty.LastSampleIdAsync();
        var serverCpu = Proc.CpuSeconds(pid) - server0;
        var selfCpu = Proc.CpuSeconds(Proc.Self) - self0;
        var noise = others.Percent();
        foreach (var c in clients) c.StopSending();
        var drainUntil = DateTime.UtcNow.AddSeconds(15);
        while (DateTime.UtcNow < drainUntil && clients.Any(c => c.Outstanding > 0)) await Task.Delay(100);
        stop.Cancel();
        await Task.WhenAll(loops);

        var rate = (c1 - c0) / seconds;
        // Thingyard: replies go out before a QoS 0 post is committed, so also count what reached the database in the same
        // window; the sustainable end-to-end rate is the lower of the two (a slower writer only fills its queue for a while).
        var storedRate = (stored1 - stored0) / seconds;
        var endToEnd = ty is null ? rate : Math.Min(rate, storedRate);
        long sent = clients.Sum(c => c.Sent), echoes = clients.Sum(c => c.Echoes), ok = clients.Sum(c => c.OkEchoes), acks = clients.Sum(c => c.PubAcks);
        var unanswered = clients.Sum(c => Math.Max(0, c.Outstanding));
        var what = isThingyard ? "validated+stored+replied" : "relayed to subscriber";
        results.Add(S3, $"QoS {qos} end-to-end msg/s ({k} devices, window {o.Window})", "/s", true, sut.Name, endToEnd);
        if (ty is not null)
        {
            results.Add(S3, $"QoS {qos} replied msg/s; stored rows/s in the same window", "/s", true, sut.Name, rate, $"{rate:N0}; {storedRate:N0}");
            results.Add(S3, $"QoS {qos} replied msg/s; stored rows/s in the same window", "/s", true, "Mosquitto", null, "–");
        }
        results.Add(S3, $"QoS {qos} server CPU (of 200%)", "%", false, sut.Name, CpuPercent(serverCpu, seconds));
        results.Add(S3, $"QoS {qos} server CPU per message", "µs", false, sut.Name, c1 > c0 ? serverCpu / (c1 - c0) * 1e6 : double.NaN);
        results.Note($"{sut.Name} scenario 3 QoS {qos} ({what}): {endToEnd:N0}/s over {seconds:F1} s" +
            (ty is null ? "" : $" (replied {rate:N0}/s, stored {storedRate:N0} rows/s)") + $"; sent {sent:N0}, echoes {echoes:N0} (code 200: {ok:N0}), " +
            (qos > 0 ? $"PUBACKs {acks:N0}, " : "") + $"unfinished after drain {unanswered:N0}; server CPU {CpuPercent(serverCpu, seconds):F0}%, " +
            $"bench CPU {CpuPercent(selfCpu, seconds):F0}%, other processes {noise:F0}%, server VmRSS peak {rssPeak / 1024.0:N0} MB");
        say($"  [{sut.Name}] QoS {qos}: {rate:N0} msg/s" + (ty is null ? "" : $" replied, {storedRate:N0} rows/s stored") + $", server CPU {CpuPercent(serverCpu, seconds):F0}%, bench CPU {CpuPercent(selfCpu, seconds):F0}%, others {noise:F0}%, unfinished {unanswered}");
        if (isThingyard)
            foreach (var c in clients) _replied[c.Device.DeviceName] = _replied.GetValueOrDefault(c.Device.DeviceName) + c.OkEchoes;
        foreach (var c in clients) c.Dispose();
        await SettleAsync(sut, baseline);
    }

    /// <summary>After both QoS runs: rows in PropertySamples must equal the code-200 replies, for one device and in total.</summary>
    public async Task VerifyStoredAsync(ThingyardSystem ty)
    {
        var expected = _replied.Values.Sum();
        Dictionary<string, long> stored = [];
        long last = -1;
        for (var i = 0; i < 60; i++)
        {
            stored = await ty.StoredSamplesAsync();
            var total = stored.Values.Sum();
            if (total >= expected || total == last) break;
            last = total;
            await Task.Delay(500);
        }
        var first = ty.Devices[0].DeviceName;
        var storedTotal = stored.Values.Sum();
        var one = stored.GetValueOrDefault(first);
        var repliedOne = _replied.GetValueOrDefault(first);
        var verdict = storedTotal == expected && one == repliedOne ? "MATCH" : "MISMATCH";
        results.Add(S3, "stored rows = replies (both QoS runs)", "", true, "Thingyard", storedTotal,
            $"{verdict}: {storedTotal:N0} stored / {expected:N0} replied");
        results.Note($"Thingyard scenario 3 check ({verdict}): device {first}: {one:N0} PropertySamples rows, {repliedOne:N0} code-200 replies; " +
            $"all {_replied.Count} publishers: {storedTotal:N0} rows, {expected:N0} replies (rows read from {ty.DatabaseName})");
        say($"  [Thingyard] stored check {verdict}: {storedTotal:N0} rows vs {expected:N0} replies");
        // And through the OpenAPI: the device's latest temperature as QueryDevicePropertyStatus reports it.
        try
        {
            var status = await ty.Rpc.CallAsync("QueryDevicePropertyStatus",
                [KeyValuePair.Create("ProductKey", ty.ProductKey), KeyValuePair.Create("DeviceName", first)]);
            var info = status.GetProperty("Data").GetProperty("List").GetProperty("PropertyStatusInfo").EnumerateArray()
                .FirstOrDefault(p => p.GetProperty("Identifier").GetString() == "temperature");
            var value = info.ValueKind == JsonValueKind.Object && info.TryGetProperty("Value", out var v) ? v.ToString() : "(none)";
            results.Note($"Thingyard scenario 3: QueryDevicePropertyStatus for {first} reports temperature = {value}");
        }
        catch (Exception e) when (e is RpcCallException or KeyNotFoundException or InvalidOperationException or HttpRequestException)
        {
            results.Note($"Thingyard scenario 3: QueryDevicePropertyStatus check not possible: {e.Message}");
        }
    }

    // ---------------------------------------------------------------------------------------------------------------
    public async Task DownlinkAsync(SystemUnderTest sut)
    {
        var pid = sut.Process.Pid;
        var isThingyard = sut is ThingyardSystem;
        var dCount = o.Responders;
        var baseline = Proc.OpenFds(pid);
        var opened = await OpenManyAsync(sut, dCount, Math.Min(dCount, 100));
        if (opened.Failed > 0) throw new InvalidOperationException($"{sut.Name}: {opened.Failed} responders could not connect: {opened.FirstError}");
        var responders = new RrpcResponder[dCount];
        using var stop = new CancellationTokenSource();
        var loops = new List<Task>();
        for (var i = 0; i < dCount; i++)
        {
            var r = responders[i] = new RrpcResponder(opened.Sockets[i]!, sut.Devices[i]);
            await r.SubscribeAsync(r.RequestFilter, 0, CancellationToken.None);
            loops.Add(Task.Run(() => r.ReceiveLoopAsync(stop.Token)));
        }

        RrpcRequester? requester = null;
        Func<long, Task> call;
        if (sut is ThingyardSystem ty)
        {
            long mismatched = 0;
            call = async seq =>
            {
                var d = sut.Devices[(int)(seq % dCount)];
                var n = (int)(seq % 1000);
                var body = await ty.Rpc.CallAsync("InvokeThingService",
                [
                    KeyValuePair.Create("ProductKey", d.ProductKey), KeyValuePair.Create("DeviceName", d.DeviceName),
                    KeyValuePair.Create("Identifier", "ping"), KeyValuePair.Create("Args", $$"""{"n":{{n}}}"""),
                ]);
                if (!EchoMatches(body, n)) Interlocked.Increment(ref mismatched);
            };
            // Probe: is the action there at all?
            try { await call(1); }
            catch (RpcCallException e)
            {
                var why = $"InvokeThingService failed: {e.Code} {e.Message} (HTTP {e.Status})";
                results.Add(S4, RowName("p50"), "ms", false, sut.Name, null, "n/a");
                results.Add(S4, RowName("p99"), "ms", false, sut.Name, null, "n/a");
                results.Add(S4, RowName("achieved"), "/s", true, sut.Name, null, "n/a");
                results.Note($"Thingyard scenario 4 not measured: {why}");
                say($"  [{sut.Name}] {why}; scenario 4 skipped");
                stop.Cancel();
                await Task.WhenAll(loops);
                foreach (var r in responders) r.Dispose();
                await SettleAsync(sut, baseline);
                return;
            }
            var loopResult = await OpenLoopAsync(sut, call);
            Report(sut, loopResult);
            if (Interlocked.Read(ref mismatched) > 0) results.Note($"Thingyard scenario 4: {mismatched} answers did not carry the echoed n in Data.Result");
        }
        else
        {
            var socket = await Mqtt.OpenAsync(sut.Mqtt, sources.Next(), Mqtt.ConnectPacket("bench-requester", null, null, SystemUnderTest.KeepAlive), CancellationToken.None);
            requester = new RrpcRequester(socket);
            await requester.SubscribeAsync(RrpcRequester.ResponseFilter, 0, CancellationToken.None);
            loops.Add(Task.Run(() => requester.ReceiveLoopAsync(stop.Token)));
            long nextId = 0;
            call = seq =>
            {
                var d = sut.Devices[(int)(seq % dCount)];
                return requester.CallAsync(d, Interlocked.Increment(ref nextId), (int)(seq % 1000), TimeSpan.FromSeconds(10), CancellationToken.None);
            };
            Report(sut, await OpenLoopAsync(sut, call));
        }

        // The HTTP connections the calls used stay in the client's pool: settle on the responders' sockets only.
        var settleTo = Math.Max(baseline, Proc.OpenFds(pid) - dCount - (requester is null ? 0 : 1));
        stop.Cancel();
        await Task.WhenAll(loops);
        var answered = responders.Sum(r => r.Answered);
        say($"  [{sut.Name}] devices answered {answered:N0} requests");
        foreach (var r in responders) r.Dispose();
        requester?.Dispose();
        await SettleAsync(sut, settleTo);
    }

    string RowName(string m) => m switch
    {
        "p50" => $"round trip p50 at {o.CallRate:N0} calls/s",
        "p99" => $"round trip p99 at {o.CallRate:N0} calls/s",
        _ => "achieved calls/s",
    };

    static bool EchoMatches(JsonElement body, int n)
    {
        if (!body.TryGetProperty("Data", out var data) || data.ValueKind != JsonValueKind.Object) return false;
        if (!data.TryGetProperty("Result", out var result)) return false;
        var text = result.ValueKind == JsonValueKind.String ? result.GetString() ?? "" : result.GetRawText();
        return text.Replace(" ", "", StringComparison.Ordinal).Contains($"\"echo\":{n}", StringComparison.Ordinal);
    }

    sealed record LoopResult(double[] LatencyMs, long Issued, long Ok, long Failed, long Shed, double Seconds, double MaxLagMs,
        double ServerCpuPercent, double BenchCpuPercent, double OthersPercent, string? FirstError);

    /// <summary>Open loop: calls are started on schedule (rate per second) whether or not earlier ones finished, with at most
    /// --max-in-flight outstanding (the rest are shed and counted). A short warm-up at the same rate comes first.</summary>
    async Task<LoopResult> OpenLoopAsync(SystemUnderTest sut, Func<long, Task> call)
    {
        // Warm up at the same rate until the JIT's tier-up thread is idle (a long-running server's steady state): at least
        // --warmup-seconds, at most 30 s. The RPC path (ASP.NET Core, EF Core queries) has a lot of code to tier up.
        await QuietAsync();
        var pid = sut.Process.Pid;
        var seconds = 0;
        double jit;
        do
        {
            var jit0 = Proc.ThreadCpuSeconds(pid, ".NET Tiered Com");
            await RunLoopAsync(sut, call, 1, 1_000_000L + seconds * (long)o.CallRate);
            jit = Proc.ThreadCpuSeconds(pid, ".NET Tiered Com") - jit0;
            seconds++;
        } while (seconds < 30 && (seconds < Math.Max(1, o.WarmupSeconds) || jit > 0.02));
        results.Note($"{sut.Name} scenario 4: warmed up for {seconds} s at the call rate" +
            (sut is ThingyardSystem ? $" (until the JIT tier-up thread used {jit * 1000:F0} ms CPU in the last second)" : ""));
        return await RunLoopAsync(sut, call, o.CallSeconds, 0);
    }

    async Task<LoopResult> RunLoopAsync(SystemUnderTest sut, Func<long, Task> call, int seconds, long seqBase)
    {
        var pid = sut.Process.Pid;
        var total = (long)o.CallRate * seconds;
        var latency = new double[total];
        Array.Fill(latency, double.NaN);
        long ok = 0, failed = 0, shed = 0, inFlight = 0;
        string? firstError = null;
        var tasks = new List<Task>((int)total);
        var server0 = Proc.CpuSeconds(pid);
        var self0 = Proc.CpuSeconds(Proc.Self);
        var others = new Machine.OthersMeter(OurPids());
        var sw = Stopwatch.StartNew();
        long issued = 0;
        double maxLag = 0;

        async Task One(long i)
        {
            var t0 = Stopwatch.GetTimestamp();
            try
            {
                await call(seqBase + i);
                latency[i] = Stopwatch.GetElapsedTime(t0).TotalMilliseconds;
                Interlocked.Increment(ref ok);
            }
            catch (Exception e)
            {
                Interlocked.Increment(ref failed);
                Interlocked.CompareExchange(ref firstError, $"{e.GetType().Name}: {e.Message}", null);
            }
            finally { Interlocked.Decrement(ref inFlight); }
        }

        while (issued < total)
        {
            var now = sw.Elapsed.TotalSeconds;
            var due = Math.Min(total, (long)(now * o.CallRate) + 1);
            while (issued < due)
            {
                maxLag = Math.Max(maxLag, (now - issued / (double)o.CallRate) * 1000);
                if (Interlocked.Increment(ref inFlight) > o.MaxInFlightCalls)
                {
                    Interlocked.Decrement(ref inFlight);
                    shed++;
                }
                else tasks.Add(One(issued));
                issued++;
            }
            await Task.Delay(1);
        }
        var scheduleSeconds = sw.Elapsed.TotalSeconds;
        await Task.WhenAny(Task.WhenAll(tasks), Task.Delay(TimeSpan.FromSeconds(30)));
        var serverCpu = Proc.CpuSeconds(pid) - server0;
        var selfCpu = Proc.CpuSeconds(Proc.Self) - self0;
        var wall = sw.Elapsed.TotalSeconds;
        return new LoopResult(latency, issued, Interlocked.Read(ref ok), Interlocked.Read(ref failed), shed, scheduleSeconds, maxLag,
            CpuPercent(serverCpu, wall), CpuPercent(selfCpu, wall), others.Percent(), firstError);
    }

    void Report(SystemUnderTest sut, LoopResult r)
    {
        var p50 = Percentile(r.LatencyMs, 50);
        var p99 = Percentile(r.LatencyMs, 99);
        var p999 = Percentile(r.LatencyMs, 99.9);
        var max = Percentile(r.LatencyMs, 100);
        var achieved = r.Ok / r.Seconds;
        results.Add(S4, RowName("p50"), "ms", false, sut.Name, p50);
        results.Add(S4, RowName("p99"), "ms", false, sut.Name, p99);
        results.Add(S4, RowName("achieved"), "/s", true, sut.Name, achieved);
        results.Add(S4, "server CPU during calls (of 200%)", "%", false, sut.Name, r.ServerCpuPercent);
        results.Note($"{sut.Name} scenario 4: {r.Issued:N0} calls scheduled over {r.Seconds:F1} s, ok {r.Ok:N0}, failed {r.Failed:N0}, shed {r.Shed:N0}; " +
            $"p50 {p50:F2} ms, p99 {p99:F2} ms, p99.9 {p999:F2} ms, max {max:F1} ms; largest schedule lag {r.MaxLagMs:F1} ms; " +
            $"server CPU {r.ServerCpuPercent:F0}%, bench CPU {r.BenchCpuPercent:F0}%, other processes {r.OthersPercent:F0}%" + (r.FirstError is null ? "" : $"; first error: {r.FirstError}"));
        say($"  [{sut.Name}] {achieved:N0} calls/s ok, p50 {p50:F2} ms, p99 {p99:F2} ms, failed {r.Failed}, shed {r.Shed}, others {r.OthersPercent:F0}%");
    }
}
