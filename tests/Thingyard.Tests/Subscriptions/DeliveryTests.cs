// How a consumer group delivers, on a server whose clients have 2 s to settle: an unsettled delivery is sent again, a
// client that settles on send gets a backlog in one run,
// transfers are marked batchable so a client's accepts go out together,
// QueryConsumerGroupStatus shows clients, backlog and consumption, a reset empties the backlog, and deleting a group
// drops its clients.
using System.Text.Json;
using Thingyard.Tests.Connectivity;
using Thingyard.Tests.Infrastructure;
using Thingyard.Tests.Registry;

namespace Thingyard.Tests.Subscriptions;

public sealed class ShortAckTimeoutServer : ThingyardServer
{
    public ShortAckTimeoutServer() => Settings["Thingyard:Amqp:AckTimeoutSeconds"] = "2";
}

public sealed class DeliveryTests(ShortAckTimeoutServer server) : IClassFixture<ShortAckTimeoutServer>
{
    async Task<(string Pk, TestDevice Device, string Group)> SubscribedAsync()
    {
        var pk = await server.NewModelledProductAsync();
        var d = await server.NewTestDeviceAsync(pk);
        var group = (await server.Call("CreateConsumerGroup", ("GroupName", RegistryCalls.Unique("dlv")))).Str("GroupId");
        await server.SubscribeAsync(pk, false, group);
        return (pk, d, group);
    }

    async Task PostAsync(TestDevice d, int n)
    {
        await using var device = await MqttDevice.ConnectAsync(server, d.ProductKey, d.DeviceName, d.DeviceSecret);
        for (var i = 0; i < n; i++)
            await device.RequestAsync(device.Sys("thing/event/property/post"), "thing.event.property.post", $$"""{"serial":"s{{i}}"}""", qos: 1);
    }

    static string Serial(JsonElement message) =>
        JsonDocument.Parse(message.GetProperty("body").GetString()!).RootElement.GetProperty("items").GetProperty("serial").GetProperty("value").GetString()!;

    [Fact]
    public async Task A_delivery_left_unsettled_is_sent_again_and_a_client_that_leaves_hands_its_messages_to_the_next()
    {
        var (_, d, group) = await SubscribedAsync();
        var holder = AmqpConsumers.Start(server, group, clientId: "holder", accept: false);
        await holder.NextAsync("ready");
        await PostAsync(d, 1);
        var first = await holder.NextAsync("message");
        // Not settled: after the 2 s timeout the same message comes again.
        var again = await holder.NextAsync("message", 15_000);
        Assert.Equal(first.GetProperty("messageId").GetString(), again.GetProperty("messageId").GetString());
        await holder.DisposeAsync();

        // The next client gets it and accepts it; then nothing remains.
        await using var taker = AmqpConsumers.Start(server, group, clientId: "taker", count: 1);
        Assert.Equal(first.GetProperty("messageId").GetString(), (await taker.NextAsync("message")).GetProperty("messageId").GetString());
        await taker.NextAsync("done");
        var status = await ConnectivityCalls.EventuallyAsync(() => server.Call("QueryConsumerGroupStatus", ("GroupId", group)),
            s => s.GetProperty("AccumulationCount").GetInt64() == 0);
        Assert.Equal(0, status.GetProperty("AccumulationCount").GetInt64());
    }

    [Fact]
    public async Task A_client_that_settles_on_send_takes_a_whole_backlog_at_once_and_leaves_nothing_behind()
    {
        var (_, d, group) = await SubscribedAsync();
        // Queued before any client connects: the group reads them as one page and sends them in one run, each settled
        // as it goes (this once broke the queue's walk over its ready messages and took the server down).
        await PostAsync(d, 30);
        await using var client = AmqpConsumers.Start(server, group, clientId: "presettled", count: 30, presettled: true);
        var serials = new HashSet<string>();
        for (var i = 0; i < 30; i++) serials.Add(Serial(await client.NextAsync("message")));
        Assert.Equal(30, serials.Count);
        await client.NextAsync("done");
        var status = await ConnectivityCalls.EventuallyAsync(() => server.Call("QueryConsumerGroupStatus", ("GroupId", group)),
            s => s.GetProperty("AccumulationCount").GetInt64() == 0);
        Assert.Equal(0, status.GetProperty("AccumulationCount").GetInt64());
    }

