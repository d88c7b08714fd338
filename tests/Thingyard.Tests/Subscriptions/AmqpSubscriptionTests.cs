// The server-side subscription end to end: the official Node device SDK posts, a rhea client written from Alibaba's
// documentation receives and accepts over AMQP 1.0 (TLS), in the documented payload formats; refusals of bad
// credentials and of groups that are not the caller's; status messages; a group's clients sharing the devices.
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Thingyard.Tests.Connectivity;
using Thingyard.Tests.Devices;
using Thingyard.Tests.Infrastructure;
using Thingyard.Tests.Registry;

namespace Thingyard.Tests.Subscriptions;

public sealed class AmqpSubscriptionTests(ThingyardServer server) : IClassFixture<ThingyardServer>
{
    string BrokerUrl => $"mqtt://127.0.0.1:{server.MqttPort}";

    static JsonElement Body(JsonElement line) => JsonDocument.Parse(line.GetProperty("body").GetString()!).RootElement;

    async Task<long> BacklogAsync(string productKey)
    {
        await using var db = await server.DbAsync();
        var device = await db.Devices.Where(d => d.ProductKey == productKey).Select(d => d.Id).ToListAsync();
        var segments = await db.BacklogSegments.ToListAsync();
        return segments.SelectMany(s => s.Messages()).LongCount(m => device.Contains(m.DeviceId));
    }

    [Fact]
    public async Task A_rhea_client_receives_what_the_official_device_sdk_posts_accepts_it_and_gets_nothing_twice()
    {
        var pk = await server.NewModelledProductAsync();
        var d = await server.NewTestDeviceAsync(pk);
        await server.SubscribeAsync(pk);
        await using var app = AmqpConsumers.Start(server, "DEFAULT_GROUP", count: 2, quietMs: 1500);
        await app.NextAsync("ready");

        var device = await NodeSdk.RunScriptAsync("device.js", "connect-post", new
        {
            brokerUrl = BrokerUrl, d.ProductKey, d.DeviceName, d.DeviceSecret,
            props = new { temperature = 21.5 }, @event = "overheat", eventParams = new { temp = 80.5 },
        });
        Assert.Contains(device, l => l.GetProperty("type").GetString() == "done");

        var property = await app.NextAsync("message");
        Assert.Equal($"/{pk}/{d.DeviceName}/thing/event/property/post", property.GetProperty("topic").GetString());
        Assert.False(string.IsNullOrEmpty(property.GetProperty("messageId").GetString()));
        Assert.Equal(property.GetProperty("messageId").GetString(), property.GetProperty("id").GetString());
        Assert.True(property.GetProperty("generateTime").GetInt64() > 0);
        var body = Body(property);
        Assert.Equal(d.IotId, body.GetProperty("iotId").GetString());
        Assert.Equal(pk, body.GetProperty("productKey").GetString());
        Assert.Equal(d.DeviceName, body.GetProperty("deviceName").GetString());
        Assert.False(string.IsNullOrEmpty(body.GetProperty("requestId").GetString()));
        Assert.True(body.GetProperty("gmtCreate").GetInt64() > 0);
        Assert.Equal(21.5, body.GetProperty("items").GetProperty("temperature").GetProperty("value").GetDouble());
        Assert.True(body.GetProperty("items").GetProperty("temperature").GetProperty("time").GetInt64() > 0);
        Assert.Equal(JsonValueKind.Object, body.GetProperty("checkFailedData").ValueKind);

        var ev = await app.NextAsync("message");
        Assert.Equal($"/{pk}/{d.DeviceName}/thing/event/overheat/post", ev.GetProperty("topic").GetString());
        var evBody = Body(ev);
        Assert.Equal("overheat", evBody.GetProperty("identifier").GetString());
        Assert.Equal(80.5, evBody.GetProperty("value").GetProperty("temp").GetDouble());
        Assert.False(string.IsNullOrEmpty(evBody.GetProperty("type").GetString()));

        var done = await app.NextAsync("done");
        Assert.Equal(2, done.GetProperty("received").GetInt32()); // nothing more came in the quiet time
        await app.WaitForExitAsync();
        // Accepted messages leave the backlog.
        Assert.Equal(0, await ConnectivityCalls.EventuallyAsync(() => BacklogAsync(pk), n => n == 0));
    }

