// The distribution bench (--distribution): two federated instances A and B (FederationSystems). Measures the time to
// distribute --distribute-devices devices A→B in one job (same account, strategy 0 = specified region), twice, each
// verified at both ends; then bootstrap requests/s (BootstrapLoad) in three cases: asked at B for B's own devices,
// at A for devices it distributed to B (A's own record), and at B for those same devices (B holds a copy, so it asks A, and keeps the answer 5 s).
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Thingyard.Protocol.OpenApi;

namespace Thingyard.Bench;

public sealed class DistributionBench(BenchOptions o, Results results, Action<string> say)
{
    public const string Distribute = "Distribute A→B";
    const string Column = "Thingyard"; // the Results column these rows fill
    FederationSystems? _fed;
    TimeSpan _quietWaited;

    IEnumerable<int> OurPids => (_fed?.Both ?? []).Where(s => !s.Process.HasExited).Select(s => s.Process.Pid).Append(Proc.Self);

    public async Task RunAsync()
    {
        try
        {
            say("Starting two federated Thingyard instances (A, B)");
            var fed = _fed = await FederationSystems.StartAsync(o, say);
            var n = o.DistributeDevices;
            var distributed = new List<DeviceCred>();
            foreach (var (run, label) in new[] { (1, "job 1 (first after start)"), (2, "job 2 (another product)") })
            {
                var pk = await fed.A.CreateModelledProductAsync();
                say($"A: registering {n:N0} devices of product {pk}");
                var devices = await fed.A.RegisterNamedDevicesAsync(pk, Enumerable.Range(1, n).Select(i => $"dist{run}_{i:D4}").ToList());
                say($"Distributing {n:N0} devices A→B, {label}");
                await DistributeAsync(fed, pk, devices, label);
                distributed.AddRange(devices);
            }

            var pkB = await fed.B.CreateModelledProductAsync();
            say($"B: registering {n:N0} devices of its own (product {pkB})");
            var native = await fed.B.RegisterNamedDevicesAsync(pkB, Enumerable.Range(1, n).Select(i => $"native_{i:D4}").ToList());
            await BootstrapAsync("Bootstrap (a) at B, B's own devices", fed.B, native, fed.B, "answered from B's database");
            await BootstrapAsync("Bootstrap (b) at A, devices A distributed to B", fed.A, distributed, fed.B, "answered from A's distribution record");
            await BootstrapAsync("Bootstrap (c) at B, devices A distributed to B", fed.B, distributed, fed.B,
                "B holds a copy, not the device's home: it asks its peers, A deciding, and keeps the answer 5 s");

            foreach (var (s, label) in new[] { (fed.A, "A"), (fed.B, "B") })
                if (s.Process.HasExited) results.Note($"Thingyard {label} EXITED during the run; see {s.Process.LogPath}");
        }
        catch (Exception e)
        {
            say($"FAILED: {e}");
            results.Note($"The run stopped early: {e.GetType().Name}: {e.Message}");
        }
        finally
        {
            _fed?.Stop();
        }
    }

    /// <summary>Waits for a quiet machine (each gate at most --quiet-wait, all gates together at most 4× that).</summary>
    async Task<Machine.OthersMeter> QuietAsync()
    {
        var left = 4 * o.QuietWaitSeconds - (int)_quietWaited.TotalSeconds;
        if (o.QuietWaitSeconds > 0 && left > 0)
        {
            var sw = Stopwatch.StartNew();
            await Machine.WaitQuietAsync(OurPids, Math.Min(o.QuietWaitSeconds, left), 20, say);
            _quietWaited += sw.Elapsed;
        }
        return new Machine.OthersMeter(OurPids);
    }

