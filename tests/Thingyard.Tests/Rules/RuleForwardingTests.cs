// Rules running on real device traffic: a rule whose WHERE reads a property republishes to a second device's custom
// topic (device to device) and only when WHERE holds; a webhook receiver that is down for three attempts gets the
// selected JSON on the fourth; an AMQP action delivers to a consumer group; what fails goes to the error action in
// the platform's error format; and GetRule counts matched, forwarded and failed messages.
using System.Text;
using System.Text.Json;
using Thingyard.Tests.Connectivity;
using Thingyard.Tests.Infrastructure;
using Thingyard.Tests.Registry;
using Thingyard.Tests.Subscriptions;
using static Thingyard.Tests.Registry.RegistryCalls;

namespace Thingyard.Tests.Rules;

public sealed class RuleForwardingTests(ThingyardServer server) : IClassFixture<ThingyardServer>
{
    async Task<string> RunningRuleAsync(string pk, string select, string? where, params (string Type, string Config, bool Error)[] actions)
    {
        var p = new List<(string, string)> { ("Name", Unique("r")), ("ProductKey", pk), ("TopicType", "0"), ("ShortTopic", "+/thing/event/property/post"), ("Select", select) };
        if (where is not null) p.Add(("Where", where));
        var ruleId = (await server.Call("CreateRule", [.. p])).GetProperty("RuleId").GetInt64().ToString();
        foreach (var (type, config, error) in actions)
            await server.Call("CreateRuleAction", ("RuleId", ruleId), ("Type", type), ("Configuration", config), ("ErrorActionFlag", error ? "true" : "false"));
        await server.Call("StartRule", ("RuleId", ruleId));
        await server.EngineWatchesAsync(pk);
        return ruleId;
    }

    static Task PostAsync(MqttDevice device, string items) =>
        device.RequestAsync(device.Sys("thing/event/property/post"), "thing.event.property.post", items, qos: 1);

    Task<JsonElement> CountsAsync(string ruleId, Func<JsonElement, bool> ok) =>
        ConnectivityCalls.EventuallyAsync(async () => (await server.Call("GetRule", ("RuleId", ruleId))).GetProperty("RuleInfo"), ok);

    [Fact]
    public async Task A_rule_with_where_on_a_property_republishes_to_a_second_device_that_receives_it()
    {
        var pk = await server.NewModelledProductAsync();
        var sensor = await server.NewTestDeviceAsync(pk);
        var display = await server.NewTestDeviceAsync(pk);
        var target = $"/{pk}/{display.DeviceName}/user/get";
        var ruleId = await RunningRuleAsync(pk, "deviceName() as source, items.temperature.value as t", "items.temperature.value > 30",
            ("REPUBLISH", $$"""{"topic":"{{target}}","topicType":1}""", false));

        await using var receiver = await server.ConnectAsync(display);
        await receiver.SubscribeAsync(target);
        await using var device = await server.ConnectAsync(sensor);
        await PostAsync(device, """{"temperature":21.5}""");
        await PostAsync(device, """{"temperature":35.5}""");

        var got = await receiver.NextAsync(m => m.Topic == target);
        Assert.Equal(sensor.DeviceName, got.Json.GetProperty("source").GetString());
        Assert.Equal(35.5, got.Json.GetProperty("t").GetDouble());
        // 21.5 did not match: nothing else arrives.
        Assert.False(await receiver.ReceivesAsync(m => m.Topic == target, 1000));

        var info = await CountsAsync(ruleId, r => r.GetProperty("MatchedCount").GetInt64() == 1 && r.GetProperty("ForwardedCount").GetInt64() == 1);
        Assert.Equal(1, info.GetProperty("MatchedCount").GetInt64());
        Assert.Equal(1, info.GetProperty("ForwardedCount").GetInt64());
        Assert.Equal(0, info.GetProperty("FailedCount").GetInt64());
    }

    [Fact]
    public async Task A_webhook_that_fails_three_times_gets_the_message_on_the_fourth_try()
    {
        using var hook = new WebhookReceiver { FailFirst = 3 };
        var pk = await server.NewModelledProductAsync();
        var d = await server.NewTestDeviceAsync(pk);
        var ruleId = await RunningRuleAsync(pk, "items.temperature.value as t, productKey() as pk", null,
            ("WEBHOOK", $$"""{"url":"{{hook.Url}}","token":"hook-secret"}""", false));

        await using var device = await server.ConnectAsync(d);
        await PostAsync(device, """{"temperature":42}""");

        var delivered = Assert.Single(await hook.DeliveredAsync());
        Assert.Equal(4, hook.Requests.Count);
        Assert.Equal($$"""{"t":42,"pk":"{{pk}}"}""", delivered.Text);
        var stamp = long.Parse(delivered.Headers["X-Thingyard-Timestamp"]);
        var mac = System.Security.Cryptography.HMACSHA256.HashData(Encoding.UTF8.GetBytes("hook-secret"), Encoding.UTF8.GetBytes($"{stamp}.{delivered.Text}"));
        Assert.Equal("v1=" + Convert.ToHexStringLower(mac), delivered.Headers["X-Thingyard-Signature"]);
        Assert.StartsWith($"rule:{ruleId}/action:", delivered.Headers["X-Thingyard-Source"]);
        var info = await CountsAsync(ruleId, r => r.GetProperty("ForwardedCount").GetInt64() == 1);
        Assert.Equal(1, info.GetProperty("ForwardedCount").GetInt64());
        Assert.Equal(0, info.GetProperty("FailedCount").GetInt64());
    }