    [Fact]
    public async Task Transfers_are_batchable_and_a_run_of_accepts_sent_together_empties_the_backlog()
    {
        var (_, d, group) = await SubscribedAsync();
        await PostAsync(d, 30);
        var options = new Thingyard.Protocol.Subscriptions.AmqpSubscriber.Options("127.0.0.1", server.AmqpPort, ThingyardServer.AdminKeyId, ThingyardServer.AdminSecret, group)
        {
            Tls = false, ClientId = "batcher",
        };
        await using (var client = await Thingyard.Protocol.Subscriptions.AmqpSubscriber.ConnectAsync(options))
        {
            var serials = new List<string>();
            for (var i = 0; i < 30; i++)
            {
                var got = await client.ReceiveAsync(TimeSpan.FromSeconds(15)) ?? throw new TimeoutException($"message {i + 1} of 30 did not come");
                // The hint that lets Microsoft.Azure.Amqp gather the accepts into one disposition frame (without it, a
                // frame per message went out at once, whatever noFlush asked).
                Assert.True(got.Tag.Delivery.Batchable);
                serials.Add(JsonDocument.Parse(got.Message.Payload).RootElement.GetProperty("items").GetProperty("serial").GetProperty("value").GetString()!);
                client.Accept(got.Tag);
            }
            Assert.Equal(Enumerable.Range(0, 30).Select(i => $"s{i}"), serials);
            // The accepts went out together within the subscriber's 20 ms: the server hears of every one.
            var status = await ConnectivityCalls.EventuallyAsync(() => server.Call("QueryConsumerGroupStatus", ("GroupId", group)),
                s => s.GetProperty("AccumulationCount").GetInt64() == 0);
            Assert.Equal(0, status.GetProperty("AccumulationCount").GetInt64());
        }
    }

    [Fact]
    public async Task A_subscriber_with_a_listener_gets_each_message_in_order_and_its_accepts_empty_the_backlog()
    {
        var (_, d, group) = await SubscribedAsync();
        await PostAsync(d, 30);
        var serials = new List<string>();
        var all = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var options = new Thingyard.Protocol.Subscriptions.AmqpSubscriber.Options("127.0.0.1", server.AmqpPort, ThingyardServer.AdminKeyId, ThingyardServer.AdminSecret, group)
        {
            Tls = false, ClientId = "listener",
            OnMessage = (client, message, tag) =>
            {
                lock (serials)
                {
                    serials.Add(JsonDocument.Parse(message.Payload).RootElement.GetProperty("items").GetProperty("serial").GetProperty("value").GetString()!);
                    if (serials.Count == 30) all.TrySetResult();
                }
                client.Accept(tag);
            },
        };
        await using (var client = await Thingyard.Protocol.Subscriptions.AmqpSubscriber.ConnectAsync(options))
        {
            await all.Task.WaitAsync(TimeSpan.FromSeconds(15));
            Assert.Equal(Enumerable.Range(0, 30).Select(i => $"s{i}"), serials);
            // With a listener nothing is left for ReceiveAsync.
            Assert.Null(await client.ReceiveAsync(TimeSpan.FromMilliseconds(200)));
            var status = await ConnectivityCalls.EventuallyAsync(() => server.Call("QueryConsumerGroupStatus", ("GroupId", group)),
                s => s.GetProperty("AccumulationCount").GetInt64() == 0);
            Assert.Equal(0, status.GetProperty("AccumulationCount").GetInt64());
        }
        // Every accept was heard: a client connecting afterwards receives nothing again.
        await using var later = await Thingyard.Protocol.Subscriptions.AmqpSubscriber.ConnectAsync(options with { ClientId = "later", OnMessage = null });
        Assert.Null(await later.ReceiveAsync(TimeSpan.FromSeconds(2)));
    }

