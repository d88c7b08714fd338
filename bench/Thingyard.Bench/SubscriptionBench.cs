// The server-side subscription bench (--subscription): one Thingyard instance; after a warm-up, scenario 3's upstream
// posts (QoS 1) run in rounds of four phases: with no subscription; with the devices' product subscribed to a consumer
// group that a .NET AMQP client (Thingyard.Protocol's AmqpSubscriber, over the plain AMQP port, in a process of its
// own: AmqpDrain) drains and accepts; with a rule running on the posts as well, its output to the same group, first
// one selecting a tenth of the devices, then one forwarding every post; and a last phase with none of it. Reports
// ingestion and the server's CPU per post in each phase, what reached the client per second, and the latency from the
// post's arrival (generateTime) to the client. Figures, not assertions: docs/performance.md.
using System.Globalization;
using Thingyard.Protocol.Subscriptions;

namespace Thingyard.Bench;

public sealed class SubscriptionBench(BenchOptions o, Results results, SourceAddresses sources, Action<string> say)
{
    const string Section = "5. Server-side subscription (AMQP)";
    const string Column = "Thingyard";

    /// <summary>Rounds of the four phases (without, subscribed, rule on a tenth, rule on every post), and a last phase
    /// without: runs on this 2-core machine drift by a fifth within minutes, so each forwarding phase is compared with
    /// the phases without forwarding just before and just after it, and the ratios are the mean over the rounds.</summary>
    const int Rounds = 2;

    sealed record Phase(double Rate, double ServerCpuUs);

