// RRpc (system and custom /ext/rrpc topics, and its OFFLINE / TIMEOUT / HALFCONN outcomes), Pub to a device topic,
// PubBroadcast to a product, and QueryDeviceSubTopic.
using Thingyard.Tests.Connectivity;
using Thingyard.Tests.Infrastructure;
using Thingyard.Tests.Registry;
using static Thingyard.Tests.Messaging.MessagingKit;

namespace Thingyard.Tests.Messaging;

public sealed class RrpcAndPubTests(ThingyardServer server) : IClassFixture<ThingyardServer>
{
    [Fact]
    public async Task RRpc_delivers_the_decoded_request_and_returns_the_raw_answer()
    {
        var (d, device) = await server.OnlineDeviceAsync("rrpc/request/+");
        await using var connection = device;

        var call = server.Call("RRpc", d.Args(("RequestBase64Byte", B64("hello \u00e9")), ("Timeout", "5000")));
        var request = await device.NextAsync(r => r.Topic.StartsWith(device.Sys("rrpc/request/")));
        Assert.Equal("hello \u00e9", request.Payload);
        var id = request.Topic[(request.Topic.LastIndexOf('/') + 1)..];
        await device.PublishAsync(device.Sys($"rrpc/response/{id}"), "world");

        var response = await call;
        Assert.Equal("SUCCESS", response.Str("RrpcCode"));
        Assert.Equal("world", FromB64(response.Str("PayloadBase64Byte")));
        Assert.Equal(System.Text.Json.JsonValueKind.Number, response.GetProperty("MessageId").ValueKind);
        Assert.Equal(id, response.GetProperty("MessageId").GetInt64().ToString());
    }

    [Fact]
    public async Task RRpc_over_a_custom_topic_uses_ext_rrpc_and_the_same_topic_back()
    {
        var (d, device) = await server.OnlineDeviceAsync();
        await using var connection = device;
        var custom = $"/{d.ProductKey}/{d.DeviceName}/user/get";
        await device.SubscribeAsync($"/ext/rrpc/+{custom}");

        var call = server.Call("RRpc", d.Args(("RequestBase64Byte", B64("ping")), ("Timeout", "5000"), ("Topic", custom)));
        var request = await device.NextAsync(r => r.Topic.StartsWith("/ext/rrpc/") && r.Topic.EndsWith(custom));
        Assert.Equal("ping", request.Payload);
        await device.PublishAsync(request.Topic, "pong");

        var response = await call;
        Assert.Equal("SUCCESS", response.Str("RrpcCode"));
        Assert.Equal("pong", FromB64(response.Str("PayloadBase64Byte")));

        var foreign = await server.Fails("RRpc", d.Args(("RequestBase64Byte", B64("x")), ("Timeout", "1000"), ("Topic", "/someone/else/user/get")));
        Assert.Equal("iot.messagebroker.InvalidFormattedTopicName", foreign.Code);
    }

    [Fact]
    public async Task RRpc_to_an_offline_device_says_OFFLINE()
    {
        var d = await server.NewTestDeviceAsync(await server.NewModelledProductAsync());
        var response = await server.Call("RRpc", d.Args(("RequestBase64Byte", B64("x")), ("Timeout", "1000")));
        Assert.True(response.GetProperty("Success").GetBoolean());
        Assert.Equal("OFFLINE", response.Str("RrpcCode"));
        Assert.False(response.TryGetProperty("PayloadBase64Byte", out _));
    }

    [Fact]
    public async Task RRpc_nobody_answers_says_TIMEOUT()
    {
        var (d, device) = await server.OnlineDeviceAsync("rrpc/request/+");
        await using var connection = device;
        var response = await server.Call("RRpc", d.Args(("RequestBase64Byte", B64("x")), ("Timeout", "1000")));
        Assert.Equal("TIMEOUT", response.Str("RrpcCode"));
        await device.NextAsync(r => r.Topic.StartsWith(device.Sys("rrpc/request/")));
    }

