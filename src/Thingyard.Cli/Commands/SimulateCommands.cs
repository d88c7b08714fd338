// `thingyard simulate --product PK`: N devices named {prefix}-0001.. (registered when missing) on real MQTT connections,
// posting values generated from the product's thing model and answering the platform's calls, with a live status line.
// With --id2 FILE (a provisioning csv from `thingyard id2 export`) each device holds one ID² in a software KM and
// connects with it instead of a DeviceSecret; such devices register themselves on their first connect.
using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Thingyard.Cli.Output;
using Thingyard.Cli.Simulation;
using Thingyard.Protocol.Devices;
using Thingyard.Protocol.OpenApi;
using Thingyard.Protocol.Tsl;

namespace Thingyard.Cli.Commands;

public static class SimulateCommands
{
    /// <summary>Names keep four digits: PREFIX-0001 to PREFIX-9999.</summary>
    const int MaxDevices = 9_999;
    const int RegistryCallsAtOnce = 8;
    static readonly TimeSpan Refresh = TimeSpan.FromMilliseconds(250);

    public static Command Build(CliContext cli)
    {
        var product = new Option<string>("--product") { Description = "ProductKey of the simulated devices", Required = true };
        var count = new Option<int>("--count") { Description = "Number of devices", DefaultValueFactory = _ => 10 };
        var rate = new Option<double>("--rate") { Description = "Property posts per second per device", DefaultValueFactory = _ => 1 };
        var duration = new Option<double?>("--duration") { Description = "Stop after this many seconds (default: at Ctrl-C)" };
        var mqtt = new Option<string>("--mqtt") { Description = "MQTT broker, mqtt://host:port (default: the endpoint's host, port 1883)" };
        var prefix = new Option<string>("--prefix") { Description = "Device names are PREFIX-0001, PREFIX-0002, ...", DefaultValueFactory = _ => "sim" };
        var id2 = new Option<string>("--id2")
        {
            Description = "Connect with ID² identities from this provisioning csv (id2,keyType,key), one per device, instead of DeviceSecrets",
        };
        var command = new Command("simulate", "Run simulated devices that post thing-model data over MQTT and answer calls")
        {
            product, count, rate, duration, mqtt, prefix, id2,
        };
        // Option validators run only for options given on the command line; the defaults are valid.
        count.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() is < 1 or > MaxDevices) result.AddError($"--count must be from 1 to {MaxDevices}.");
        });
        rate.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<double>() is not (> 0 and <= 1000)) result.AddError("--rate must be above 0 and at most 1000 messages per second.");
        });
        duration.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<double?>() is <= 0) result.AddError("--duration must be above 0 seconds.");
        });
        prefix.Validators.Add(result =>
        {
            // Every name has the same length (four digits), so the first stands for all.
            var p = result.GetValueOrDefault<string>();
            if (!DeviceNames.IsValid(DeviceName(p, 1)))
                result.AddError($"--prefix '{p}' does not make valid device names (4 to 32 letters, digits and - _ @ . : in all).");
        });
        command.SetAction((r, ct) => cli.RunAsync(() => SimulateAsync(cli, r, new Settings(
            r.GetValue(product)!, r.GetValue(count), r.GetValue(rate), r.GetValue(duration), r.GetValue(mqtt), r.GetValue(prefix)!, r.GetValue(id2)), ct)));
        return command;
    }

    sealed record Settings(string ProductKey, int Count, double Rate, double? Duration, string? Mqtt, string Prefix, string? Id2File);

    static string DeviceName(string prefix, int n) => $"{prefix}-{n.ToString("D4", CultureInfo.InvariantCulture)}";

    static async Task SimulateAsync(CliContext cli, ParseResult r, Settings s, CancellationToken ct)
    {
        var (endpoint, keyId, secret) = cli.Config(r).Require();
        var json = r.GetValue(cli.Json);
        var broker = s.Mqtt is { } url ? MqttEndpoint.Parse(url) : MqttEndpoint.Beside(endpoint);
        // The progress line rewrites itself, so it is only for a person at a terminal.
        var live = !json && ReferenceEquals(cli.Out, Console.Out) && !Console.IsOutputRedirected;

        List<DeviceTriplet> triplets;
        ThingModel tsl;
        int registered;
        using (var http = new HttpClient { BaseAddress = endpoint })
        {
            var rpc = new ThingyardRpcClient(http, keyId, secret);
            try
            {
                tsl = await ThingModelAsync(rpc, s.ProductKey, ct);
                (triplets, registered) = s.Id2File is null ? await EnsureDevicesAsync(rpc, s, ct)
                    : (Enumerable.Range(1, s.Count).Select(n => new DeviceTriplet(s.ProductKey, DeviceName(s.Prefix, n), "")).ToList(), 0);
            }
            catch (HttpRequestException e)
            {
                throw new CliException($"cannot reach {endpoint}: {e.Message}");
            }
        }
        if (!json)
            await cli.Err.WriteLineAsync($"{triplets.Count} device{(triplets.Count == 1 ? "" : "s")} ready ({registered} registered now); " +
                $"connecting to {broker}{(s.Duration is null ? "; Ctrl-C to stop" : "")}");

        var identities = s.Id2File is null ? null : await Id2Commands.ReadProvisioningAsync(s.Id2File, s.Count, ct);
        var stats = new SimulationStats();
        var devices = triplets.Select((t, i) =>
        {
            var random = new Random();
            return new SimulatedDevice(t, broker, new TslValueGenerator(tsl, random), stats, s.Rate, random, identities?[i]);
        }).ToList();
        using var posting = CancellationTokenSource.CreateLinkedTokenSource(ct);
        using var running = new CancellationTokenSource();
        if (s.Duration is { } seconds) posting.CancelAfter(TimeSpan.FromSeconds(seconds));
        var clock = Stopwatch.StartNew();
        var runs = devices.Select(d => Task.Run(() => d.RunAsync(posting.Token, running.Token))).ToList();
        var firstConnects = Task.WhenAll(devices.Select(d => d.FirstConnect));
        string? failure = null;
        while (!posting.IsCancellationRequested)
        {
            if (live) Status(cli.Out, stats, devices.Count, clock.Elapsed);
            if (firstConnects.IsCompletedSuccessfully && firstConnects.Result.All(e => e is not null))
            {
                failure = $"no device could connect to {broker}: {firstConnects.Result[0]}";
                break;
            }
            try { await Task.Delay(Refresh, posting.Token); }
            catch (OperationCanceledException) { }
        }
        var elapsed = clock.Elapsed;
        // Posting has stopped; give the replies still on their way a moment (less after Ctrl-C), then disconnect.
        var drainUntil = clock.Elapsed + TimeSpan.FromSeconds(ct.IsCancellationRequested ? 0.5 : 3);
        while (failure is null && stats.AwaitingReplies > 0 && stats.Connected > 0 && clock.Elapsed < drainUntil)
        {
            await Task.Delay(50, CancellationToken.None);
            if (live) Status(cli.Out, stats, devices.Count, elapsed);
        }
        await running.CancelAsync();
        await Task.WhenAll(runs);
        if (live) await cli.Out.WriteAsync("\r\u001b[K");
        if (failure is not null) throw new CliException(failure);

        if (json)
        {
            JsonText.Write(cli.Out, JsonSerializer.SerializeToElement(new
            {
                s.ProductKey, Devices = devices.Count, Mqtt = broker.ToString(), Connected = stats.PeakConnected, stats.Connects, stats.ConnectFailures,
                stats.Posts, stats.Events, stats.RepliesOk, stats.RepliesError, stats.CallsAnswered,
                ElapsedSeconds = Math.Round(elapsed.TotalSeconds, 1), Errors = stats.FirstErrors,
            }));
            return;
        }
        await cli.Out.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"simulated {devices.Count} device{(devices.Count == 1 ? "" : "s")} of {s.ProductKey} for {elapsed.TotalSeconds:0.0} s: " +
            $"connected {stats.PeakConnected}/{devices.Count}, {stats.Posts} posts, {stats.Events} events, " +
            $"replies {stats.RepliesOk} ok / {stats.RepliesError} err, {stats.CallsAnswered} calls answered"));
        foreach (var error in stats.FirstErrors) await cli.Err.WriteLineAsync($"error reply: {error}");
    }

    static void Status(TextWriter output, SimulationStats stats, int devices, TimeSpan elapsed)
    {
        output.Write(string.Create(CultureInfo.InvariantCulture,
            $"\rconnected {stats.Connected}/{devices}  posts {stats.Posts + stats.Events}  replies {stats.RepliesOk} ok / {stats.RepliesError} err  " +
            $"calls {stats.CallsAnswered}  elapsed {(int)elapsed.TotalMinutes}:{elapsed.Seconds:D2}\u001b[K"));
        output.Flush();
    }

    /// <summary>The published thing model, or the draft while nothing is published (which is also what the platform checks against).</summary>
    static async Task<ThingModel> ThingModelAsync(ThingyardRpcClient rpc, string productKey, CancellationToken ct)
    {
        JsonElement body;
        try
        {
            body = await rpc.CallAsync("GetThingModelTslPublished", new RpcParams { { "ProductKey", productKey } }, ct);
        }
        catch (RpcCallException)
        {
            body = await rpc.CallAsync("GetThingModelTsl", new RpcParams { { "ProductKey", productKey } }, ct);
        }
        var text = body.GetProperty("Data").GetProperty("TslStr").GetString();
        try
        {
            return TslParser.Parse(string.IsNullOrWhiteSpace(text) ? "{}" : text);
        }
        catch (TslValidationException e)
        {
            throw new CliException($"the thing model of {productKey} is not valid TSL: {e.Message}");
        }
    }

    /// <summary>{prefix}-0001..: existing devices keep their secret (QueryDeviceDetail), missing ones are registered.</summary>
    static async Task<(List<DeviceTriplet> Devices, int Registered)> EnsureDevicesAsync(ThingyardRpcClient rpc, Settings s, CancellationToken ct)
    {
        var triplets = new DeviceTriplet[s.Count];
        var registered = 0;
        await Parallel.ForEachAsync(Enumerable.Range(1, s.Count), new ParallelOptions { MaxDegreeOfParallelism = RegistryCallsAtOnce, CancellationToken = ct },
            async (n, token) =>
            {
                var name = DeviceName(s.Prefix, n);
                var secret = await SecretAsync(rpc, s.ProductKey, name, token);
                if (secret is null)
                {
                    try
                    {
                        var body = await rpc.CallAsync("RegisterDevice", new RpcParams { { "ProductKey", s.ProductKey }, { "DeviceName", name } }, token);
                        secret = body.GetProperty("Data").GetProperty("DeviceSecret").GetString();
                        Interlocked.Increment(ref registered);
                    }
                    catch (RpcCallException e) when (e.Code == "iot.device.AlreadyExistedDeviceName")
                    {
                        // Registered meanwhile by someone else (another simulator): use theirs.
                        secret = await SecretAsync(rpc, s.ProductKey, name, token);
                    }
                }
                triplets[n - 1] = new DeviceTriplet(s.ProductKey, name, secret ?? throw new CliException($"the server gave no DeviceSecret for {name}"));
            });
        return ([.. triplets], registered);
    }

    static async Task<string?> SecretAsync(ThingyardRpcClient rpc, string productKey, string name, CancellationToken ct)
    {
        try
        {
            var body = await rpc.CallAsync("QueryDeviceDetail", new RpcParams { { "ProductKey", productKey }, { "DeviceName", name } }, ct);
            return body.GetProperty("Data").GetProperty("DeviceSecret").GetString();
        }
        catch (RpcCallException e) when (e.Code == "iot.device.NotExistedDevice")
        {
            return null;
        }
    }
}
