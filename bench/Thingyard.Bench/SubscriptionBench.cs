// The server-side subscription bench (--subscription): one Thingyard instance; after a warm-up, scenario 3's upstream
// posts (QoS 1) run five times in the same run: with no subscription; with the devices' product subscribed to a
// consumer group that a .NET AMQP client (Thingyard.Protocol's AmqpSubscriber, over the plain AMQP port, in a process
// of its own: AmqpDrain) drains and accepts; with a rule running on the posts as well, its output to the same group,
// first one selecting a tenth of the devices, then one forwarding every post; and with none of it again. Reports
// ingestion in each phase, what reached the client per second, and the latency from the post's arrival (generateTime)
// to the client. Figures, not assertions: docs/performance.md.
using System.Globalization;
using Thingyard.Protocol.Subscriptions;

namespace Thingyard.Bench;

public sealed class SubscriptionBench(BenchOptions o, Results results, SourceAddresses sources, Action<string> say)
{
    const string Section = "5. Server-side subscription (AMQP)";
    const string Column = "Thingyard";

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
            var warm = await UpstreamRateAsync(system, seconds: 8);
            say($"warm-up: {warm:N0} msg/s (not counted)");
            var plain = await UpstreamRateAsync(system);
            say($"without a subscription: {plain:N0} msg/s");

            await system.Rpc.CallAsync("CreateSubscribeRelation", [KeyValuePair.Create("ProductKey", system.ProductKey), KeyValuePair.Create("Type", "AMQP"),
                KeyValuePair.Create("DeviceDataFlag", "true"), KeyValuePair.Create("ConsumerGroupIds.1", "DEFAULT_GROUP")]);
            var drain = await AmqpDrain.StartAsync(o.WorkDir, amqpPort, ThingyardSystem.AccessKeyId, ThingyardSystem.AccessKeySecret, "DEFAULT_GROUP");
            // The client is a fresh process: it compiles its code during its first seconds of traffic, on the same two
            // cores. A subscribed warm-up lets that happen before anything is measured.
            say($"warm-up with the subscription: {await UpstreamRateAsync(system, seconds: 8):N0} msg/s (not counted)");
            await CatchUpAsync(drain);
            var before = drain.Current.Count;

            var forwarded = await UpstreamRateAsync(system);
            say($"with a subscription and a client draining it: {forwarded:N0} msg/s");
            await CatchUpAsync(drain);
            var delivered = drain.Current;
            var (deliveredCount, deliveredSpan) = (delivered.Count - before, delivered.Span);

            // A running rule on the same posts, its output to the same consumer group: first one whose WHERE selects a
            // tenth of the devices (rules pick what matters), then one that forwards every post a second time.
            var tenth = string.Join(", ", system.Devices.Take(Math.Max(1, system.Devices.Count / 10)).Select(d => $"'{d.DeviceName}'"));
            var someId = await CreateRuleAsync(system, "bench_rule_tenth", $"deviceName() IN ({tenth})");
            var someRuled = await RuleRateAsync(system, drain, someId, "a rule forwarding a tenth of the posts");
            var someInfo = await RuleInfoAsync(system, someId);
            await system.Rpc.CallAsync("StopRule", [KeyValuePair.Create("RuleId", someId)]);
            var ruleId = await CreateRuleAsync(system, "bench_rule", "deviceName() IS NOT NULL");
            var ruled = await RuleRateAsync(system, drain, ruleId, "a rule forwarding every post");
            var ruleInfo = await RuleInfoAsync(system, ruleId);
            var received = drain.Current.Count;
            var arrivals = drain.Stop();
            var latencies = arrivals.Skip((int)before).Take((int)deliveredCount).OrderBy(x => x).ToArray();

            // The first phase again, with nothing forwarded: each phase adds some 300,000 rows, and a larger database
            // is slower on its own, so the rate without forwarding is the mean of the phases before and after.
            await system.Rpc.CallAsync("StopRule", [KeyValuePair.Create("RuleId", ruleId)]);
            await system.Rpc.CallAsync("DeleteSubscribeRelation", [KeyValuePair.Create("ProductKey", system.ProductKey), KeyValuePair.Create("Type", "AMQP")]);
            await Task.Delay(1_000);
            var plainAfter = await UpstreamRateAsync(system);
            say($"without a subscription, again: {plainAfter:N0} msg/s");
            var plainFirst = plain;
            plain = (plainFirst + plainAfter) / 2;

