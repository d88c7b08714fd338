// The broker enforces a product's topic classes on /pk/dn/user/... topics: a device (or a gateway for a logged-in
// sub-device) publishes only where a PUB or ALL class allows and subscribes only to filters a SUB or ALL class covers;
// refusals are a failure SUBACK or a dropped, counted publish, never a disconnect; a change applies at once. Pub sends
// only on topics a class lets the device subscribe to. Checked with the test MQTT client and the official Node SDK.
using Microsoft.Extensions.DependencyInjection;
using MQTTnet;
using Thingyard.Server.Connectivity;
using Thingyard.Tests.Connectivity;
using Thingyard.Tests.Infrastructure;
using Thingyard.Tests.Messaging;
using Thingyard.Tests.Registry;
using static Thingyard.Tests.Messaging.MessagingKit;

namespace Thingyard.Tests.Topics;

public sealed class TopicClassAclTests(ThingyardServer server) : IClassFixture<ThingyardServer>
{
    ConnectivityStats Stats => server.Services.GetRequiredService<ConnectivityStats>();

    static bool Granted(MqttClientSubscribeResult r) =>
        r.Items.Single().ResultCode is MqttClientSubscribeResultCode.GrantedQoS0 or MqttClientSubscribeResultCode.GrantedQoS1;

    /// <summary>Publishes at QoS 1 (acknowledged after handling) and returns how many unclassed publishes that added.</summary>
    async Task<long> UnclassedAfterAsync(MqttDevice device, string topic)
    {
        var before = Stats.UnclassedPublishes;
        Assert.True((await device.PublishAsync(topic, "hello", qos: 1)).IsSuccess);
        return Stats.UnclassedPublishes - before;
    }

    [Fact]
    public async Task Subscriptions_need_a_sub_or_all_class_that_covers_the_filter()
    {
        var d = await server.NewTestDeviceAsync(await server.NewModelledProductAsync());
        await server.AddTopicClassAsync(d.ProductKey, "cmd/+", "SUB");
        await server.AddTopicClassAsync(d.ProductKey, "both", "ALL");
        await server.AddTopicClassAsync(d.ProductKey, "out", "PUB");
        await using var device = await server.ConnectAsync(d);
        var user = $"/{d.ProductKey}/{d.DeviceName}/user/";
        foreach (var allowed in new[] { "get", "cmd/+", "cmd/light", "both" })
            Assert.True(Granted(await device.SubscribeAsync(user + allowed)), allowed);
        var refusedBefore = Stats.RefusedSubscriptions;
        foreach (var refused in new[] { "update", "out", "cmd/#", "cmd", "cmd/a/b", "#", "+", "other", "get/deeper" })
            Assert.False(Granted(await device.SubscribeAsync(user + refused)), refused);
        Assert.Equal(refusedBefore + 9, Stats.RefusedSubscriptions);
        Assert.True(device.Client.IsConnected);
    }

    [Fact]
    public async Task Publishes_need_a_pub_or_all_class_and_refusals_are_dropped_and_counted()
    {
        var d = await server.NewTestDeviceAsync(await server.NewModelledProductAsync());
        await server.AddTopicClassAsync(d.ProductKey, "both", "ALL");
        await server.AddTopicClassAsync(d.ProductKey, "in/+", "SUB");
        await using var device = await server.ConnectAsync(d);
        var user = $"/{d.ProductKey}/{d.DeviceName}/user/";
        foreach (var allowed in new[] { "update", "update/error", "both" })
            Assert.Equal(0, await UnclassedAfterAsync(device, user + allowed));
        foreach (var refused in new[] { "get", "in/x", "unknown", "update/more" })
            Assert.Equal(1, await UnclassedAfterAsync(device, user + refused));
        Assert.True(device.Client.IsConnected);
    }

    [Fact]
    public async Task A_changed_or_deleted_class_applies_at_once_to_connected_devices()
    {
        var d = await server.NewTestDeviceAsync(await server.NewModelledProductAsync());
        await using var device = await server.ConnectAsync(d);
        var topic = $"/{d.ProductKey}/{d.DeviceName}/user/late";
        Assert.Equal(1, await UnclassedAfterAsync(device, topic));

        var id = await server.AddTopicClassAsync(d.ProductKey, "late", "PUB");
        Assert.Equal(0, await UnclassedAfterAsync(device, topic));
        Assert.False(Granted(await device.SubscribeAsync(topic)));

        await server.Call("UpdateProductTopic", ("TopicId", id.ToString()), ("TopicShortName", "late"), ("Operation", "SUB"));
        Assert.Equal(1, await UnclassedAfterAsync(device, topic));
        Assert.True(Granted(await device.SubscribeAsync(topic)));

        await server.Call("DeleteProductTopic", ("TopicId", id.ToString()));
        Assert.False(Granted(await device.SubscribeAsync($"/{d.ProductKey}/{d.DeviceName}/user/late")));
    }

