// An account a device is authorized to keeps a server-side subscription of its own on the product, over real MQTT and
// AMQP: its consumer group receives the authorized device's posts and nothing of the owner's other devices, the owner's
// subscription and group work on unchanged, neither can use the other's groups, and once the authorization is revoked
// the grantee's group receives nothing more of the device, not even what was already waiting for it.
using System.Text.Json;
using Thingyard.Protocol.Subscriptions;
using Thingyard.Tests.Infrastructure;
using Thingyard.Tests.Registry;
using static Thingyard.Tests.Registry.RegistryCalls;

namespace Thingyard.Tests.Sharing;

public sealed class AuthorizedSubscriptionTests(ThingyardServer server) : IClassFixture<ThingyardServer>
{
    AmqpSubscriber.Options Client(string keyId, string secret, string group, string clientId) =>
        new("127.0.0.1", server.AmqpPort, keyId, secret, group) { Tls = false, ClientId = clientId };

    static async Task PostAsync(MqttDevice device, int level) =>
        await device.RequestAsync(device.Sys("thing/event/property/post"), "thing.event.property.post", $$"""{"Level":{{level}}}""", qos: 1);

    /// <summary>The messages that arrive within <paramref name="quietMs"/> of each other, accepted; (device, level) each.</summary>
    static async Task<List<(string Device, int Level)>> DrainAsync(AmqpSubscriber client, int quietMs)
    {
        var got = new List<(string, int)>();
        while (await client.ReceiveAsync(TimeSpan.FromMilliseconds(quietMs)) is { } m)
        {
            var body = JsonDocument.Parse(m.Message.Payload).RootElement;
            got.Add((body.GetProperty("deviceName").GetString()!, body.GetProperty("items").GetProperty("Level").GetProperty("value").GetInt32()));
            client.Accept(m.Tag);
        }
        return got;
    }

