// Command-line options. Every size is bounded; --quick shrinks everything to a run of about a minute.
using System.Globalization;

namespace Thingyard.Bench;

public sealed class BenchOptions
{
    public bool Quick { get; private set; }
    /// <summary>Scenario 1: new connections opened (CONNECT→CONNACK) and the concurrency they are opened with.</summary>
    public int Connects { get; private set; } = 5_000;
    public int ConnectConcurrency { get; private set; } = 100;
    /// <summary>Scenario 2: idle connections to open and hold, and for how long to hold them before measuring.</summary>
    public int Connections { get; private set; } = 20_000;
    public int HoldSeconds { get; private set; } = 10;
    /// <summary>Scenario 3: publishing devices, seconds per QoS level (after warm-up), in-flight window per device.</summary>
    public int Publishers { get; private set; } = 100;
    public int PublishSeconds { get; private set; } = 15;
    public int WarmupSeconds { get; private set; } = 3;
    public int Window { get; private set; } = 64;
    /// <summary>Scenario 4: answering devices, calls per second, seconds, most calls in flight.</summary>
    public int Responders { get; private set; } = 50;
    public int CallRate { get; private set; } = 1_000;
    public int CallSeconds { get; private set; } = 10;
    public int MaxInFlightCalls { get; private set; } = 256;
    /// <summary>--distribution: only the distribution bench (two federated instances), none of scenarios 1..4.</summary>
    public bool Distribution { get; private set; }
    /// <summary>Devices per distribution job (the platform's limit is 1,000), bootstrap seconds and loops per case.</summary>
    public int DistributeDevices { get; private set; } = 1_000;
    /// <summary>--console: only the console bench (device list render with many devices), none of scenarios 1..4.</summary>
    public bool Console { get; private set; }
    public int ConsoleDevices { get; private set; } = 10_000;
    /// <summary>--subscription: only the server-side subscription bench (scenario 3 with and without an AMQP consumer).</summary>
    public bool Subscription { get; private set; }
    /// <summary>--cluster: only the cluster bench: the same load against clusters of these sizes on one PostgreSQL.</summary>
    public bool Cluster { get; private set; }
    public List<int> ClusterSizes { get; private set; } = [1, 2, 3];
    /// <summary>An existing PostgreSQL for --cluster (a connection string to a database the bench may create databases
    /// from); default: a throwaway one the bench starts in the work dir.</summary>
    public string? ClusterPostgres { get; private set; }
    public int BootstrapSeconds { get; private set; } = 10;
    public int BootstrapConcurrency { get; private set; } = 32;
    /// <summary>Client sockets bind to 127.0.0.2 .. 127.0.0.(1+n) in turn, to stay clear of ephemeral-port exhaustion.</summary>
    public int SourceAddresses { get; private set; } = 16;
    /// <summary>Which scenarios to run (1..4) and which systems.</summary>
    public HashSet<int> Scenarios { get; private set; } = [1, 2, 3, 4];
    public bool RunThingyard { get; private set; } = true;
    public bool RunMosquitto { get; private set; } = true;
    /// <summary>Where the Release server build lives (bench/run.sh builds it there).</summary>
    public string ServerDll { get; private set; } = "/tmp/bench-server/bin/Thingyard.Server/release/Thingyard.Server.dll";
    public string Mosquitto { get; private set; } = "/usr/sbin/mosquitto";
    /// <summary>Extra environment for the Thingyard child (KEY=VALUE, repeatable), e.g. DOTNET_gcServer=0.</summary>
    public List<KeyValuePair<string, string>> ServerEnv { get; } = [];
    /// <summary>Folder for the data dirs, configs and logs of this run (kept afterwards for inspection).</summary>
    public string WorkDir { get; private set; } = Path.Combine(Path.GetTempPath(), "thingyard-bench-" + DateTime.UtcNow.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture));
    /// <summary>Write the Markdown table here as well as to stdout.</summary>
    public string? Output { get; private set; }
    /// <summary>Thingyard's data dir (SQLite file); default work-dir/thingyard-data. E.g. /dev/shm/... to take the disk out.</summary>
    public string? DataDir { get; private set; }
    public bool Verbose { get; private set; }
    /// <summary>An unrecorded warm-up (connects and upstream posts) before the scenarios, so the JIT reaches steady state.</summary>
    public bool WarmUp { get; private set; } = true;
    /// <summary>Scenario 2 on Thingyard: also measure the live managed heap per connection (induced full GC over EventPipe).</summary>
    public bool GcProbe { get; private set; } = true;
    /// <summary>Before each measurement, wait up to this many seconds for other processes on the machine to use under 20% CPU.</summary>
    public int QuietWaitSeconds { get; private set; } = 30;

    public const string Usage = """
        Thingyard.Bench: Thingyard vs Mosquitto on loopback, side by side.

          --quick                   about one minute: small sizes and short runs
          --connects N              scenario 1: new connections to open (default 5000)
          --connect-concurrency N   connections being opened at once (default 100)
          --connections N           scenario 2: idle connections to hold (default 20000; 50000 for the full target)
          --hold-seconds N          how long to hold them before measuring memory (default 10)
          --publishers N            scenario 3: publishing devices (default 100)
          --publish-seconds N       measured seconds per QoS level (default 15), after --warmup-seconds (default 3)
          --window N                messages in flight per publisher (default 64)
          --responders N            scenario 4: devices answering the ping service (default 50)
          --rate N                  scenario 4: calls per second, open loop (default 1000)
          --call-seconds N          scenario 4: seconds of calls (default 10)
          --max-in-flight N         scenario 4: calls in flight at most; calls over it are shed and counted (default 256)
          --sources N               client source addresses 127.0.0.2.. (default 16)
          --distribution            run only the distribution bench instead of scenarios 1..4: two federated Thingyard
                                    instances A and B; time to distribute devices A→B (two jobs), and bootstrap requests/s
          --distribute-devices N    devices per distribution job (default 1000, at most 1000: the per-job limit)
          --bootstrap-seconds N     measured seconds per bootstrap case (default 10, --quick 3), after --warmup-seconds
          --bootstrap-concurrency N bootstrap requests in flight, one keep-alive connection each (default 32)
          --console                 run only the console bench: sign in over HTTP and time the server-side render of the
                                    device list's first page (and the overview) with --console-devices devices
          --console-devices N       devices registered for --console (default 10000)
          --subscription            run only the server-side subscription bench: QoS 1 posts from --publishers devices
                                    in two rounds: with no subscription, then with the product subscribed and an AMQP
                                    client (its own process) draining it, then with rules forwarding a tenth and every
                                    post as well; then with nothing again; ingestion and server CPU per post in each
                                    phase, delivery rate and latency
          --cluster                 run only the cluster bench: clusters of 1, 2 and 3 nodes on this machine sharing one
                                    PostgreSQL (started in the work dir), devices round-robin over the nodes; first
                                    connects/s and memory per idle connection per node, QoS 1 and QoS 0 posts/s, sync
                                    invoke through the device's node and through another one. Its defaults: --connects
                                    3000, --publishers 60, --publish-seconds 8, --responders 30, --rate 200, --call-seconds 5
          --cluster-sizes 1,2,3     cluster sizes to run (1 to 5 nodes each; 0 = one node with cluster mode off, the baseline)
          --cluster-postgres CS     use this PostgreSQL (a connection string, e.g. Host=127.0.0.1;Port=5432;Username=postgres;
                                    Database=postgres) instead of starting one
          --scenarios 1,2,3,4       which scenarios to run
          --only thingyard|mosquitto
          --server-dll PATH         Thingyard.Server.dll of a Release build (default /tmp/bench-server/bin/Thingyard.Server/release/)
          --mosquitto PATH          mosquitto binary (default /usr/sbin/mosquitto)
          --server-env KEY=VALUE    extra environment for the Thingyard child, repeatable (e.g. DOTNET_gcServer=0)
          --work-dir DIR            data dirs, configs and logs of this run (default /tmp/thingyard-bench-<time>)
          --data-dir DIR            Thingyard's fresh data dir (default WORK_DIR/thingyard-data; e.g. /dev/shm/x for tmpfs)
          --out FILE                also write the result (Markdown) to FILE
          --quiet-wait N            before each measurement wait up to N s for other processes to use <20% CPU
                                    (the machine may be shared; default 30, --quick 10, at most 4N in all; 0 = never)
          --no-gc                   scenario 2: skip the live-heap probe (an induced full GC in Thingyard before and after)
          --no-warmup               skip the unrecorded warm-up phase (connects and posts before scenario 1)
          --verbose                 progress details
        """;

    public static BenchOptions Parse(string[] args)
    {
        var o = new BenchOptions();
        // --cluster's sizes, then --quick's, so explicit sizes given with them still win.
        if (args.Contains("--cluster")) o.ApplyCluster();
        if (args.Contains("--quick")) o.ApplyQuick();
        for (var i = 0; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            int Int(int min, int max)
            {
                var name = args[i];
                var v = int.Parse(Next(), CultureInfo.InvariantCulture);
                if (v < min || v > max) throw new ArgumentException($"{name} must be between {min} and {max}");
                return v;
            }
            switch (args[i])
            {
                case "--quick": break;
                case "--connects": o.Connects = Int(1, 100_000); break;
                case "--connect-concurrency": o.ConnectConcurrency = Int(1, 2_000); break;
                case "--connections": o.Connections = Int(1, 100_000); break;
                case "--hold-seconds": o.HoldSeconds = Int(1, 300); break;
                case "--publishers": o.Publishers = Int(1, 5_000); break;
                case "--publish-seconds": o.PublishSeconds = Int(1, 300); break;
                case "--warmup-seconds": o.WarmupSeconds = Int(0, 60); break;
                case "--window": o.Window = Int(1, 1_000); break;
                case "--responders": o.Responders = Int(1, 5_000); break;
                case "--rate": o.CallRate = Int(1, 20_000); break;
                case "--call-seconds": o.CallSeconds = Int(1, 120); break;
                case "--max-in-flight": o.MaxInFlightCalls = Int(1, 10_000); break;
                case "--sources": o.SourceAddresses = Int(1, 250); break;
                case "--distribution": o.Distribution = true; break;
                case "--distribute-devices": o.DistributeDevices = Int(1, 1_000); break;
                case "--console": o.Console = true; break;
                case "--subscription": o.Subscription = true; break;
                case "--cluster": break;
                case "--cluster-sizes":
                    o.ClusterSizes = Next().Split(',', StringSplitOptions.RemoveEmptyEntries).Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToList();
                    if (o.ClusterSizes.Count == 0 || o.ClusterSizes.Any(s => s is < 0 or > 5)) throw new ArgumentException("--cluster-sizes takes numbers 0..5");
                    break;
                case "--cluster-postgres": o.ClusterPostgres = Next(); break;
                case "--console-devices": o.ConsoleDevices = Int(1, 100_000); break;
                case "--bootstrap-seconds": o.BootstrapSeconds = Int(1, 300); break;
                case "--bootstrap-concurrency": o.BootstrapConcurrency = Int(1, 1_000); break;
                case "--scenarios":
                    o.Scenarios = Next().Split(',', StringSplitOptions.RemoveEmptyEntries).Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToHashSet();
                    if (o.Scenarios.Any(s => s is < 1 or > 4)) throw new ArgumentException("--scenarios takes numbers 1..4");
                    break;
                case "--only":
                    var only = Next();
                    o.RunThingyard = only == "thingyard";
                    o.RunMosquitto = only == "mosquitto";
                    if (!o.RunThingyard && !o.RunMosquitto) throw new ArgumentException("--only takes thingyard or mosquitto");
                    break;
                case "--server-dll": o.ServerDll = Next(); break;
                case "--mosquitto": o.Mosquitto = Next(); break;
                case "--server-env":
                    var kv = Next();
                    var eq = kv.IndexOf('=');
                    if (eq <= 0) throw new ArgumentException("--server-env takes KEY=VALUE");
                    o.ServerEnv.Add(KeyValuePair.Create(kv[..eq], kv[(eq + 1)..]));
                    break;
                case "--work-dir": o.WorkDir = Path.GetFullPath(Next()); break;
                case "--out": o.Output = Path.GetFullPath(Next()); break;
                case "--data-dir": o.DataDir = Path.GetFullPath(Next()); break;
                case "--verbose": o.Verbose = true; break;
                case "--no-warmup": o.WarmUp = false; break;
                case "--no-gc": o.GcProbe = false; break;
                case "--quiet-wait": o.QuietWaitSeconds = Int(0, 600); break;
                case "-h" or "--help": throw new HelpRequested();
                default: throw new ArgumentException($"unknown option {args[i]}");
            }
        }
        return o;
    }

    /// <summary>Smaller than the single-node defaults: every size runs every measurement, on the same two cores.</summary>
    void ApplyCluster()
    {
        Cluster = true;
        Connects = 3_000;
        Publishers = 60;
        PublishSeconds = 8;
        Responders = 30;
        CallRate = 200;
        CallSeconds = 5;
        HoldSeconds = 3;
    }

    void ApplyQuick()
    {
        Quick = true;
        Connects = 1_000;
        Connections = 2_000;
        HoldSeconds = 3;
        Publishers = 20;
        PublishSeconds = 5;
        WarmupSeconds = 1;
        Responders = 10;
        CallSeconds = 5;
        BootstrapSeconds = 3;
        QuietWaitSeconds = 10;
    }

    /// <summary>Devices the Thingyard side needs registered: one per connection the largest scenario holds at once.</summary>
    public int DevicesNeeded(int connections) => new[]
    {
        // Scenario 1's devices must not be the ones the warm-up just connected (Thingyard caches credentials for 30 s).
        Scenarios.Contains(1) ? Connects + (WarmUp ? Bench.Scenarios.WarmUpConnects : 0) : 0,
        Scenarios.Contains(2) ? connections : 0,
        Scenarios.Contains(3) ? Publishers : 0,
        Scenarios.Contains(4) ? Responders : 0,
        1,
    }.Max();
}

public sealed class HelpRequested : Exception;