    [Fact]
    public async Task A_gateway_uses_the_sub_devices_product_classes_for_its_topics()
    {
        var g = await server.NewTestDeviceAsync(await server.NewModelledProductAsync(nodeType: 1));
        var sub = await server.NewTestDeviceAsync(await server.NewModelledProductAsync());
        await server.AddTopicClassAsync(sub.ProductKey, "sub_only", "ALL");
        await server.AddTopicClassAsync(g.ProductKey, "gw_only", "ALL");
        await using var gateway = await server.ConnectOnlineAsync(g);
        await gateway.AddTopologyAsync(sub);
        var (clientId, ts, sign) = SubSign(sub);
        var login = await gateway.RequestAsync($"/ext/session/{g.ProductKey}/{g.DeviceName}/combine/login", "",
            $$"""{"productKey":"{{sub.ProductKey}}","deviceName":"{{sub.DeviceName}}","clientId":"{{clientId}}","timestamp":{{ts}},"signMethod":"hmacsha1","sign":"{{sign}}"}""");
        Assert.Equal(200, login.GetProperty("code").GetInt32());

        var subUser = $"/{sub.ProductKey}/{sub.DeviceName}/user/";
        Assert.Equal(0, await UnclassedAfterAsync(gateway, subUser + "sub_only"));
        Assert.Equal(1, await UnclassedAfterAsync(gateway, subUser + "gw_only"));
        Assert.True(Granted(await gateway.SubscribeAsync(subUser + "sub_only")));
        Assert.False(Granted(await gateway.SubscribeAsync(subUser + "gw_only")));
        Assert.Equal(0, await UnclassedAfterAsync(gateway, $"/{g.ProductKey}/{g.DeviceName}/user/gw_only"));
    }

    [Fact]
    public async Task Pub_sends_only_on_topics_a_class_lets_the_device_subscribe_to()
    {
        var d = await server.NewTestDeviceAsync(await server.NewModelledProductAsync());
        await server.AddTopicClassAsync(d.ProductKey, "cmd/+", "SUB");
        await server.AddTopicClassAsync(d.ProductKey, "report", "PUB");
        var cmd = $"/{d.ProductKey}/{d.DeviceName}/user/cmd/light";
        await using var device = await server.ConnectOnlineAsync(d, $"/{d.ProductKey}/{d.DeviceName}/user/cmd/+");

        await server.Call("Pub", d.Args(("TopicFullName", cmd), ("MessageContent", B64("on"))));
        Assert.Equal("on", (await device.NextAsync(r => r.Topic == cmd)).Payload);

        foreach (var refused in new[] { "report", "update", "nothing", "cmd/a/b" })
        {
            var e = await server.Fails("Pub", d.Args(("TopicFullName", $"/{d.ProductKey}/{d.DeviceName}/user/{refused}"), ("MessageContent", B64("x"))));
            Assert.Equal("iot.messagebroker.InvalidFormattedTopicName", e.Code);
            Assert.Contains("topic class", e.Message);
        }
    }

    [Fact]
    public async Task The_node_sdk_subscribes_publishes_and_receives_as_the_classes_allow()
    {
        var d = await server.NewTestDeviceAsync(await server.NewModelledProductAsync());
        await server.AddTopicClassAsync(d.ProductKey, "down/#", "SUB");
        await server.AddTopicClassAsync(d.ProductKey, "up", "PUB");
        var user = $"/{d.ProductKey}/{d.DeviceName}/user/";
        var before = Stats.UnclassedPublishes;
        await using var script = NodeSdk.StartScript("device.js", "custom-topics", new
        {
            brokerUrl = $"mqtt://127.0.0.1:{server.MqttPort}", d.ProductKey, d.DeviceName, d.DeviceSecret,
            subscribe = new[] { user + "down/#", user + "up" },
            publish = new[] { user + "up", user + "down/x" },
            expectMessages = 1,
        });
        await script.NextAsync("ready");
        Assert.Contains($"\"topic\":\"{user}down/#\",\"qos\":1", script.Transcript);
        Assert.Contains($"\"topic\":\"{user}up\",\"qos\":128", script.Transcript);
        Assert.Equal(before + 1, Stats.UnclassedPublishes); // up accepted, down/x refused

        await server.Call("Pub", d.Args(("TopicFullName", user + "down/a/b"), ("MessageContent", B64("to the sdk"))));
        var message = await script.NextAsync("message");
        Assert.Equal(user + "down/a/b", message.Str("topic"));
        Assert.Equal("to the sdk", message.Str("payload"));
    }
}
