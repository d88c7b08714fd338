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
}
