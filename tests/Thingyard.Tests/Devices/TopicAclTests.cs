// Topic permissions: a device subscribes and publishes only in its own namespace; refusals are a failure SUBACK or a
// silently dropped (and counted) publish, never a disconnect.
using Microsoft.Extensions.DependencyInjection;
using MQTTnet;
using MQTTnet.Formatter;
using Thingyard.Server.Connectivity;
using Thingyard.Tests.Connectivity;
using Thingyard.Tests.Infrastructure;

namespace Thingyard.Tests.Devices;

public sealed class TopicAclTests(ThingyardServer server) : IClassFixture<ThingyardServer>
{
    ConnectivityStats Stats => server.Services.GetRequiredService<ConnectivityStats>();

    static bool Granted(MqttClientSubscribeResult r) =>
        r.Items.Single().ResultCode is MqttClientSubscribeResultCode.GrantedQoS0 or MqttClientSubscribeResultCode.GrantedQoS1;

    [Fact]
    public async Task Subscribing_to_another_devices_topic_is_refused_and_the_connection_stays()
    {
        var pk = await server.NewModelledProductAsync();
        var mine = await server.NewTestDeviceAsync(pk);
        var other = await server.NewTestDeviceAsync(pk);
        await using var device = await server.ConnectAsync(mine);

        foreach (var foreign in new[]
        {
            $"/sys/{other.ProductKey}/{other.DeviceName}/thing/service/property/set",
            $"/shadow/get/{other.ProductKey}/{other.DeviceName}",
            $"/sys/{pk}/+/thing/service/property/set",
            "#",
            "/sys/#",
            "/ext/register/../../sys/#",
        })
        {
            var result = await device.SubscribeAsync(foreign);
            Assert.False(Granted(result), foreign);
            Assert.Equal(MqttClientSubscribeResultCode.UnspecifiedError, result.Items.Single().ResultCode); // 0x80 in MQTT 3.1.1
        }
        Assert.True(device.Client.IsConnected);
        var reply = await device.RequestAsync(device.Sys("thing/event/property/post"), "thing.event.property.post", """{"temperature":20.5}""");
        Assert.Equal(200, reply.GetProperty("code").GetInt32());
    }

    [Fact]
    public async Task Mqtt5_clients_see_not_authorized_in_the_suback()
    {
        var pk = await server.NewModelledProductAsync();
        var mine = await server.NewTestDeviceAsync(pk);
        var other = await server.NewTestDeviceAsync(pk);
        await using var device = await DeviceKit.ConnectAsync(server, mine, new ConnectStyle { Protocol = MqttProtocolVersion.V500 });
        var result = await device.SubscribeAsync($"/sys/{other.ProductKey}/{other.DeviceName}/thing/service/property/set");
        Assert.Equal(MqttClientSubscribeResultCode.NotAuthorized, result.Items.Single().ResultCode);
        Assert.True(device.Client.IsConnected);
    }

    [Fact]
    public async Task Wildcards_inside_the_devices_own_namespace_are_granted()
    {
        var d = await server.NewTestDeviceAsync(await server.NewModelledProductAsync());
        await using var device = await server.ConnectAsync(d);
        foreach (var filter in new[]
        {
            device.Sys("thing/event/+/post_reply"),
            device.Sys("rrpc/request/+"),
            device.Sys("thing/service/#"),
            $"/shadow/get/{d.ProductKey}/{d.DeviceName}",
            $"/ext/ntp/{d.ProductKey}/{d.DeviceName}/response",
            $"/ext/session/{d.ProductKey}/{d.DeviceName}/combine/login_reply",
            $"/ext/rrpc/+/sys/{d.ProductKey}/{d.DeviceName}/thing/service/ping",
            $"/{d.ProductKey}/{d.DeviceName}/user/get",
            $"/broadcast/{d.ProductKey}/#",
        })
            Assert.True(Granted(await device.SubscribeAsync(filter)), filter);
    }

    [Fact]
    public async Task Qos2_subscriptions_are_downgraded_to_qos1_not_refused()
    {
        var d = await server.NewTestDeviceAsync(await server.NewModelledProductAsync());
        await using var device = await server.ConnectAsync(d);
        var result = await device.SubscribeAsync(device.Sys("thing/service/property/set"), qos: 2);
        Assert.Equal(MqttClientSubscribeResultCode.GrantedQoS1, result.Items.Single().ResultCode);
    }

