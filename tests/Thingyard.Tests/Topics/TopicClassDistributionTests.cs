// Topic classes travel with a distributed product: the copy has the source's classes (replaced when the product is
// distributed again), its devices are held to them at the receiver, and they cannot be changed there.
using Microsoft.Extensions.DependencyInjection;
using Thingyard.Server.Connectivity;
using Thingyard.Tests.Connectivity;
using Thingyard.Tests.Distribution;
using Thingyard.Tests.Infrastructure;
using Thingyard.Tests.Registry;

namespace Thingyard.Tests.Topics;

public sealed class TopicClassDistributionTests(Federation fed) : IClassFixture<Federation>
{
    static async Task<List<(string Name, string Operation, string Desc)>> ClassesAsync(ThingyardServer at, string pk) =>
        (await at.Call("QueryProductTopic", ("ProductKey", pk))).At("Data.ProductTopicInfo").EnumerateArray()
            .Select(i => (i.Str("TopicShortName"), i.Str("Operation"), i.TryGetProperty("Desc", out var d) ? d.ToString() : "")).ToList();

    [Fact]
    public async Task A_distributed_product_carries_its_topic_classes_and_its_devices_are_held_to_them()
    {
        var pk = await fed.A.NewModelledProductAsync();
        var d = await fed.A.NewTestDeviceAsync(pk);
        await fed.A.Call("CreateProductTopic", ("ProductKey", pk), ("TopicShortName", "telemetry"), ("Operation", "PUB"), ("Desc", "readings"));
        await fed.A.AddTopicClassAsync(pk, "cmd/#", "SUB");
        await fed.A.FinishedAsync(await fed.A.DistributeAsync(pk, [d.DeviceName], 0, [Federation.BInfo.Id]));

        Assert.Equal(await ClassesAsync(fed.A, pk), await ClassesAsync(fed.B, pk));
        Assert.Contains(($"/{pk}/${{deviceName}}/user/telemetry", "0", "readings"), await ClassesAsync(fed.B, pk));

        var stats = fed.B.Services.GetRequiredService<ConnectivityStats>();
        await using (var atB = await fed.B.ConnectAsync(d))
        {
            var user = $"/{pk}/{d.DeviceName}/user/";
            var before = stats.UnclassedPublishes;
            await atB.PublishAsync(user + "telemetry", "1", qos: 1);
            Assert.Equal(before, stats.UnclassedPublishes);
            await atB.PublishAsync(user + "not_a_class", "1", qos: 1);
            Assert.Equal(before + 1, stats.UnclassedPublishes);
            Assert.Equal(MQTTnet.MqttClientSubscribeResultCode.GrantedQoS1, (await atB.SubscribeAsync(user + "cmd/a/b")).Items.Single().ResultCode);
        }

        // Read-only at the receiver; a later distribution brings the source's changes.
        Assert.Equal("iot.distribution.ReadOnlyProduct", (await fed.B.Fails("CreateProductTopic", ("ProductKey", pk), ("TopicShortName", "x"), ("Operation", "PUB"))).Code);
        var id = (await fed.B.Call("QueryProductTopic", ("ProductKey", pk))).At("Data.ProductTopicInfo")[3].Str("Id");
        Assert.Equal("iot.distribution.ReadOnlyProduct", (await fed.B.Fails("DeleteProductTopic", ("TopicId", id))).Code);

        var other = await fed.A.NewTestDeviceAsync(pk);
        await fed.A.AddTopicClassAsync(pk, "later", "ALL");
        await fed.A.FinishedAsync(await fed.A.DistributeAsync(pk, [other.DeviceName], 0, [Federation.BInfo.Id]));
        Assert.Equal(await ClassesAsync(fed.A, pk), await ClassesAsync(fed.B, pk));
        Assert.Equal(6, (await ClassesAsync(fed.B, pk)).Count);
    }
}