            double At(double q) => latencies.Length == 0 ? double.NaN : latencies[(int)Math.Min(latencies.Length - 1, Math.Round(q * (latencies.Length - 1)))];
            var deliveredRate = deliveredCount / Math.Max(0.001, deliveredSpan.TotalSeconds);
            results.Add(Section, $"Ingestion, QoS 1 posts/s ({o.Publishers} devices), no subscription (first and last phase, mean)", "/s", true, Column, plain);
            results.Add(Section, $"Ingestion, QoS 1 posts/s ({o.Publishers} devices), subscribed and consumed", "/s", true, Column, forwarded);
            results.Add(Section, "Ingestion with forwarding, of without", "%", true, Column, plain > 0 ? forwarded / plain * 100 : double.NaN);
            results.Add(Section, $"Ingestion, QoS 1 posts/s ({o.Publishers} devices), subscribed and a rule forwarding a tenth of the posts", "/s", true, Column, someRuled);
            results.Add(Section, "Ingestion with forwarding and the rule on a tenth, of without", "%", true, Column, plain > 0 ? someRuled / plain * 100 : double.NaN);
            results.Add(Section, $"Ingestion, QoS 1 posts/s ({o.Publishers} devices), subscribed and a rule forwarding every post again", "/s", true, Column, ruled);
            results.Add(Section, "Ingestion with forwarding and the rule on every post, of without", "%", true, Column, plain > 0 ? ruled / plain * 100 : double.NaN);
            results.Add(Section, "Delivered to the AMQP client, msg/s (first to last message)", "/s", true, Column, deliveredRate);
            results.Add(Section, "Post arrival to client, p50", "ms", false, Column, At(0.5));
            results.Add(Section, "Post arrival to client, p99", "ms", false, Column, At(0.99));
            results.Note($"Rule bench: the rule on a tenth of the devices forwarded {someInfo.GetProperty("ForwardedCount").GetInt64():N0} posts " +
                $"(failed {someInfo.GetProperty("FailedCount").GetInt64():N0}); the rule on every post matched {ruleInfo.GetProperty("MatchedCount").GetInt64():N0}, forwarded " +
                $"{ruleInfo.GetProperty("ForwardedCount").GetInt64():N0}, failed {ruleInfo.GetProperty("FailedCount").GetInt64():N0}; the client received {received - before - deliveredCount:N0} messages in the two rule phases.");
            results.Note($"Without forwarding: {plainFirst:N0} msg/s in the first phase, {plainAfter:N0} msg/s in the last; the ratios are of their mean.");
            results.Note($"Subscription bench: {deliveredCount:N0} messages delivered and accepted over {deliveredSpan.TotalSeconds:F1} s; " +
                $"latency p50 {At(0.5):F1} ms, p99 {At(0.99):F1} ms, max {(latencies.Length > 0 ? latencies[^1] : double.NaN):F1} ms. " +
                "Ingestion is scenario 3's end-to-end rate (replied and stored), every phase on the same server process; " +
                "the AMQP client is a process of its own, counted in \"others\".");
            if (system.Process.HasExited) results.Note($"Thingyard EXITED during the run; see {system.Process.LogPath}");
        }
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

    /// <summary>Starts the rule, measures ingestion, and lets the client catch up.</summary>
    async Task<double> RuleRateAsync(ThingyardSystem system, AmqpDrain drain, string ruleId, string what)
    {
        await system.Rpc.CallAsync("StartRule", [KeyValuePair.Create("RuleId", ruleId)]);
        await Task.Delay(1_000); // the engine loads started rules in the background
        var rate = await UpstreamRateAsync(system);
        say($"with the subscription and {what}: {rate:N0} msg/s");
        await CatchUpAsync(drain);
        return rate;
    }

    static async Task<System.Text.Json.JsonElement> RuleInfoAsync(ThingyardSystem system, string ruleId) =>
        (await system.Rpc.CallAsync("GetRule", [KeyValuePair.Create("RuleId", ruleId)])).GetProperty("RuleInfo");

    /// <summary>Scenario 3 at QoS 1 on the system; its end-to-end rate.</summary>
    async Task<double> UpstreamRateAsync(ThingyardSystem system, int? seconds = null)
    {
        var phase = new Results();
        var scenarios = new Scenarios(o, phase, sources, say) { OurPids = () => [system.Process.Pid, Proc.Self] };
        await scenarios.UpstreamAsync(system, 1, durationSeconds: seconds);
        return phase.Get(Scenarios.S3, $"QoS 1 end-to-end msg/s ({o.Publishers} devices, window {o.Window})", "Thingyard") ?? double.NaN;
    }
}