    public async Task RunAsync()
    {
        var amqpPort = ChildProcess.FreePort();
        var system = await ThingyardSystem.StartAsync(o, say, "thingyard", o.DataDir ?? Path.Combine(o.WorkDir, "thingyard-data"),
            ChildProcess.FreePort(), ChildProcess.FreePort(), new Dictionary<string, string> { ["Thingyard__Amqp__Port"] = amqpPort.ToString(CultureInfo.InvariantCulture) });
        using (system)
        {
            say($"registering {o.Publishers} devices");
            await system.SetUpDevicesAsync(o.Publishers, say);
            system.BuildConnectPackets();

            // A first run only warms the server up (JIT tiers, pools, caches): measured cold, the first phase came out
            // a third slower than the same phase at the end of the run.
            say($"warm-up: {(await UpstreamAsync(system, seconds: 8)).Rate:N0} msg/s (not counted)");

            // A rule on a tenth of the devices (rules pick what matters) and one forwarding every post a second time,
            // both to the same consumer group; created stopped.
            var tenth = string.Join(", ", system.Devices.Take(Math.Max(1, system.Devices.Count / 10)).Select(d => $"'{d.DeviceName}'"));
            var someId = await CreateRuleAsync(system, "bench_rule_tenth", $"deviceName() IN ({tenth})");
            var allId = await CreateRuleAsync(system, "bench_rule", "deviceName() IS NOT NULL");

            AmqpDrain? drain = null;
            var plain = new List<Phase>();
            var (subscribed, some, all) = (new List<Phase>(), new List<Phase>(), new List<Phase>());
            var spans = new List<(long From, long Count, TimeSpan Span)>();
            for (var round = 1; round <= Rounds; round++)
            {
                plain.Add(await PhaseAsync(system, $"round {round}: without a subscription"));
                await Subscribe(system, true);
                if (drain is null)
                {
                    drain = await AmqpDrain.StartAsync(o.WorkDir, amqpPort, ThingyardSystem.AccessKeyId, ThingyardSystem.AccessKeySecret, "DEFAULT_GROUP");
                    // The client is a fresh process: it compiles its code during its first seconds of traffic, on the
                    // same two cores. A subscribed warm-up lets that happen before anything is measured.
                    say($"warm-up with the subscription: {(await UpstreamAsync(system, seconds: 8)).Rate:N0} msg/s (not counted)");
                    await CatchUpAsync(drain);
                    // The rules' code too (the engine, the SQL, the AMQP action) runs before a rule phase is measured: cold,
                    // the first round's rule phases once took 96 and 107 µs of server CPU per post against 63 and 67 in the
                    // second round. A rule of its own, so the measured rules' counters hold their phases only.
                    var warmId = await CreateRuleAsync(system, "bench_rule_warmup", "deviceName() IS NOT NULL");
                    await system.Rpc.CallAsync("StartRule", [KeyValuePair.Create("RuleId", warmId)]);
                    await Task.Delay(1_000); // the engine loads started rules in the background
                    say($"warm-up with a rule: {(await UpstreamAsync(system, seconds: 8)).Rate:N0} msg/s (not counted)");
                    await system.Rpc.CallAsync("StopRule", [KeyValuePair.Create("RuleId", warmId)]);
                    await CatchUpAsync(drain);
                }
                var before = drain.Current.Count;
                subscribed.Add(await PhaseAsync(system, $"round {round}: with a subscription and a client draining it"));
                await CatchUpAsync(drain);
                var delivered = drain.Current;
                spans.Add((before, delivered.Count - before, delivered.Span));
                some.Add(await RulePhaseAsync(system, drain, someId, $"round {round}: with the subscription and a rule forwarding a tenth of the posts"));
                all.Add(await RulePhaseAsync(system, drain, allId, $"round {round}: with the subscription and a rule forwarding every post"));
                await Subscribe(system, false);
                await Task.Delay(1_000);
            }
            plain.Add(await PhaseAsync(system, "without a subscription, last"));
            var someInfo = await RuleInfoAsync(system, someId);
            var ruleInfo = await RuleInfoAsync(system, allId);
            var arrivals = drain!.Stop();
            var latencies = spans.SelectMany(s => arrivals.Skip((int)s.From).Take((int)s.Count)).OrderBy(x => x).ToArray();

            // Each forwarding phase of round r against the mean of the phases without forwarding before (round r) and
            // after it (round r + 1, or the last).
            double Ratio(List<Phase> phases) => phases.Select((p, r) => p.Rate / ((plain[r].Rate + plain[r + 1].Rate) / 2)).Average() * 100;
            double Mean(IEnumerable<Phase> phases, Func<Phase, double> f) => phases.Select(f).Average();
            double At(double q) => latencies.Length == 0 ? double.NaN : latencies[(int)Math.Min(latencies.Length - 1, Math.Round(q * (latencies.Length - 1)))];
            var deliveredRate = spans.Sum(s => s.Count) / Math.Max(0.001, spans.Sum(s => s.Span.TotalSeconds));
            var what = $"QoS 1 posts/s ({o.Publishers} devices), mean of {Rounds} rounds";
            results.Add(Section, $"Ingestion, {what}: no subscription", "/s", true, Column, Mean(plain, p => p.Rate));
            results.Add(Section, $"Ingestion, {what}: subscribed and consumed", "/s", true, Column, Mean(subscribed, p => p.Rate));
            results.Add(Section, "Ingestion with forwarding, of without (each against the phases before and after it)", "%", true, Column, Ratio(subscribed));
            results.Add(Section, $"Ingestion, {what}: subscribed and a rule forwarding a tenth of the posts", "/s", true, Column, Mean(some, p => p.Rate));
            results.Add(Section, "Ingestion with forwarding and the rule on a tenth, of without", "%", true, Column, Ratio(some));
            results.Add(Section, $"Ingestion, {what}: subscribed and a rule forwarding every post again", "/s", true, Column, Mean(all, p => p.Rate));
            results.Add(Section, "Ingestion with forwarding and the rule on every post, of without", "%", true, Column, Ratio(all));
            results.Add(Section, "Server CPU per post: no subscription", "µs", false, Column, Mean(plain, p => p.ServerCpuUs));
            results.Add(Section, "Server CPU per post: subscribed and consumed", "µs", false, Column, Mean(subscribed, p => p.ServerCpuUs));
            results.Add(Section, "Server CPU per post: and the rule on a tenth", "µs", false, Column, Mean(some, p => p.ServerCpuUs));
            results.Add(Section, "Server CPU per post: and the rule on every post", "µs", false, Column, Mean(all, p => p.ServerCpuUs));
            results.Add(Section, "Delivered to the AMQP client, msg/s (first to last message)", "/s", true, Column, deliveredRate);
            results.Add(Section, "Post arrival to client, p50", "ms", false, Column, At(0.5));
            results.Add(Section, "Post arrival to client, p99", "ms", false, Column, At(0.99));
            static string Rates(List<Phase> phases) => string.Join(" / ", phases.Select(p => p.Rate.ToString("N0", CultureInfo.InvariantCulture)));
            results.Note($"Subscription bench, phase by phase (msg/s, in round order): without {Rates(plain)}; subscribed {Rates(subscribed)}; " +
                $"rule on a tenth {Rates(some)}; rule on every post {Rates(all)}.");
            results.Note($"Rule bench: the rule on a tenth of the devices forwarded {someInfo.GetProperty("ForwardedCount").GetInt64():N0} posts " +
                $"(failed {someInfo.GetProperty("FailedCount").GetInt64():N0}); the rule on every post matched {ruleInfo.GetProperty("MatchedCount").GetInt64():N0}, forwarded " +
                $"{ruleInfo.GetProperty("ForwardedCount").GetInt64():N0}, failed {ruleInfo.GetProperty("FailedCount").GetInt64():N0}.");
            results.Note($"Subscription bench: {spans.Sum(s => s.Count):N0} messages of the subscribed phases delivered and accepted over {spans.Sum(s => s.Span.TotalSeconds):F1} s; " +
                $"latency p50 {At(0.5):F1} ms, p99 {At(0.99):F1} ms, max {(latencies.Length > 0 ? latencies[^1] : double.NaN):F1} ms. " +
                "Ingestion is scenario 3's end-to-end rate (replied and stored), every phase on the same server process; " +
                "the AMQP client is a process of its own, counted in \"others\".");
            if (system.Process.HasExited) results.Note($"Thingyard EXITED during the run; see {system.Process.LogPath}");
        }
    }