    // ---------------------------------------------------------------------------------------------------------------
    async Task DistributeAsync(FederationSystems fed, string pk, List<DeviceCred> devices, string label)
    {
        var n = devices.Count;
        var others = await QuietAsync();
        var (cpuA0, cpuB0) = (Proc.CpuSeconds(fed.A.Process.Pid), Proc.CpuSeconds(fed.B.Process.Pid));
        var sw = Stopwatch.StartNew();
        var jobId = (await fed.A.Rpc.CallAsync("CreateDeviceDistributeJob",
        [
            KeyValuePair.Create("ProductKey", pk), KeyValuePair.Create("Strategy", "0"),
            KeyValuePair.Create("TargetInstanceConfig.1.TargetInstanceId", FederationSystems.BSpec.Id),
            .. ThingyardRpcClient.List("DeviceName", devices.Select(d => d.DeviceName)),
        ])).GetProperty("JobId").GetString()!;
        var createMs = sw.Elapsed.TotalMilliseconds;
        JsonElement job;
        // Polled every 25 ms: the measured time is at most that much late.
        while (true)
        {
            job = (await fed.A.Rpc.CallAsync("QueryDeviceDistributeJob", [KeyValuePair.Create("JobId", jobId)])).GetProperty("Data");
            if (job.GetProperty("Status").GetInt32() >= 2) break;
            if (sw.Elapsed > TimeSpan.FromMinutes(5)) throw new TimeoutException($"distribution job {jobId} not finished after 5 minutes");
            await Task.Delay(25);
        }
        var seconds = sw.Elapsed.TotalSeconds;
        var (cpuA, cpuB) = (Proc.CpuSeconds(fed.A.Process.Pid) - cpuA0, Proc.CpuSeconds(fed.B.Process.Pid) - cpuB0);
        var noise = others.Percent();

        say($"  job {jobId}: status {job.GetProperty("Status").GetInt32()} after {seconds:F2} s; verifying at A and B");
        var problems = await VerifyAsync(fed, pk, devices, jobId, job);
        results.Add(Distribute, $"{label}: {n:N0} devices, CreateDeviceDistributeJob → completed", "s", false, Column, seconds);
        results.Add(Distribute, $"{label}: devices distributed per second", "/s", true, Column, n / seconds);
        results.Add(Distribute, $"{label}: all {n:N0} succeeded and are at B with their secrets", "", true, Column, null,
            problems.Count == 0 ? "yes" : $"NO ({problems.Count} problems, see notes)");
        results.Note($"{Distribute}, {label}: job {jobId}, {n:N0} devices of {pk}; the create call took {createMs:F0} ms; completed after " +
            $"{seconds:F2} s (polled every 25 ms); server CPU A {cpuA:F2} s, B {cpuB:F2} s; other processes {noise:F0}%" +
            (problems.Count == 0 ? "" : "; PROBLEMS: " + string.Join("; ", problems.Take(10))));
        say($"  {n:N0} devices in {seconds:F2} s = {n / seconds:N0}/s; CPU A {cpuA:F2} s, B {cpuB:F2} s; " +
            (problems.Count == 0 ? "verified" : $"{problems.Count} problems: {string.Join("; ", problems.Take(3))}"));
    }

    /// <summary>The job completed with every device a success (its result file), A lists them as distributed, and B holds
    /// each one (QueryDevice count, BatchQueryDeviceDetail) with the secret it has at A.</summary>
    static async Task<List<string>> VerifyAsync(FederationSystems fed, string pk, List<DeviceCred> devices, string jobId, JsonElement job)
    {
        var problems = new List<string>();
        var n = devices.Count;
        if (job.GetProperty("Status").GetInt32() != 2) problems.Add($"job status {job.GetProperty("Status").GetInt32()}, error {job.GetProperty("Error")}");
        if (job.GetProperty("Total").GetInt32() != n) problems.Add($"job total {job.GetProperty("Total").GetInt32()}, expected {n}");

        var link = (await fed.A.Rpc.CallAsync("QueryDeviceDistributeDetail", [KeyValuePair.Create("JobId", jobId)])).GetProperty("File").GetString()!;
        using (var http = new HttpClient())
        {
            var rows = (await http.GetStringAsync(link)).Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(l => l.Split(',')).ToList();
            var good = rows.Count(f => f[1] == "200" && f[^1] == FederationSystems.BSpec.Id);
            if (rows.Count != n || good != n)
                problems.Add($"result file: {rows.Count} rows, {good} with code 200 to {FederationSystems.BSpec.Id}" +
                    (rows.FirstOrDefault(f => f[1] != "200") is { } bad ? $" (e.g. {string.Join(',', bad)})" : ""));
        }

        var listed = (await fed.A.Rpc.CallAsync("ListDistributedDevice", [KeyValuePair.Create("ProductKey", pk)])).GetProperty("Data").GetProperty("Total").GetInt32();
        if (listed != n) problems.Add($"A lists {listed} distributed devices of {pk}");

        var atB = (await fed.B.Rpc.CallAsync("QueryDevice", [KeyValuePair.Create("ProductKey", pk), KeyValuePair.Create("PageSize", "10")])).GetProperty("Total").GetInt32();
        if (atB != n) problems.Add($"B's QueryDevice counts {atB} devices of {pk}");

        var found = 0;
        foreach (var chunk in devices.Chunk(100))
        {
            var body = await fed.B.Rpc.CallAsync("BatchQueryDeviceDetail",
                [KeyValuePair.Create("ProductKey", pk), .. ThingyardRpcClient.List("DeviceName", chunk.Select(d => d.DeviceName))]);
            var byName = body.GetProperty("Data").GetProperty("Data").EnumerateArray()
                .ToDictionary(d => d.GetProperty("DeviceName").GetString()!, d => d.GetProperty("DeviceSecret").GetString());
            foreach (var d in chunk)
            {
                if (!byName.TryGetValue(d.DeviceName, out var secret)) { problems.Add($"{d.DeviceName} missing at B"); continue; }
                if (secret != d.Secret) { problems.Add($"{d.DeviceName} has another secret at B"); continue; }
                found++;
            }
        }
        if (found != n) problems.Add($"{found}/{n} devices at B with their secret");
        return problems;
    }