    [Fact]
    public async Task Messages_wait_in_the_backlog_until_a_client_comes_and_status_changes_are_delivered()
    {
        var pk = await server.NewModelledProductAsync();
        var d = await server.NewTestDeviceAsync(pk);
        await server.SubscribeAsync(pk, status: true);
        await using (var device = await MqttDevice.ConnectAsync(server, d.ProductKey, d.DeviceName, d.DeviceSecret))
            await device.RequestAsync(device.Sys("thing/event/property/post"), "thing.event.property.post", """{"temperature":30.5}""", qos: 1);
        // Online, the post, offline: all kept while nobody listens.
        Assert.Equal(3, await ConnectivityCalls.EventuallyAsync(() => BacklogAsync(pk), n => n >= 3));

        await using var app = AmqpConsumers.Start(server, "DEFAULT_GROUP", count: 3);
        var online = await app.NextAsync("message");
        var post = await app.NextAsync("message");
        var offline = await app.NextAsync("message");
        Assert.Equal($"/as/mqtt/status/{pk}/{d.DeviceName}", online.GetProperty("topic").GetString());
        Assert.Equal("online", Body(online).GetProperty("status").GetString());
        Assert.EndsWith("Z", Body(online).GetProperty("utcTime").GetString());
        Assert.Equal("127.0.0.1", Body(online).GetProperty("clientIp").GetString());
        Assert.Equal(30.5, Body(post).GetProperty("items").GetProperty("temperature").GetProperty("value").GetDouble());
        Assert.Equal("offline", Body(offline).GetProperty("status").GetString());
        await app.NextAsync("done");
        Assert.Equal(0, await ConnectivityCalls.EventuallyAsync(() => BacklogAsync(pk), n => n == 0));
    }

    [Fact]
    public async Task Devices_created_disabled_enabled_and_deleted_reach_a_lifecycle_subscription()
    {
        var pk = await server.NewModelledProductAsync();
        await server.Call("CreateSubscribeRelation", ("ProductKey", pk), ("Type", "AMQP"), ("DeviceLifeCycleFlag", "true"), ("ConsumerGroupIds.1", "DEFAULT_GROUP"));
        await using var app = AmqpConsumers.Start(server, "DEFAULT_GROUP", count: 4, clientId: "lifecycle");
        await app.NextAsync("ready");
        var d = await server.NewTestDeviceAsync(pk);
        await server.Call("DisableThing", ("ProductKey", pk), ("DeviceName", d.DeviceName));
        await server.Call("EnableThing", ("ProductKey", pk), ("DeviceName", d.DeviceName));
        await server.Call("DeleteDevice", ("ProductKey", pk), ("DeviceName", d.DeviceName));

        var actions = new List<string>();
        for (var i = 0; i < 4; i++)
        {
            var m = await app.NextAsync("message");
            Assert.Equal($"/{pk}/{d.DeviceName}/thing/lifecycle", m.GetProperty("topic").GetString());
            var body = Body(m);
            Assert.Equal(d.IotId, body.GetProperty("iotId").GetString());
            Assert.True(body.GetProperty("messageCreateTime").GetInt64() > 0);
            var action = body.GetProperty("action").GetString()!;
            // The secret travels only with "create".
            Assert.Equal(action == "create" ? d.DeviceSecret : "", body.GetProperty("deviceSecret").GetString());
            actions.Add(action);
        }
        Assert.Equal(["create", "disable", "enable", "delete"], actions);
    }

    [Fact]
    public async Task A_gateways_topology_changes_reach_a_topology_subscription()
    {
        var gwPk = await server.NewModelledProductAsync(nodeType: 1);
        var g = await server.NewTestDeviceAsync(gwPk);
        var subPk = await server.NewModelledProductAsync();
        var subs = new[] { await server.NewTestDeviceAsync(subPk), await server.NewTestDeviceAsync(subPk) };
        await server.Call("CreateSubscribeRelation", ("ProductKey", gwPk), ("Type", "AMQP"), ("DeviceTopoLifeCycleFlag", "true"), ("ConsumerGroupIds.1", "DEFAULT_GROUP"));
        await using var app = AmqpConsumers.Start(server, "DEFAULT_GROUP", count: 2, clientId: "topology");
        await app.NextAsync("ready");

        await using (var gateway = await MqttDevice.ConnectAsync(server, g.ProductKey, g.DeviceName, g.DeviceSecret))
            await Thingyard.Tests.Messaging.MessagingKit.AddTopologyAsync(gateway, subs);
        await server.Call("RemoveThingTopo", ("ProductKey", subs[1].ProductKey), ("DeviceName", subs[1].DeviceName));

        var added = await app.NextAsync("message");
        var removed = await app.NextAsync("message");
        Assert.Equal($"/{gwPk}/{g.DeviceName}/thing/topo/lifecycle", added.GetProperty("topic").GetString());
        var a = Body(added);
        Assert.Equal("create", a.GetProperty("action").GetString());
        Assert.Equal(g.IotId, a.GetProperty("gwIotId").GetString());
        Assert.Equal(g.DeviceName, a.GetProperty("gwDeviceName").GetString());
        Assert.Equal(subs.Select(x => x.DeviceName).Order(), a.GetProperty("devices").EnumerateArray().Select(d => d.GetProperty("deviceName").GetString()).Order());
        var r = Body(removed);
        Assert.Equal("delete", r.GetProperty("action").GetString());
        Assert.Equal(subs[1].IotId, Assert.Single(r.GetProperty("devices").EnumerateArray()).GetProperty("iotId").GetString());
    }

