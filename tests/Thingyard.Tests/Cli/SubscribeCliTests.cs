// `thingyard subscribe group` and `subscribe relation` in-process against a live server: a group created, listed,
// renamed and reset, a product's subscription created, read, changed and deleted, and the refusals the user sees.
using Thingyard.Tests.Infrastructure;
using Thingyard.Tests.Registry;
using static Thingyard.Tests.Registry.RegistryCalls;

namespace Thingyard.Tests.Cli;

public sealed class SubscribeCliTests(ThingyardServer server) : IClassFixture<ThingyardServer>
{
    static string Field(string output, string key) =>
        output.Split('\n').Select(l => l.TrimEnd('\r')).Single(l => l.StartsWith(key + ":", StringComparison.Ordinal))[(key.Length + 1)..].Trim();

    [Fact]
    public async Task Consumer_groups_and_a_subscription_from_the_command_line()
    {
        var account = await server.NewAccountAsync(Unique("cli"));
        var env = CliRun.Environment(server, account);
        var pk = (await server.CallAs(account, "CreateProduct", ("ProductName", Unique("Meter")), ("NodeType", "0"))).Str("ProductKey");
        var name = Unique("billing");

        var created = await CliRun.RunAsync(env, "subscribe", "group", "create", name);
        Assert.True(created.Code == 0, created.Err);
        var groupId = Field(created.Out, "GroupId");
        var list = await CliRun.RunAsync(env, "subscribe", "group", "list");
        Assert.Contains("DEFAULT_GROUP", list.Out);
        Assert.Contains(groupId, list.Out);
        Assert.Contains("page 1 of 1, 2 consumer groups", list.Out);
        Assert.Equal(0, (await CliRun.RunAsync(env, "subscribe", "group", "rename", groupId, name + "_v2")).Code);
        Assert.Equal(name + "_v2", Field((await CliRun.RunAsync(env, "subscribe", "group", "get", groupId)).Out, "GroupName"));
        Assert.Contains("backlog cleared", (await CliRun.RunAsync(env, "subscribe", "group", "reset", groupId)).Out);
        var fuzzy = await CliRun.RunAsync(env, "subscribe", "group", "list", "--name", "_v2", "--fuzzy");
        Assert.Contains(groupId, fuzzy.Out);
        Assert.DoesNotContain("DEFAULT_GROUP", fuzzy.Out);

        var subscribed = await CliRun.RunAsync(env, "subscribe", "relation", "create", pk, "--kind", "DeviceData", "--kind", "DeviceStatusChange", "--group", groupId);
        Assert.True(subscribed.Code == 0, subscribed.Err);
        var shown = await CliRun.RunAsync(env, "subscribe", "relation", "get", pk);
        Assert.Equal("DeviceData, DeviceStatusChange", Field(shown.Out, "Kinds"));
        Assert.Equal(groupId, Field(shown.Out, "Groups"));
        Assert.Equal(0, (await CliRun.RunAsync(env, "subscribe", "relation", "update", pk, "--kind", "ThingHistory", "--group", "DEFAULT_GROUP")).Code);
        shown = await CliRun.RunAsync(env, "subscribe", "relation", "get", pk);
        Assert.Equal("ThingHistory", Field(shown.Out, "Kinds"));
        Assert.Equal("DEFAULT_GROUP", Field(shown.Out, "Groups"));

        var refused = await CliRun.RunAsync(env, "subscribe", "group", "delete", "DEFAULT_GROUP");
        Assert.Equal(1, refused.Code);
        Assert.Contains("iot.consumergroup.DefaultGroupUnchangeable", refused.Err);
        Assert.Equal(2, (await CliRun.RunAsync(env, "subscribe", "relation", "create", pk, "--kind", "Everything")).Code);
        Assert.Equal(0, (await CliRun.RunAsync(env, "subscribe", "group", "delete", groupId)).Code);
        Assert.Equal(0, (await CliRun.RunAsync(env, "subscribe", "relation", "delete", pk)).Code);
        var gone = await CliRun.RunAsync(env, "subscribe", "relation", "get", pk);
        Assert.Equal(1, gone.Code);
        Assert.Contains("has no AMQP subscription", gone.Err);
    }

    [Fact]
    public async Task Consume_prints_a_groups_messages_over_amqps_and_accepts_them()
    {
        var account = await server.NewAccountAsync(Unique("cons"));
        var env = CliRun.Environment(server, account);
        var pk = (await server.CallAs(account, "CreateProduct", ("ProductName", Unique("Meter")), ("NodeType", "0"))).Str("ProductKey");
        await server.CallAs(account, "ImportThingModelTsl", ("ProductKey", pk), ("TslStr", Thingyard.Tests.Connectivity.ConnectivityCalls.SampleTsl));
        await server.CallAs(account, "PublishThingModel", ("ProductKey", pk));
        var created = (await server.CallAs(account, "RegisterDevice", ("ProductKey", pk))).At("Data");
        Assert.Equal(0, (await CliRun.RunAsync(env, "subscribe", "relation", "create", pk, "--kind", "DeviceData")).Code);
        await using (var device = await MqttDevice.ConnectAsync(server, pk, created.Str("DeviceName"), created.Str("DeviceSecret")))
            for (var i = 0; i < 2; i++)
                await device.RequestAsync(device.Sys("thing/event/property/post"), "thing.event.property.post", $$"""{"serial":"c{{i}}"}""", qos: 1);

        var pem = Path.Combine(server.DataDir, "mqtt-tls.crt");
        var consumed = await CliRun.RunAsync(env, "subscribe", "consume", "DEFAULT_GROUP", "--port", server.AmqpTlsPort.ToString(), "--ca", pem, "--count", "2", "--json");
        Assert.True(consumed.Code == 0, consumed.Err);
        var lines = consumed.JsonLines;
        Assert.Equal(["c0", "c1"], lines.Select(l => l.GetProperty("payload").GetProperty("items").GetProperty("serial").GetProperty("value").GetString()));
        Assert.All(lines, l => Assert.Equal($"/{pk}/{created.Str("DeviceName")}/thing/event/property/post", l.GetProperty("topic").GetString()));
        // Accepted: the group's backlog is empty.
        Assert.Equal(0, (await Thingyard.Tests.Connectivity.ConnectivityCalls.EventuallyAsync(() => server.CallAs(account, "QueryConsumerGroupStatus", ("GroupId", "DEFAULT_GROUP")),
            r => r.GetProperty("AccumulationCount").GetInt64() == 0)).GetProperty("AccumulationCount").GetInt64());

        var refused = await CliRun.RunAsync(env, "subscribe", "consume", "no-such-group", "--port", server.AmqpPort.ToString(), "--plain", "--count", "1");
        Assert.Equal(1, refused.Code);
        Assert.Contains("cannot consume no-such-group", refused.Err);
    }
}
