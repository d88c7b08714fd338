// `thingyard rule` in-process against a live server: a rule created from a whole topic, tried on a sample message,
// given an action, started, listed with its counts, stopped and deleted; a bad SQL shown with its position.
using Thingyard.Tests.Infrastructure;
using Thingyard.Tests.Registry;
using static Thingyard.Tests.Registry.RegistryCalls;

namespace Thingyard.Tests.Cli;

public sealed class RuleCliTests(ThingyardServer server) : IClassFixture<ThingyardServer>
{
    static string Field(string output, string key) =>
        output.Split('\n').Select(l => l.TrimEnd('\r')).Single(l => l.StartsWith(key + ":", StringComparison.Ordinal))[(key.Length + 1)..].Trim();

    [Fact]
    public async Task A_rule_from_the_command_line()
    {
        var account = await server.NewAccountAsync(Unique("cli"));
        var env = CliRun.Environment(server, account);
        var pk = (await server.CallAs(account, "CreateProduct", ("ProductName", Unique("Meter")), ("NodeType", "0"))).Str("ProductKey");
        var name = Unique("r");

        var created = await CliRun.RunAsync(env, "rule", "create", name, "--topic", $"/sys/{pk}/+/thing/event/property/post",
            "--select", "deviceName() as d, items.power.value as p", "--where", "items.power.value > 100");
        Assert.True(created.Code == 0, created.Err);
        var ruleId = Field(created.Out, "RuleId");

        var tried = await CliRun.RunAsync(env, "rule", "test", ruleId, "--payload", """{"items":{"power":{"value":150}}}""");
        Assert.True(tried.Code == 0, tried.Err);
        Assert.Equal("""{"d":"device1","p":150}""", tried.Out.Trim());
        Assert.Contains("WHERE is false", (await CliRun.RunAsync(env, "rule", "test", ruleId, "--payload", """{"items":{"power":{"value":5}}}""")).Out);

        var added = await CliRun.RunAsync(env, "rule", "action", "add", ruleId, "AMQP", """{"groupId":"DEFAULT_GROUP"}""");
        Assert.True(added.Code == 0, added.Err);
        var actionId = Field(added.Out, "ActionId");
        Assert.Contains("DEFAULT_GROUP", (await CliRun.RunAsync(env, "rule", "action", "list", ruleId)).Out);
        Assert.Contains("started", (await CliRun.RunAsync(env, "rule", "start", ruleId)).Out);
        var list = await CliRun.RunAsync(env, "rule", "list");
        Assert.Contains(name, list.Out);
        Assert.Contains("RUNNING", list.Out);
        Assert.Contains("page 1 of 1, 1 rule", list.Out);
        var shown = await CliRun.RunAsync(env, "rule", "get", ruleId);
        Assert.Equal($"SELECT deviceName() as d, items.power.value as p FROM \"/sys/{pk}/+/thing/event/property/post\" WHERE items.power.value > 100", Field(shown.Out, "Sql"));
        Assert.Equal("0", Field(shown.Out, "FailedCount"));
        Assert.Equal(0, (await CliRun.RunAsync(env, "rule", "deadletters", ruleId)).Code);

        var bad = await CliRun.RunAsync(env, "rule", "update", ruleId, "--where", "items.power.value >> 1");
        Assert.NotEqual(0, bad.Code);
        Assert.Contains("Where at character 20", bad.Err);
        Assert.Contains("stopped", (await CliRun.RunAsync(env, "rule", "stop", ruleId)).Out);
        Assert.Contains("deleted", (await CliRun.RunAsync(env, "rule", "action", "delete", actionId)).Out);
        Assert.Contains("deleted", (await CliRun.RunAsync(env, "rule", "delete", ruleId)).Out);
        Assert.NotEqual(0, (await CliRun.RunAsync(env, "rule", "get", ruleId)).Code);
    }
}