    [Fact]
    public async Task Wrong_credentials_an_unknown_group_another_accounts_group_and_bad_idle_timeouts_are_refused()
    {
        var other = await server.NewAccountAsync(RegistryCalls.Unique("amqp"));
        var otherGroup = (await server.CallAs(other, "CreateConsumerGroup", ("GroupName", "theirs"))).Str("GroupId");

        async Task<string> RefusalAsync(NodeScript client)
        {
            await using (client) return (await client.NextAsync("refused")).GetProperty("error").GetString()!;
        }
        await RefusalAsync(AmqpConsumers.Start(server, "DEFAULT_GROUP", secret: "not-the-secret"));
        await RefusalAsync(AmqpConsumers.Start(server, "no-such-group"));
        await RefusalAsync(AmqpConsumers.Start(server, otherGroup)); // admin's key, another account's group
        Assert.Contains("idle-time-out", await RefusalAsync(AmqpConsumers.Start(server, "DEFAULT_GROUP", idleTimeOut: 10_000)));
        Assert.Contains("idle-time-out", await RefusalAsync(AmqpConsumers.Start(server, "DEFAULT_GROUP", idleTimeOut: 400_000)));

        var refusals = server.Logs.Lines.Where(l => l.Message.StartsWith("AMQP client")).Select(l => l.Message).ToList();
        Assert.Contains(refusals, m => m.Contains("the password is not the signature"));
        Assert.Contains(refusals, m => m.Contains("consumer group no-such-group does not exist"));
        Assert.Contains(refusals, m => m.Contains($"consumer group {otherGroup} does not exist"));
        // The other account reads its own group with its own key.
        await using var theirs = AmqpConsumers.Start(server, otherGroup, account: other, tls: false);
        await theirs.NextAsync("ready");
    }

    [Fact]
    public async Task Two_clients_of_a_group_split_the_devices_and_one_stopping_moves_its_share_to_the_other()
    {
        var pk = await server.NewModelledProductAsync();
        var devices = new List<TestDevice>();
        for (var i = 0; i < 8; i++) devices.Add(await server.NewTestDeviceAsync(pk));
        var group = (await server.Call("CreateConsumerGroup", ("GroupName", RegistryCalls.Unique("split")))).Str("GroupId");
        await server.SubscribeAsync(pk, false, group);

        var a = AmqpConsumers.Start(server, group, clientId: "a", timeoutMs: 60_000);
        await using var b = AmqpConsumers.Start(server, group, clientId: "b", timeoutMs: 60_000);
        await a.NextAsync("ready");
        await b.NextAsync("ready");
        async Task PostAllAsync(double value)
        {
            foreach (var d in devices)
            {
                await using var device = await MqttDevice.ConnectAsync(server, d.ProductKey, d.DeviceName, d.DeviceSecret);
                await device.RequestAsync(device.Sys("thing/event/property/post"), "thing.event.property.post", $$"""{"temperature":{{value}}}""", qos: 1);
            }
        }

        await PostAllAsync(1);
        // 8 messages between them, each device's to one client, and both clients get some.
        var first = await CollectAsync([a, b], 8);
        Assert.Equal(devices.Select(d => d.DeviceName).Order(), first.Select(m => m.Device).Order());
        Assert.Equal(2, first.Select(m => m.Client).Distinct().Count());

        await a.DisposeAsync();
        await PostAllAsync(2);
        var after = await CollectAsync([b], 8);
        Assert.Equal(devices.Select(d => d.DeviceName).Order(), after.Select(m => m.Device).Order());
    }

    /// <summary>Reads messages from whichever client has one until <paramref name="count"/> arrived (at most 30 s).</summary>
    static async Task<List<(int Client, string Device)>> CollectAsync(NodeScript[] clients, int count)
    {
        var got = new List<(int, string)>();
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (got.Count < count && DateTime.UtcNow < deadline)
            for (var i = 0; i < clients.Length && got.Count < count; i++)
            {
                try { got.Add((i, Body(await clients[i].NextAsync("message", 100)).GetProperty("deviceName").GetString()!)); }
                catch (TimeoutException) { }
            }
        Assert.True(got.Count == count, $"{got.Count} of {count} messages arrived");
        return got;
    }
}
