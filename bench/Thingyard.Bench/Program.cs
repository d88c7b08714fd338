// Thingyard vs Mosquitto on loopback: starts both as children, runs the same four scenarios against each and prints
// one Markdown table with ratios. With --distribution, instead: two federated Thingyard instances, the time to
// distribute devices between them and bootstrap requests/s (DistributionBench); with --cluster, clusters of 1, 2 and 3
// nodes (ClusterBench). See docs/performance.md and bench/run.sh.
using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using Thingyard.Bench;

if (args.Length > 0 && args[0] == AmqpDrain.Flag) return await AmqpDrain.RunChildAsync(args);

BenchOptions o;
try { o = BenchOptions.Parse(args); }
catch (HelpRequested) { Console.WriteLine(BenchOptions.Usage); return 0; }
catch (Exception e) when (e is ArgumentException or FormatException)
{
    Console.Error.WriteLine($"error: {e.Message}\n\n{BenchOptions.Usage}");
    return 2;
}

Directory.CreateDirectory(o.WorkDir);
ChildProcess.InstallCleanup(Path.Combine(o.WorkDir, "children.pids"));
var started = Stopwatch.StartNew();
void Say(string line) => Console.Error.WriteLine($"[{started.Elapsed:mm\\:ss}] {line}");

var results = new Results();
var sources = new SourceAddresses(o.SourceAddresses);
var scenarios = new Scenarios(o, results, sources, line => Say(results.Muted ? "  (warm-up)" + line : line));
var command = Environment.GetEnvironmentVariable("BENCH_COMMAND") ?? "dotnet Thingyard.Bench.dll " + string.Join(' ', args);

if (Environment.GetEnvironmentVariable("DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS") != "1")
    Say("note: DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS=1 is not set (bench/run.sh sets it): the load generator will need " +
        "noticeably more CPU per message, which on 2 cores is taken from the server under test");
var machine = MachineInfo(o);
Console.Error.WriteLine(machine);
if (o.Distribution)
{
    try { await new DistributionBench(o, results, Say).RunAsync(); }
    finally { ChildProcess.KillAll(); }
    return await ReportAsync(results.SingleTable());
}
if (o.Console)
{
    try { await new ConsoleBench(o, results, Say).RunAsync(); }
    finally { ChildProcess.KillAll(); }
    return await ReportAsync(results.SingleTable());
}
if (o.Cluster)
{
    var table = "";
    try { table = await new ClusterBench(o, results, sources, Say).RunAsync(); }
    catch (Exception e)
    {
        Say($"FAILED: {e}");
        results.Note($"The run stopped early: {e.GetType().Name}: {e.Message}");
    }
    finally { ChildProcess.KillAll(); }
    return await ReportAsync(table);
}
if (o.Subscription)
{
    try { await new SubscriptionBench(o, results, sources, Say).RunAsync(); }
    finally { ChildProcess.KillAll(); }
    return await ReportAsync(results.SingleTable());
}
ThingyardSystem? thingyard = null;
MosquittoSystem? mosquitto = null;
try
{
    if (o.RunThingyard) thingyard = await ThingyardSystem.StartAsync(o, Say);
    if (o.RunMosquitto) mosquitto = await MosquittoSystem.StartAsync(o, Say);
    var systems = new List<SystemUnderTest>();
    if (thingyard is not null) systems.Add(thingyard);
    if (mosquitto is not null) systems.Add(mosquitto);
    scenarios.OurPids = () => systems.Where(s => !s.Process.HasExited).Select(s => s.Process.Pid).Append(Proc.Self);

    // Every process here inherits the bench's open-file limit; scenario 2 can hold no more than the tightest allows.
    var limits = systems.Select(s => (s.Name, Limit: Proc.FdLimit(s.Process.Pid), Used: Proc.OpenFds(s.Process.Pid)))
        .Append((Name: "bench", Limit: Proc.FdLimit(Proc.Self), Used: Proc.OpenFds(Proc.Self))).ToList();
    var room = limits.Min(l => l.Limit - l.Used) - 256;
    scenarios.Connections = (int)Math.Min(o.Connections, Math.Max(1, room));
    if (scenarios.Connections < o.Connections && o.Scenarios.Contains(2))
        results.Note($"Scenario 2 asked for {o.Connections:N0} connections but held at most {scenarios.Connections:N0}: open-file limits " +
            string.Join(", ", limits.Select(l => $"{l.Name} {l.Limit:N0} ({l.Used} in use)")) +
            ". The hard RLIMIT_NOFILE of this sandbox cannot be raised (no CAP_SYS_RESOURCE); run bench/run.sh where `ulimit -n` can exceed the target.");

    var devices = o.DevicesNeeded(scenarios.Connections);
    if (thingyard is not null)
    {
        Say($"Thingyard: registering {devices:N0} devices");
        await thingyard.SetUpDevicesAsync(devices, Say);
        thingyard.BuildConnectPackets();
    }
    if (mosquitto is not null)
    {
        mosquitto.Devices = thingyard?.Devices ?? Enumerable.Range(0, devices)
            .Select(i => new DeviceCred("a1BenchPK00", $"dev{i:D6}", "")).ToList();
        mosquitto.BuildConnectPackets();
    }

    if (o.WarmUp)
        foreach (var s in systems)
        {
            Say($"Warm-up on {s.Name} (not recorded)");
            results.Muted = true;
            try { await scenarios.WarmUpAsync(s); }
            finally { results.Muted = false; }
        }
    if (o.Scenarios.Contains(1))
        foreach (var s in systems) { Say($"Scenario 1 (connects/s) on {s.Name}"); await scenarios.ConnectsAsync(s); }
    if (o.Scenarios.Contains(2))
        foreach (var s in systems) { Say($"Scenario 2 ({scenarios.Connections:N0} idle connections) on {s.Name}"); await scenarios.HoldAsync(s); }
    if (o.Scenarios.Contains(3))
    {
        foreach (var qos in new[] { 0, 1 })
            foreach (var s in systems) { Say($"Scenario 3 (upstream QoS {qos}) on {s.Name}"); await scenarios.UpstreamAsync(s, qos); }
        if (thingyard is not null) await scenarios.VerifyStoredAsync(thingyard);
    }
    if (o.Scenarios.Contains(4))
        foreach (var s in systems) { Say($"Scenario 4 (downlink round trip) on {s.Name}"); await scenarios.DownlinkAsync(s); }

    foreach (var s in systems)
        if (s.Process.HasExited) results.Note($"{s.Name} EXITED during the run; see {s.Process.LogPath}");
}
catch (Exception e)
{
    Say($"FAILED: {e}");
    results.Note($"The run stopped early: {e.GetType().Name}: {e.Message}");
}
finally
{
    thingyard?.Process.Stop();
    mosquitto?.Process.Stop();
    ChildProcess.KillAll();
}