    static Task Subscribe(ThingyardSystem system, bool on) => on
        ? system.Rpc.CallAsync("CreateSubscribeRelation", [KeyValuePair.Create("ProductKey", system.ProductKey), KeyValuePair.Create("Type", "AMQP"),
            KeyValuePair.Create("DeviceDataFlag", "true"), KeyValuePair.Create("ConsumerGroupIds.1", "DEFAULT_GROUP")])
        : system.Rpc.CallAsync("DeleteSubscribeRelation", [KeyValuePair.Create("ProductKey", system.ProductKey), KeyValuePair.Create("Type", "AMQP")]);

    async Task<Phase> PhaseAsync(ThingyardSystem system, string what)
    {
        var phase = await UpstreamAsync(system);
        say($"{what}: {phase.Rate:N0} msg/s, server CPU {phase.ServerCpuUs:F0} µs per post");
        return phase;
    }

    /// <summary>The client catches up with what was posted: until nothing more arrives for 3 s (at most 120 s).</summary>
    static async Task CatchUpAsync(AmqpDrain drain)
    {
        var until = DateTime.UtcNow.AddSeconds(120);
        for (var last = -1L; DateTime.UtcNow < until && drain.Current.Count != last;)
        {
            last = drain.Current.Count;
            await Task.Delay(3_000);
        }
    }

    /// <summary>A rule on the product's property posts (its SELECT copies the items), to DEFAULT_GROUP; not started.</summary>
    static async Task<string> CreateRuleAsync(ThingyardSystem system, string name, string where)
    {
        var rule = await system.Rpc.CallAsync("CreateRule", [KeyValuePair.Create("Name", name), KeyValuePair.Create("ProductKey", system.ProductKey),
            KeyValuePair.Create("TopicType", "0"), KeyValuePair.Create("ShortTopic", "+/thing/event/property/post"),
            KeyValuePair.Create("Select", "deviceName() as device, items, timestamp() as t"), KeyValuePair.Create("Where", where)]);
        var ruleId = rule.GetProperty("RuleId").GetInt64().ToString(CultureInfo.InvariantCulture);
        await system.Rpc.CallAsync("CreateRuleAction", [KeyValuePair.Create("RuleId", ruleId), KeyValuePair.Create("Type", "AMQP"),
            KeyValuePair.Create("Configuration", "{\"groupId\":\"DEFAULT_GROUP\"}")]);
        return ruleId;
    }

    /// <summary>Starts the rule, measures ingestion, stops it, and lets the client catch up.</summary>
    async Task<Phase> RulePhaseAsync(ThingyardSystem system, AmqpDrain drain, string ruleId, string what)
    {
        await system.Rpc.CallAsync("StartRule", [KeyValuePair.Create("RuleId", ruleId)]);
        await Task.Delay(1_000); // the engine loads started rules in the background
        var phase = await PhaseAsync(system, what);
        await system.Rpc.CallAsync("StopRule", [KeyValuePair.Create("RuleId", ruleId)]);
        await CatchUpAsync(drain);
        return phase;
    }

    static async Task<System.Text.Json.JsonElement> RuleInfoAsync(ThingyardSystem system, string ruleId) =>
        (await system.Rpc.CallAsync("GetRule", [KeyValuePair.Create("RuleId", ruleId)])).GetProperty("RuleInfo");

    /// <summary>Scenario 3 at QoS 1 on the system: its end-to-end rate and the server's CPU time per post.</summary>
    async Task<Phase> UpstreamAsync(ThingyardSystem system, int? seconds = null)
    {
        var phase = new Results();
        var scenarios = new Scenarios(o, phase, sources, say) { OurPids = () => [system.Process.Pid, Proc.Self] };
        await scenarios.UpstreamAsync(system, 1, durationSeconds: seconds);
        return new Phase(phase.Get(Scenarios.S3, $"QoS 1 end-to-end msg/s ({o.Publishers} devices, window {o.Window})", "Thingyard") ?? double.NaN,
            phase.Get(Scenarios.S3, "QoS 1 server CPU per message", "Thingyard") ?? double.NaN);
    }
}
