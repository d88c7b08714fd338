// What holds for the instance rather than for one node: two AMQP clients of one consumer group connected to different
// nodes share the group's messages and never receive the same one twice, whichever node the devices post through; a
// signed call replayed to another node is refused; and `thingyard cluster status` through any node lists all three
// nodes with the devices each holds and one leader.
using System.Net;
using System.Text.Json;
using Thingyard.Tests.Cli;
using Thingyard.Tests.Infrastructure;
using Thingyard.Tests.Rpc;
using Thingyard.Tests.Subscriptions;

namespace Thingyard.Tests.Cluster;

[Collection(ClusterCollection.Name)]
public sealed class ClusterWideTests(ClusterNodes cluster)
{
    const int Devices = 6, PostsEach = 20;

    [Fact]
    public async Task Two_clients_of_a_group_on_different_nodes_never_receive_the_same_message()
    {
        if (!TestDatabase.IsPostgres) return;
        await cluster.RunningAsync();
        var pk = await cluster.A.NewProductAsync();
        var group = (await cluster.A.Call("CreateConsumerGroup", ("GroupName", "cluster" + Guid.NewGuid().ToString("N")[..8]))).Str("GroupId");
        await cluster.A.Call("CreateSubscribeRelation", ("ProductKey", pk), ("Type", "AMQP"), ("DeviceDataFlag", "true"), ("ConsumerGroupIds.1", group));
        await using var onB = AmqpConsumers.Start(cluster.B.AmqpPort, tls: false, group, clientId: "on-b", timeoutMs: 120_000);
        await using var onC = AmqpConsumers.Start(cluster.C.AmqpPort, tls: false, group, clientId: "on-c", timeoutMs: 120_000);
        await onB.NextAsync("ready");
        await onC.NextAsync("ready");

        // Devices on A and B (neither client's node holds all of them): every post acknowledged at QoS 1.
        var devices = new List<MqttDevice>();
        try
        {
            for (var i = 0; i < Devices; i++)
            {
                var login = await cluster.A.NewDeviceAsync(pk);
                devices.Add(await login.ConnectAsync(i % 2 == 0 ? cluster.A : cluster.B));
            }
            await Task.WhenAll(devices.Select(async d =>
            {
                for (var n = 0; n < PostsEach; n++)
                    await d.PublishAsync(d.Sys("thing/event/property/post"), $$"""{"id":"{{n}}","version":"1.0","params":{"temperature":{{n}}},"method":"thing.event.property.post"}""", qos: 1);
            }));
        }
        finally { foreach (var d in devices) await d.DisposeAsync(); }

        List<string> Received(NodeScript client) => [.. client.Printed.Where(l => l.Str("type") == "message" && l.Str("topic").StartsWith($"/{pk}/", StringComparison.Ordinal))
            .Select(l => l.Str("messageId"))];
        for (var i = 0; i < 300 && Received(onB).Count + Received(onC).Count < Devices * PostsEach; i++) await Task.Delay(100);
        await Task.Delay(2000); // time for a duplicate to show
        var (b, c) = (Received(onB), Received(onC));
        var all = b.Concat(c).ToList();
        Assert.True(all.Count == Devices * PostsEach, $"received {b.Count} on B and {c.Count} on C of {Devices * PostsEach}:\n{onB.Transcript}\n{onC.Transcript}");
        Assert.Equal(all.Count, all.Distinct().Count());
        Assert.NotEmpty(b); // the group's devices are shared between its clients
        Assert.NotEmpty(c);
    }

    [Fact]
    public async Task A_signed_call_replayed_to_another_node_is_refused()
    {
        if (!TestDatabase.IsPostgres) return;
        await cluster.RunningAsync();
        var query = SignatureTests.SignedQuery(new() { ["Action"] = "QueryProductList" }, DateTime.UtcNow);
        using var http = new HttpClient();
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync($"http://127.0.0.1:{cluster.A.HttpPort}/?{query}")).StatusCode);
        foreach (var node in new[] { cluster.B, cluster.C })
        {
            var replay = await http.GetAsync($"http://127.0.0.1:{node.HttpPort}/?{query}");
            Assert.Equal(HttpStatusCode.BadRequest, replay.StatusCode);
            Assert.Equal("SignatureNonceUsed", JsonDocument.Parse(await replay.Content.ReadAsStringAsync()).RootElement.Str("Code"));
        }
    }

    [Fact]
    public async Task Cluster_status_through_any_node_lists_every_node_its_devices_and_one_leader()
    {
        if (!TestDatabase.IsPostgres) return;
        await cluster.RunningAsync();
        var login = await cluster.A.NewDeviceAsync(await cluster.A.NewProductAsync());
        await using var device = await login.ConnectOnlineAsync(cluster.B, cluster.C);

        foreach (var through in cluster.Nodes)
        {
            var data = (await through.Call("QueryClusterStatus")).At("Data");
            Assert.True(data.At("Enabled").GetBoolean());
            Assert.Equal(through.Name, data.Str("Node"));
            var nodes = data.At("Nodes").EnumerateArray().ToDictionary(n => n.Str("Name"));
            Assert.Equal(["a", "b", "c"], nodes.Keys.Order());
            Assert.All(nodes.Values, n => Assert.Equal("ACTIVE", n.Str("Status")));
            Assert.Single(nodes.Values, n => n.At("Leader").GetBoolean());
            Assert.True(nodes["b"].At("Devices").GetInt32() >= 1);
        }
        var cli = await CliRun.RunAsync(new Dictionary<string, string?>
        {
            ["THINGYARD_CONFIG"] = Path.Combine(Path.GetTempPath(), "thingyard-cli-tests", Guid.NewGuid().ToString("N"), "config.json"),
            ["THINGYARD_ENDPOINT"] = $"http://127.0.0.1:{cluster.C.HttpPort}/",
            ["THINGYARD_ACCESS_KEY_ID"] = ThingyardServer.AdminKeyId,
            ["THINGYARD_ACCESS_KEY_SECRET"] = ThingyardServer.AdminSecret,
        }, "cluster", "status");
        Assert.Equal(0, cli.Code);
        Assert.Matches(@"(?m)^a\s+127\.0\.0\.1:\d+\s+ACTIVE\s+\d+", cli.Out);
        Assert.Matches(@"(?m)^c \*\s+127\.0\.0\.1:\d+\s+ACTIVE\s+\d+", cli.Out);
        Assert.Single(cli.Out.Split('\n'), l => l.TrimEnd().EndsWith("leader", StringComparison.Ordinal));
    }
}