return await ReportAsync(results.Table());

async Task<int> ReportAsync(string table)
{
    var report = new StringBuilder();
    report.AppendLine("## Result").AppendLine();
    report.AppendLine("```").AppendLine(machine.TrimEnd()).AppendLine($"command: {command}").AppendLine($"wall time: {started.Elapsed:mm\\:ss}, work dir: {o.WorkDir}").AppendLine("```").AppendLine();
    report.AppendLine(table);
    if (results.Notes.Count > 0)
    {
        report.AppendLine("Notes:").AppendLine();
        foreach (var n in results.Notes) report.AppendLine($"- {n}");
    }
    Console.WriteLine(report);
    if (o.Output is not null) await File.WriteAllTextAsync(o.Output, report.ToString());
    return results.Notes.Any(n => n.StartsWith("The run stopped early", StringComparison.Ordinal)) ? 1 : 0;
}

static string MachineInfo(BenchOptions o)
{
    string Run(string file, string args)
    {
        try
        {
            using var p = Process.Start(new ProcessStartInfo(file, args) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false })!;
            var text = p.StandardOutput.ReadToEnd() + p.StandardError.ReadToEnd();
            p.WaitForExit(5_000);
            return text;
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or InvalidOperationException) { return "?"; }
    }
    var cpu = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "?";
    var memKb = File.ReadLines("/proc/meminfo").First().Split(' ', StringSplitOptions.RemoveEmptyEntries)[1];
    var mosquitto = Run(o.Mosquitto, "-h").Split('\n').FirstOrDefault(l => l.Contains("version", StringComparison.Ordinal))?.Trim() ?? "?";
    var sb = new StringBuilder();
    sb.AppendLine($"machine: {Environment.ProcessorCount} cores ({cpu}), {long.Parse(memKb, CultureInfo.InvariantCulture) / 1024 / 1024.0:F1} GiB, {RuntimeInformation.OSDescription}");
    sb.AppendLine($"dotnet: SDK {Run("dotnet", "--version").Trim()}, runtime {RuntimeInformation.FrameworkDescription}");
    sb.AppendLine($"mosquitto: {mosquitto}");
    sb.AppendLine($"open-file limit: {Proc.FdLimit(Proc.Self)}; bench socket completions inline: {Environment.GetEnvironmentVariable("DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS") == "1"}; " +
        $"extra Thingyard env: {(o.ServerEnv.Count == 0 ? "none" : string.Join(' ', o.ServerEnv.Select(kv => $"{kv.Key}={kv.Value}")))}");
    return sb.ToString();
}