    [Fact]
    public async Task Every_preset_subscription_of_the_node_sdk_is_granted()
    {
        var d = await server.NewTestDeviceAsync(await server.NewModelledProductAsync());
        await using var device = await server.ConnectAsync(d);
        var pkdn = $"{d.ProductKey}/{d.DeviceName}";
        string[] preset =
        [
            $"/sys/{pkdn}/thing/event/property/post_reply", $"/sys/{pkdn}/thing/service/property/set", $"/sys/{pkdn}/thing/event/+/post_reply",
            $"/sys/{pkdn}/thing/deviceinfo/update_reply", $"/sys/{pkdn}/thing/deviceinfo/delete_reply", $"/sys/{pkdn}/thing/config/get_reply",
            $"/shadow/get/{pkdn}", $"/sys/{pkdn}/thing/config/push", $"/sys/{pkdn}/thing/config/push_reply",
            $"/sys/{pkdn}/thing/topo/add_reply", $"/sys/{pkdn}/thing/topo/delete_reply", $"/sys/{pkdn}/thing/topo/get_reply",
            $"/ext/session/{pkdn}/combine/login_reply", $"/ext/session/{pkdn}/combine/logout_reply", $"/sys/{pkdn}/thing/sub/register_reply",
            $"/sys/{pkdn}/rrpc/request/+",
        ];
        foreach (var filter in preset) Assert.True(Granted(await device.SubscribeAsync(filter)), filter);
    }

    [Fact]
    public async Task Publishing_to_another_devices_topic_is_dropped_and_counted()
    {
        var pk = await server.NewModelledProductAsync();
        var mine = await server.NewTestDeviceAsync(pk);
        var victim = await server.NewTestDeviceAsync(pk);
        await using var attacker = await server.ConnectAsync(mine);
        await using var target = await server.ConnectAsync(victim);
        var setTopic = target.Sys("thing/service/property/set");
        Assert.True(Granted(await target.SubscribeAsync(setTopic)));
        Assert.True(Granted(await target.SubscribeAsync("/sys/" + victim.ProductKey + "/" + victim.DeviceName + "/thing/event/property/post_reply")));

        var foreignBefore = Stats.ForeignPublishes;
        await attacker.PublishAsync(setTopic, """{"id":"1","version":"1.0","params":{"mode":1},"method":"thing.service.property.set"}""");
        var postTopic = target.Sys("thing/event/property/post");
        var acked = await attacker.PublishAsync(postTopic, """{"id":"2","version":"1.0","params":{"temperature":66.5},"method":"thing.event.property.post"}""", qos: 1);
        Assert.True(acked.IsSuccess); // dropped quietly: a PUBACK, no disconnect
        Assert.True(attacker.Client.IsConnected);

        // The victim's own QoS 1 post is acknowledged after everything before it was handled.
        await target.PublishAsync(postTopic, """{"id":"3","version":"1.0","params":{"temperature":11.5},"method":"thing.event.property.post"}""", qos: 1);
        await target.NextAsync(r => r.Topic.EndsWith("post_reply") && r.Json.GetProperty("id").GetString() == "3");
        Assert.False(await target.ReceivesAsync(r => r.Topic == setTopic || r.Payload.Contains("\"2\""), 1));
        Assert.Equal(["11.5"], (await server.SamplesAsync(victim)).Select(s => s.Value));
        Assert.True(Stats.ForeignPublishes >= foreignBefore + 2, $"{Stats.ForeignPublishes} foreign publishes counted, expected at least {foreignBefore + 2}");
    }

    [Fact]
    public async Task Device_to_device_messages_are_never_relayed_by_the_broker()
    {
        // Even a topic both may use (broadcast) is consumed by the platform, not forwarded between devices.
        var pk = await server.NewModelledProductAsync();
        await using var a = await server.ConnectAsync(await server.NewTestDeviceAsync(pk));
        await using var b = await server.ConnectAsync(await server.NewTestDeviceAsync(pk));
        var topic = $"/broadcast/{pk}/news";
        Assert.True(Granted(await b.SubscribeAsync(topic)));
        await a.PublishAsync(topic, "hello", qos: 1);
        var reply = await b.RequestAsync(b.Sys("thing/event/property/post"), "thing.event.property.post", """{"temperature":20.5}""");
        Assert.Equal(200, reply.GetProperty("code").GetInt32());
        Assert.False(await b.ReceivesAsync(r => r.Topic == topic, 1));
    }
}