    // ---------------------------------------------------------------------------------------------------------------
    async Task BootstrapAsync(string scenario, ThingyardSystem at, IReadOnlyList<DeviceCred> devices, ThingyardSystem owner, string how)
    {
        var expected = owner.Mqtt;
        var duration = TimeSpan.FromSeconds(o.BootstrapSeconds);
        say($"{scenario}: {devices.Count:N0} devices in turn, {o.BootstrapConcurrency} concurrent loops, {o.WarmupSeconds} s warm-up + {o.BootstrapSeconds} s");
        if (o.WarmupSeconds > 0)
        {
            var warm = await BootstrapLoad.RunAsync(at.Http, devices, expected, o.BootstrapConcurrency, TimeSpan.FromSeconds(o.WarmupSeconds));
            say($"  (warm-up) {warm.Ok / warm.Seconds:N0} req/s, errors {warm.Errors}");
        }
        var pids = _fed!.Both.Select(s => s.Process.Pid).ToArray();
        var others = await QuietAsync();
        var (server0, self0) = (pids.Sum(Proc.CpuSeconds), Proc.CpuSeconds(Proc.Self));
        var r = await BootstrapLoad.RunAsync(at.Http, devices, expected, o.BootstrapConcurrency, duration);
        var serverCpu = pids.Sum(Proc.CpuSeconds) - server0;
        var selfCpu = Proc.CpuSeconds(Proc.Self) - self0;
        var noise = others.Percent();

        var rate = r.Ok / r.Seconds;
        var p50 = Scenarios.Percentile(r.LatencyMs, 50);
        var p99 = Scenarios.Percentile(r.LatencyMs, 99);
        var cpuPerRequest = r.Ok > 0 ? serverCpu / r.Ok * 1e6 : double.NaN;
        results.Add(scenario, $"requests/s ({o.BootstrapConcurrency} concurrent)", "/s", true, Column, rate);
        results.Add(scenario, "latency p50 / p99", "", false, Column, null, $"{p50:F2} / {p99:F2} ms");
        results.Add(scenario, "errors (wrong or failed answers)", "", false, Column, null, r.Errors.ToString("N0", CultureInfo.InvariantCulture));
        results.Add(scenario, "server CPU per request (A + B)", "µs", false, Column, cpuPerRequest);
        results.Note($"{scenario} ({how}): {r.Ok:N0} answers in {r.Seconds:F2} s, errors {r.Errors}" + (r.FirstError is null ? "" : $" (first: {r.FirstError})") +
            $"; p50 {p50:F2} ms, p99 {p99:F2} ms; server CPU (A + B) {Scenarios.CpuPercent(serverCpu, r.Seconds):F0}%, " +
            $"bench {Scenarios.CpuPercent(selfCpu, r.Seconds):F0}%, other processes {noise:F0}%");
        say($"  {rate:N0} req/s, p50 {p50:F2} ms, p99 {p99:F2} ms, errors {r.Errors}{(r.FirstError is null ? "" : $" (first: {r.FirstError})")}; " +
            $"server CPU {Scenarios.CpuPercent(serverCpu, r.Seconds):F0}%, bench {Scenarios.CpuPercent(selfCpu, r.Seconds):F0}%, others {noise:F0}%");
    }
}