    [Fact]
    public async Task RRpc_to_a_device_not_subscribed_to_rrpc_says_HALFCONN()
    {
        var (d, device) = await server.OnlineDeviceAsync();
        await using var connection = device;
        var response = await server.Call("RRpc", d.Args(("RequestBase64Byte", B64("x")), ("Timeout", "1000")));
        Assert.Equal("HALFCONN", response.Str("RrpcCode"));
    }

    [Fact]
    public async Task RRpc_parameters_are_checked()
    {
        var d = await server.NewTestDeviceAsync(await server.NewModelledProductAsync());
        var notBase64 = await server.Fails("RRpc", d.Args(("RequestBase64Byte", "not base64!"), ("Timeout", "1000")));
        Assert.Equal("iot.messagebroker.MessageContentIsNotBase64Encode", notBase64.Code);
        Assert.Equal(200, notBase64.Status);
        var tooShort = await server.Fails("RRpc", d.Args(("RequestBase64Byte", B64("x")), ("Timeout", "10")));
        Assert.Equal("iot.common.InvalidFormattedParameter", tooShort.Code);
        var tooLong = await server.Fails("RRpc", d.Args(("RequestBase64Byte", B64("x")), ("Timeout", "9000")));
        Assert.Equal("iot.common.InvalidFormattedParameter", tooLong.Code);
        var missing = await server.Fails("RRpc", d.Args(("Timeout", "1000")));
        Assert.Equal("MissingParameter", missing.Code);
        Assert.Equal(400, missing.Status);
    }

    [Fact]
    public async Task Pub_delivers_to_a_subscribed_user_topic()
    {
        var (d, device) = await server.OnlineDeviceAsync();
        await using var connection = device;
        var topic = $"/{d.ProductKey}/{d.DeviceName}/user/get";
        await device.SubscribeAsync(topic);

        var response = await server.Call("Pub", d.Args(("TopicFullName", topic), ("MessageContent", B64("{\"led\":\"on\"}")), ("Qos", "1")));
        Assert.False(string.IsNullOrEmpty(response.Str("MessageId")));
        Assert.Equal(System.Text.Json.JsonValueKind.String, response.GetProperty("MessageId").ValueKind);
        var message = await device.NextAsync(r => r.Topic == topic);
        Assert.Equal("{\"led\":\"on\"}", message.Payload);
        Assert.Equal(1, message.Qos);

        // Without DeviceName the device is read from the topic.
        await server.Call("Pub", ("ProductKey", d.ProductKey), ("TopicFullName", topic), ("MessageContent", B64("second")));
        Assert.Equal("second", (await device.NextAsync(r => r.Topic == topic)).Payload);
    }

    [Fact]
    public async Task Pub_to_a_topic_of_another_device_is_refused()
    {
        var pk = await server.NewModelledProductAsync();
        var d = await server.NewTestDeviceAsync(pk);
        var other = await server.NewTestDeviceAsync(pk);
        await using var device = await server.ConnectOnlineAsync(other, $"/{pk}/{other.DeviceName}/user/get");

        var e = await server.Fails("Pub", d.Args(("TopicFullName", $"/{pk}/{other.DeviceName}/user/get"), ("MessageContent", B64("x"))));
        Assert.Equal("iot.messagebroker.InvalidFormattedTopicName", e.Code);
        var wildcard = await server.Fails("Pub", d.Args(("TopicFullName", $"/{pk}/{d.DeviceName}/user/#"), ("MessageContent", B64("x"))));
        Assert.Equal("iot.messagebroker.InvalidFormattedTopicName", wildcard.Code);
        Assert.False(await device.ReceivesAsync(r => r.Topic.Contains("/user/"), 300));
    }