    [Fact]
    public async Task The_grantees_own_group_gets_only_the_authorized_devices_posts_until_revoked()
    {
        var grantee = await server.NewAccountAsync(Unique("grantee"));
        var pk = await server.ReleasedLampAsync();
        var shared = await server.NewDeviceAsync(pk);
        var kept = await server.NewDeviceAsync(pk);
        var (sharedName, keptName) = (shared.Str("DeviceName"), kept.Str("DeviceName"));
        await server.Call("AuthorizeDevices", ("ProductKey", pk), ("DeviceName.1", sharedName), ("TargetUid", grantee.AccountUid));

        var ownerGroup = (await server.Call("CreateConsumerGroup", ("GroupName", Unique("owner")))).Str("GroupId");
        await server.Call("CreateSubscribeRelation", ("ProductKey", pk), ("Type", "AMQP"), ("DeviceDataFlag", "true"), ("ConsumerGroupIds.1", ownerGroup));
        var granteeGroup = (await server.CallAs(grantee, "CreateConsumerGroup", ("GroupName", Unique("mine")))).Str("GroupId");
        // The grantee cannot deliver to the owner's group, nor the owner to the grantee's.
        Assert.Equal("iot.consumergroup.NotExistedConsumerGroup", (await server.FailsAs(grantee, "CreateSubscribeRelation", ("ProductKey", pk), ("Type", "AMQP"),
            ("DeviceDataFlag", "true"), ("ConsumerGroupIds.1", ownerGroup))).Code);
        await server.CallAs(grantee, "CreateSubscribeRelation", ("ProductKey", pk), ("Type", "AMQP"), ("DeviceDataFlag", "true"), ("ConsumerGroupIds.1", granteeGroup));
        Assert.Equal("iot.consumergroup.NotExistedConsumerGroup",
            (await server.Fails("CreateConsumerGroupSubscribeRelation", ("ProductKey", pk), ("ConsumerGroupId", granteeGroup))).Code);
        // Each sees its own subscription of the product, never the other's.
        Assert.Equal([granteeGroup], (await server.CallAs(grantee, "QuerySubscribeRelation", ("ProductKey", pk), ("Type", "AMQP"))).At("ConsumerGroupIds").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal([ownerGroup], (await server.Call("QuerySubscribeRelation", ("ProductKey", pk), ("Type", "AMQP"))).At("ConsumerGroupIds").EnumerateArray().Select(e => e.GetString()));

        await using var owner = await AmqpSubscriber.ConnectAsync(Client(ThingyardServer.AdminKeyId, ThingyardServer.AdminSecret, ownerGroup, "owner-app"));
        await using (var mine = await AmqpSubscriber.ConnectAsync(Client(grantee.AccessKeyId, grantee.AccessKeySecret, granteeGroup, "grantee-app")))
        {
            await using (var a = await MqttDevice.ConnectAsync(server, pk, sharedName, shared.Str("DeviceSecret")))
            await using (var b = await MqttDevice.ConnectAsync(server, pk, keptName, kept.Str("DeviceSecret")))
            {
                await PostAsync(a, 1);
                await PostAsync(b, 2);
            }
            Assert.Equal([(sharedName, 1)], await DrainAsync(mine, 1_500));
            Assert.Equal([(sharedName, 1), (keptName, 2)], (await DrainAsync(owner, 1_500)).OrderBy(x => x.Level));
        }

        // Posted while the grantee's client is away, then revoked: what waits for it is dropped, and later posts do
        // not reach its group at all. The owner's group gets everything.
        await using (var a = await MqttDevice.ConnectAsync(server, pk, sharedName, shared.Str("DeviceSecret")))
        {
            await PostAsync(a, 3);
            await server.Call("RevokeDeviceAuthorization", ("ProductKey", pk), ("DeviceName", sharedName), ("TargetUid", grantee.AccountUid));
            await PostAsync(a, 4);
        }
        await using (var mine = await AmqpSubscriber.ConnectAsync(Client(grantee.AccessKeyId, grantee.AccessKeySecret, granteeGroup, "grantee-app")))
            Assert.Empty(await DrainAsync(mine, 2_000));
        Assert.Equal([3, 4], (await DrainAsync(owner, 1_500)).Select(x => x.Level).Order());
        var status = await server.CallAs(grantee, "QueryConsumerGroupStatus", ("GroupId", granteeGroup));
        Assert.Equal(0, status.GetProperty("AccumulationCount").GetInt64());
    }

    [Fact]
    public async Task The_grantees_own_rule_reads_only_the_authorized_devices_messages_until_revoked()
    {
        var grantee = await server.NewAccountAsync(Unique("ruler"));
        var pk = await server.ReleasedLampAsync();
        var shared = await server.NewDeviceAsync(pk);
        var kept = await server.NewDeviceAsync(pk);
        await server.Call("AuthorizeDevices", ("ProductKey", pk), ("DeviceName.1", shared.Str("DeviceName")), ("TargetUid", grantee.AccountUid));
        var group = (await server.CallAs(grantee, "CreateConsumerGroup", ("GroupName", Unique("rules")))).Str("GroupId");
        var ruleId = (await server.CallAs(grantee, "CreateRule", ("Name", Unique("r")), ("ProductKey", pk), ("TopicType", "0"),
            ("ShortTopic", "+/thing/event/property/post"), ("Select", "deviceName() as device, items.Level.value as level"))).At("RuleId").GetInt64().ToString();
        await server.CallAs(grantee, "CreateRuleAction", ("RuleId", ruleId), ("Type", "AMQP"), ("Configuration", $$"""{"groupId":"{{group}}"}"""));
        await server.CallAs(grantee, "StartRule", ("RuleId", ruleId));
        await Task.Delay(1_000); // the engine loads started rules in the background

        async Task<List<(string, int)>> RuleOutputAsync(int quietMs)
        {
            var got = new List<(string, int)>();
            await using var client = await AmqpSubscriber.ConnectAsync(Client(grantee.AccessKeyId, grantee.AccessKeySecret, group, "rule-app"));
            while (await client.ReceiveAsync(TimeSpan.FromMilliseconds(quietMs)) is { } m)
            {
                var body = JsonDocument.Parse(m.Message.Payload).RootElement;
                got.Add((body.GetProperty("device").GetString()!, body.GetProperty("level").GetInt32()));
                client.Accept(m.Tag);
            }
            return got;
        }

        await using (var a = await MqttDevice.ConnectAsync(server, pk, shared.Str("DeviceName"), shared.Str("DeviceSecret")))
        await using (var b = await MqttDevice.ConnectAsync(server, pk, kept.Str("DeviceName"), kept.Str("DeviceSecret")))
        {
            await PostAsync(a, 1);
            await PostAsync(b, 2);
        }
        Assert.Equal([(shared.Str("DeviceName"), 1)], await RuleOutputAsync(1_500));

        await server.Call("RevokeDeviceAuthorization", ("ProductKey", pk), ("DeviceName", shared.Str("DeviceName")), ("TargetUid", grantee.AccountUid));
        await using (var a = await MqttDevice.ConnectAsync(server, pk, shared.Str("DeviceName"), shared.Str("DeviceSecret")))
            await PostAsync(a, 3);
        Assert.Empty(await RuleOutputAsync(2_000));
        // A product that is not authorized to it at all is not one it can write a rule on.
        var other = await server.NewProductAsync("Private");
        Assert.Equal("iot.prod.NotExistedProduct", (await server.FailsAs(grantee, "CreateRule", ("Name", Unique("r")), ("ProductKey", other), ("TopicType", "0"),
            ("ShortTopic", "+/thing/event/property/post"), ("Select", "*"))).Code);
    }
}