    [Fact]
    public async Task An_amqp_action_delivers_to_a_consumer_group_and_a_failure_goes_to_the_error_action()
    {
        using var errors = new WebhookReceiver();
        var pk = await server.NewModelledProductAsync();
        var d = await server.NewTestDeviceAsync(pk);
        var offline = await server.NewTestDeviceAsync(pk);
        var group = (await server.Call("CreateConsumerGroup", ("GroupName", Unique("rules")))).Str("GroupId");
        var ruleId = await RunningRuleAsync(pk, "*, deviceName() as dn", "items.mode.value = 1",
            ("AMQP", $$"""{"groupId":"{{group}}"}""", false),
            ("REPUBLISH", $$"""{"topic":"/{{pk}}/{{offline.DeviceName}}/user/get"}""", false),
            ("WEBHOOK", $$"""{"url":"{{errors.Url}}"}""", true));

        await using var consumer = AmqpConsumers.Start(server, group, count: 1);
        await consumer.NextAsync("ready");
        await using var device = await server.ConnectAsync(d);
        await PostAsync(device, """{"mode":1}""");

        var message = await consumer.NextAsync("message");
        Assert.Equal($"/sys/{pk}/{d.DeviceName}/thing/event/property/post", message.GetProperty("topic").GetString());
        var body = JsonDocument.Parse(message.GetProperty("body").GetString()!).RootElement;
        Assert.Equal(d.DeviceName, body.GetProperty("dn").GetString());
        Assert.Equal(1, body.GetProperty("items").GetProperty("mode").GetProperty("value").GetInt32());

        // The republish target is offline: the error action gets the platform's error data.
        var error = Assert.Single(await errors.DeliveredAsync()).Text;
        var e = JsonDocument.Parse(error).RootElement;
        Assert.Equal($"/sys/{pk}/{d.DeviceName}/thing/event/property/post", e.GetProperty("topic").GetString());
        Assert.Equal(pk, e.GetProperty("productKey").GetString());
        Assert.Equal(d.DeviceName, e.GetProperty("deviceName").GetString());
        var original = JsonDocument.Parse(Convert.FromBase64String(e.GetProperty("base64OriginalPayload").GetString()!)).RootElement;
        Assert.Equal(d.DeviceName, original.GetProperty("dn").GetString());
        var failure = Assert.Single(e.GetProperty("failures").EnumerateArray());
        Assert.Equal("REPUBLISH", failure.GetProperty("actionType").GetString());
        Assert.Contains("offline", failure.GetProperty("errorMessage").GetString());

        var info = await CountsAsync(ruleId, r => r.GetProperty("FailedCount").GetInt64() == 1 && r.GetProperty("ForwardedCount").GetInt64() >= 2);
        Assert.Equal(1, info.GetProperty("MatchedCount").GetInt64());
        Assert.Equal(2, info.GetProperty("ForwardedCount").GetInt64()); // AMQP and the error webhook
        Assert.Contains("offline", info.GetProperty("LastError").GetString());
    }

    [Fact]
    public async Task A_stopped_rule_forwards_nothing_and_a_non_json_custom_topic_message_counts_as_failed()
    {
        using var hook = new WebhookReceiver();
        var pk = await server.NewModelledProductAsync();
        var d = await server.NewTestDeviceAsync(pk);
        var ruleId = (await server.Call("CreateRule", ("Name", Unique("c")), ("ProductKey", pk), ("TopicType", "1"), ("ShortTopic", "+/user/update"),
            ("Select", "*"))).GetProperty("RuleId").GetInt64().ToString();
        await server.Call("CreateRuleAction", ("RuleId", ruleId), ("Type", "WEBHOOK"), ("Configuration", $$"""{"url":"{{hook.Url}}"}"""));

        await using var device = await server.ConnectAsync(d);
        var topic = $"/{pk}/{d.DeviceName}/user/update";
        await device.PublishAsync(topic, """{"n":1}""", qos: 1);
        await Task.Delay(500);
        Assert.Empty(hook.Requests);

        await server.Call("StartRule", ("RuleId", ruleId));
        await server.EngineWatchesAsync(pk);
        await device.PublishAsync(topic, "not json", qos: 1);
        await device.PublishAsync(topic, """{"n":2}""", qos: 1);
        Assert.Equal("""{"n":2}""", Assert.Single(await hook.DeliveredAsync()).Text);
        var info = await CountsAsync(ruleId, r => r.GetProperty("FailedCount").GetInt64() == 1);
        Assert.Equal(1, info.GetProperty("FailedCount").GetInt64());
        Assert.Contains("not JSON", info.GetProperty("LastError").GetString());
    }
}