    [Fact]
    public async Task Pub_parameters_are_checked()
    {
        var d = await server.NewTestDeviceAsync(await server.NewModelledProductAsync());
        var topic = $"/{d.ProductKey}/{d.DeviceName}/user/get";
        var notBase64 = await server.Fails("Pub", d.Args(("TopicFullName", topic), ("MessageContent", "%%%")));
        Assert.Equal("iot.messagebroker.MessageContentIsNotBase64Encode", notBase64.Code);
        var qos2 = await server.Fails("Pub", d.Args(("TopicFullName", topic), ("MessageContent", B64("x")), ("Qos", "2")));
        Assert.Equal("InvalidParameter", qos2.Code);
        Assert.Equal(400, qos2.Status);
        var noContent = await server.Fails("Pub", d.Args(("TopicFullName", topic)));
        Assert.Equal("MissingParameter", noContent.Code);
    }

    [Fact]
    public async Task PubBroadcast_reaches_every_subscribed_device_of_the_product_only()
    {
        var pk = await server.NewModelledProductAsync();
        var topic = $"/broadcast/{pk}/news";
        var a = await server.NewTestDeviceAsync(pk);
        var b = await server.NewTestDeviceAsync(pk);
        var (otherInfo, other) = await server.OnlineDeviceAsync();
        await using var da = await server.ConnectOnlineAsync(a, topic);
        await using var db = await server.ConnectOnlineAsync(b, topic);
        await using var otherConnection = other;
        await other.SubscribeAsync($"/broadcast/{otherInfo.ProductKey}/news");

        var response = await server.Call("PubBroadcast", ("ProductKey", pk), ("TopicFullName", topic), ("MessageContent", B64("all hands")));
        Assert.Equal(System.Text.Json.JsonValueKind.Number, response.GetProperty("MessageId").ValueKind);
        Assert.Equal("all hands", (await da.NextAsync(r => r.Topic == topic)).Payload);
        Assert.Equal("all hands", (await db.NextAsync(r => r.Topic == topic)).Payload);
        Assert.False(await other.ReceivesAsync(r => r.Topic.StartsWith("/broadcast/"), 300));

        var wrong = await server.Fails("PubBroadcast", ("ProductKey", pk), ("TopicFullName", $"/{pk}/x/user/get"), ("MessageContent", B64("x")));
        Assert.Equal("iot.messagebroker.InvalidFormattedTopicName", wrong.Code);
    }

    [Fact]
    public async Task QueryDeviceSubTopic_lists_the_live_subscriptions()
    {
        var (d, device) = await server.OnlineDeviceAsync("thing/service/property/set", "rrpc/request/+");
        var before = DateTimeOffset.UtcNow.AddMinutes(-5).ToUnixTimeMilliseconds();
        await using (device)
        {
            var topics = (await server.Call("QueryDeviceSubTopic", d.Args())).GetProperty("TopicList").EnumerateArray().ToList();
            var names = topics.Select(t => t.Str("TopicName")).ToList();
            Assert.Contains(device.Sys("thing/service/property/set"), names);
            Assert.Contains(device.Sys("rrpc/request/+"), names);
            Assert.All(topics, t => Assert.True(t.GetProperty("Timestamp").GetInt64() > before));

            await device.Client.UnsubscribeAsync(new MQTTnet.MqttClientUnsubscribeOptionsBuilder().WithTopicFilter(device.Sys("rrpc/request/+")).Build());
            var after = await ConnectivityCalls.EventuallyAsync(
                async () => (await server.Call("QueryDeviceSubTopic", d.Args())).GetProperty("TopicList").EnumerateArray().Select(t => t.Str("TopicName")).ToList(),
                n => !n.Contains(device.Sys("rrpc/request/+")));
            Assert.DoesNotContain(device.Sys("rrpc/request/+"), after);
        }
        var offline = await ConnectivityCalls.EventuallyAsync(
            async () => (await server.Call("QueryDeviceSubTopic", d.Args())).GetProperty("TopicList").GetArrayLength(), n => n == 0);
        Assert.Equal(0, offline);
    }
}