    [Fact]
    public async Task Status_shows_the_clients_the_backlog_and_what_was_consumed_and_a_reset_empties_the_backlog()
    {
        var (_, d, group) = await SubscribedAsync();
        await PostAsync(d, 3);
        var waiting = await server.Call("QueryConsumerGroupStatus", ("GroupId", group));
        Assert.Equal(3, waiting.GetProperty("AccumulationCount").GetInt64());
        Assert.Empty(waiting.GetProperty("ClientConnectionStatusList").GetProperty("ConsumerGroupClientConnectionInfo").EnumerateArray());
        Assert.Equal("", waiting.GetProperty("LastConsumerTime").GetString());

        await using (var app = AmqpConsumers.Start(server, group, clientId: "status-app"))
        {
            for (var i = 0; i < 3; i++) await app.NextAsync("message");
            var consumed = await ConnectivityCalls.EventuallyAsync(() => server.Call("QueryConsumerGroupStatus", ("GroupId", group)),
                s => s.GetProperty("AccumulationCount").GetInt64() == 0);
            var client = Assert.Single(consumed.GetProperty("ClientConnectionStatusList").GetProperty("ConsumerGroupClientConnectionInfo").EnumerateArray());
            Assert.Equal("status-app", client.GetProperty("ClientId").GetString());
            Assert.StartsWith("127.0.0.1:", client.GetProperty("ClientIpPort").GetString());
            Assert.True(client.GetProperty("OnlineTime").GetInt64() > 0);
            Assert.Equal(3, consumed.GetProperty("ConsumerSpeed").GetInt32());
            Assert.NotEqual("", consumed.GetProperty("LastConsumerTime").GetString());
        }

        await PostAsync(d, 2);
        Assert.Equal(2, (await ConnectivityCalls.EventuallyAsync(() => server.Call("QueryConsumerGroupStatus", ("GroupId", group)),
            s => s.GetProperty("AccumulationCount").GetInt64() == 2)).GetProperty("AccumulationCount").GetInt64());
        await server.Call("ResetConsumerGroupPosition", ("GroupId", group));
        Assert.Equal(0, (await server.Call("QueryConsumerGroupStatus", ("GroupId", group))).GetProperty("AccumulationCount").GetInt64());
        // Nothing of what was reset reaches a client; what comes after does.
        await using var later = AmqpConsumers.Start(server, group, clientId: "after-reset", count: 1, quietMs: 1000);
        await later.NextAsync("ready");
        await PostAsync(d, 1);
        Assert.Equal("s0", Serial(await later.NextAsync("message")));
        Assert.Equal(1, (await later.NextAsync("done")).GetProperty("received").GetInt32());
    }

    [Fact]
    public async Task Deleting_a_group_closes_its_clients_and_another_accounts_status_call_finds_nothing()
    {
        var (pk, _, group) = await SubscribedAsync();
        var other = await server.NewAccountAsync(RegistryCalls.Unique("dlv"));
        Assert.Contains("NotExisted", (await server.FailsAs(other, "QueryConsumerGroupStatus", ("GroupId", group))).Code);

        await using var app = AmqpConsumers.Start(server, group, clientId: "to-be-dropped");
        await app.NextAsync("ready");
        await server.Call("DeleteSubscribeRelation", ("ProductKey", pk), ("Type", "AMQP"));
        await server.Call("DeleteConsumerGroup", ("GroupId", group));
        Assert.Contains("was deleted", (await app.NextAsync("refused")).GetProperty("error").GetString());
    }
}
