// The rule actions through the OpenAPI: created, read back in GetRule/ListRule/ListRuleActions' shapes, changed, started,
// stopped, deleted; and each class of bad input refused with the platform's code and a message that says what is wrong
// (bad SQL with its position, topics, names, action types and configurations, data types, limits, another account's
// product).
using System.Text.Json;
using Thingyard.Tests.Connectivity;
using Thingyard.Tests.Infrastructure;
using Thingyard.Tests.Registry;
using static Thingyard.Tests.Registry.RegistryCalls;

namespace Thingyard.Tests.Rules;

public sealed class RuleApiTests(ThingyardServer server) : IClassFixture<ThingyardServer>
{
    async Task<(string Pk, string RuleId)> NewRuleAsync(params (string, string)[] more)
    {
        var pk = await server.NewModelledProductAsync();
        var p = new List<(string, string)> { ("Name", Unique("rule")), ("ProductKey", pk), ("ShortTopic", "+/thing/event/property/post"), ("TopicType", "0") };
        p.AddRange(more);
        return (pk, (await server.Call("CreateRule", [.. p])).GetProperty("RuleId").GetInt64().ToString());
    }

    [Fact]
    public async Task A_rule_and_its_actions_are_read_back_in_the_platforms_shape()
    {
        var (pk, ruleId) = await NewRuleAsync(("Select", "deviceName() as dn, items.temperature.value as t"), ("Where", "items.temperature.value > 30"), ("RuleDesc", "hot"));
        var info = (await server.Call("GetRule", ("RuleId", ruleId))).GetProperty("RuleInfo");
        Assert.Equal(long.Parse(ruleId), info.GetProperty("Id").GetInt64());
        Assert.Equal(pk, info.Str("ProductKey"));
        Assert.Equal("+/thing/event/property/post", info.Str("ShortTopic"));
        Assert.Equal($"/sys/{pk}/+/thing/event/property/post", info.Str("Topic"));
        Assert.Equal(0, info.GetProperty("TopicType").GetInt32());
        Assert.Equal("deviceName() as dn, items.temperature.value as t", info.Str("Select"));
        Assert.Equal("items.temperature.value > 30", info.Str("Where"));
        Assert.Equal($"SELECT deviceName() as dn, items.temperature.value as t FROM \"/sys/{pk}/+/thing/event/property/post\" WHERE items.temperature.value > 30", info.Str("Sql"));
        Assert.Equal("JSON", info.Str("DataType"));
        Assert.Equal("hot", info.Str("RuleDesc"));
        Assert.Equal("STOP", info.Str("Status"));
        Assert.Matches(@"^\w{3} \w{3} \d{2} \d{2}:\d{2}:\d{2} UTC \d{4}$", info.Str("Created"));
        Assert.EndsWith("Z", info.Str("UtcCreated"));

        var device = await server.NewTestDeviceAsync(pk);
        var republish = $$"""{"topic":"/{{pk}}/{{device.DeviceName}}/user/get","topicType":1}""";
        var actionId = (await server.Call("CreateRuleAction", ("RuleId", ruleId), ("Type", "REPUBLISH"), ("Configuration", republish))).GetProperty("ActionId").GetInt64();
        var action = (await server.Call("GetRuleAction", ("ActionId", actionId.ToString()))).GetProperty("RuleActionInfo");
        Assert.Equal("REPUBLISH", action.Str("Type"));
        Assert.Equal(republish, action.Str("Configuration"));
        Assert.False(action.GetProperty("ErrorActionFlag").GetBoolean());
        Assert.Equal(long.Parse(ruleId), action.GetProperty("RuleId").GetInt64());
        var list = (await server.Call("ListRuleActions", ("RuleId", ruleId))).At("RuleActionList.RuleActionInfo");
        Assert.Equal(actionId, Assert.Single(list.EnumerateArray()).GetProperty("Id").GetInt64());

        await server.Call("StartRule", ("RuleId", ruleId));
        Assert.Equal("RUNNING", (await server.Call("GetRule", ("RuleId", ruleId))).Str("RuleInfo.Status"));
        await server.Call("UpdateRule", ("RuleId", ruleId), ("Where", "items.temperature.value > 40"), ("Name", Unique("renamed")));
        Assert.Equal("items.temperature.value > 40", (await server.Call("GetRule", ("RuleId", ruleId))).Str("RuleInfo.Where"));
        await server.Call("StopRule", ("RuleId", ruleId));
        Assert.Equal("STOP", (await server.Call("GetRule", ("RuleId", ruleId))).Str("RuleInfo.Status"));

        var listed = await server.Call("ListRule", ("CurrentPage", "1"), ("PageSize", "100"));
        Assert.Contains(listed.At("Data.RuleInfo").EnumerateArray(), r => r.GetProperty("Id").GetInt64() == long.Parse(ruleId));
        Assert.True(listed.GetProperty("Total").GetInt32() >= 1);

        await server.Call("DeleteRuleAction", ("ActionId", actionId.ToString()));
        Assert.Equal(0, (await server.Call("ListRuleActions", ("RuleId", ruleId))).At("RuleActionList.RuleActionInfo").GetArrayLength());
        await server.Call("DeleteRule", ("RuleId", ruleId));
        Assert.Equal("iot.rule.NotExistedRule", (await server.Fails("GetRule", ("RuleId", ruleId))).Code);
    }

    [Fact]
    public async Task A_full_topic_names_the_product_and_topic_type()
    {
        var pk = await server.NewModelledProductAsync();
        var ruleId = (await server.Call("CreateRule", ("Name", Unique("t")), ("Topic", $"/{pk}/+/user/data/#"), ("Select", "*"))).GetProperty("RuleId").GetInt64();
        var info = (await server.Call("GetRule", ("RuleId", ruleId.ToString()))).GetProperty("RuleInfo");
        Assert.Equal(1, info.GetProperty("TopicType").GetInt32());
        Assert.Equal("+/user/data/#", info.Str("ShortTopic"));
        var status = (await server.Call("CreateRule", ("Name", Unique("s")), ("Topic", $"/as/mqtt/status/{pk}/+"), ("Select", "status"))).GetProperty("RuleId").GetInt64();
        Assert.Equal(2, (await server.Call("GetRule", ("RuleId", status.ToString()))).At("RuleInfo.TopicType").GetInt32());
    }

    [Theory]
    [InlineData("deviceName( as dn", null, "Select at character 13")]
    [InlineData("*", "items.temperature.value >> 3", "Where at character 26")]
    [InlineData("nosuch() as x", null, "unknown function nosuch()")]
    [InlineData("*", "a = 'unterminated", "Where at character 5")]
    public async Task A_bad_sql_is_refused_with_the_position_of_the_error(string select, string? where, string position)
    {
        var pk = await server.NewModelledProductAsync();
        var p = new List<(string, string)> { ("Name", Unique("bad")), ("ProductKey", pk), ("ShortTopic", "+/thing/event/property/post"), ("Select", select) };
        if (where is not null) p.Add(("Where", where));
        var e = await server.Fails("CreateRule", [.. p]);
        Assert.Equal("iot.rule.InvalidFormattedSql", e.Code);
        Assert.True(e.Message.Contains(position), e.Message);
        Assert.Contains("line 1, column", e.Message);
    }

    [Fact]
    public async Task Each_class_of_bad_input_is_refused_with_what_is_wrong()
    {
        var (pk, ruleId) = await NewRuleAsync(("Select", "*"));
        async Task Refused(string code, string mentions, string action, params (string, string)[] p)
        {
            var e = await server.Fails(action, p);
            Assert.Equal(code, e.Code);
            Assert.Contains(mentions, e.Message);
        }
        await Refused("iot.rule.InvalidFormattedRuleName", "Name", "CreateRule", ("Name", "has space"), ("ProductKey", pk), ("ShortTopic", "+/user/x"), ("TopicType", "1"));
        await Refused("iot.rule.InvalidFormattedRuleName", "Name", "CreateRule", ("Name", new string('n', 31)), ("ProductKey", pk), ("ShortTopic", "+/user/x"), ("TopicType", "1"));
        var name = (await server.Call("GetRule", ("RuleId", ruleId))).Str("RuleInfo.Name");
        await Refused("iot.rule.AlreadyExistedRuleName", name, "CreateRule", ("Name", name), ("ProductKey", pk), ("ShortTopic", "+/user/x"), ("TopicType", "1"));
        await Refused("iot.rule.InvalidFormattedTopic", "ShortTopic", "CreateRule", ("Name", Unique("t")), ("ProductKey", pk), ("ShortTopic", "+/thing/nothing"), ("TopicType", "0"));
        await Refused("iot.rule.InvalidFormattedTopic", "custom topic", "CreateRule", ("Name", Unique("t")), ("ProductKey", pk), ("ShortTopic", "+/elsewhere/x"), ("TopicType", "1"));
        await Refused("iot.rule.InvalidFormattedTopic", "TopicType 7", "CreateRule", ("Name", Unique("t")), ("ProductKey", pk), ("ShortTopic", "+"), ("TopicType", "7"));
        await Refused("iot.common.InvalidFormattedParameter", "BINARY", "CreateRule", ("Name", Unique("t")), ("ProductKey", pk), ("ShortTopic", "+/user/x"), ("TopicType", "1"), ("DataType", "BINARY"));
        await Refused("iot.prod.NotExistedProduct", "nosuchpk", "CreateRule", ("Name", Unique("t")), ("ProductKey", "nosuchpk"), ("ShortTopic", "+/user/x"), ("TopicType", "1"));

        var empty = (await server.Call("CreateRule", ("Name", Unique("e")), ("ProductKey", pk), ("ShortTopic", "+/user/x"), ("TopicType", "1"))).GetProperty("RuleId").GetInt64().ToString();
        await Refused("iot.rule.EmptySql", "Select", "StartRule", ("RuleId", empty));

        await Refused("iot.rule.InvalidRuleActionConfiguration", "self-hosted", "CreateRuleAction", ("RuleId", ruleId), ("Type", "OTS"), ("Configuration", "{}"));
        await Refused("iot.rule.InvalidRuleActionConfiguration", "not REPUBLISH, AMQP or WEBHOOK", "CreateRuleAction", ("RuleId", ruleId), ("Type", "FAX"), ("Configuration", "{}"));
        await Refused("iot.rule.InvalidRuleActionConfiguration", "not JSON", "CreateRuleAction", ("RuleId", ruleId), ("Type", "AMQP"), ("Configuration", "{groupId:"));
        await Refused("iot.rule.InvalidRuleActionConfiguration", "groupId", "CreateRuleAction", ("RuleId", ruleId), ("Type", "AMQP"), ("Configuration", "{}"));
        await Refused("iot.consumergroup.NotExistedConsumerGroup", "nosuchgroup", "CreateRuleAction", ("RuleId", ruleId), ("Type", "AMQP"), ("Configuration", """{"groupId":"nosuchgroup"}"""));
        await Refused("iot.rule.InvalidRuleActionConfiguration", "not a topic of a device", "CreateRuleAction", ("RuleId", ruleId), ("Type", "REPUBLISH"), ("Configuration", $$"""{"topic":"/{{pk}}/nobody/user/get"}"""));
        await Refused("iot.rule.InvalidRuleActionConfiguration", "https", "CreateRuleAction", ("RuleId", ruleId), ("Type", "WEBHOOK"), ("Configuration", """{"url":"ftp://127.0.0.1/x"}"""));
        await Refused("iot.rule.InvalidRuleActionConfiguration", "token", "CreateRuleAction", ("RuleId", ruleId), ("Type", "WEBHOOK"),
            ("Configuration", $$"""{"url":"https://127.0.0.1/x","token":"{{new string('k', 65)}}"}"""));
        using var hook = new WebhookReceiver();
        var webhook = $$"""{"url":"{{hook.Url}}"}""";
        await server.Call("CreateRuleAction", ("RuleId", ruleId), ("Type", "WEBHOOK"), ("Configuration", webhook), ("ErrorActionFlag", "true"));
        await Refused("iot.rule.TooManyRuleActions", "error action", "CreateRuleAction", ("RuleId", ruleId), ("Type", "WEBHOOK"), ("Configuration", webhook), ("ErrorActionFlag", "true"));
        for (var i = 0; i < 10; i++) await server.Call("CreateRuleAction", ("RuleId", ruleId), ("Type", "WEBHOOK"), ("Configuration", webhook));
        await Refused("iot.rule.TooManyRuleActions", "at most 10", "CreateRuleAction", ("RuleId", ruleId), ("Type", "WEBHOOK"), ("Configuration", webhook));
        await Refused("iot.rule.NotExistedRule", "99999999", "GetRule", ("RuleId", "99999999"));
        await Refused("iot.rule.NotExistedRuleAction", "99999999", "GetRuleAction", ("ActionId", "99999999"));
    }

    [Fact]
    public async Task Another_accounts_product_and_consumer_group_cannot_be_used()
    {
        var other = await server.NewAccountAsync(Unique("o"));
        var (pk, ruleId) = await NewRuleAsync(("Select", "*"));
        var theirs = (await server.CallAs(other, "CreateConsumerGroup", ("GroupName", Unique("theirs")))).Str("GroupId");
        var e = await server.FailsAs(other, "CreateRule", ("Name", Unique("x")), ("ProductKey", pk), ("ShortTopic", "+/user/x"), ("TopicType", "1"));
        Assert.Equal("iot.prod.NotExistedProduct", e.Code);
        Assert.Equal("iot.consumergroup.NotExistedConsumerGroup",
            (await server.Fails("CreateRuleAction", ("RuleId", ruleId), ("Type", "AMQP"), ("Configuration", $$"""{"groupId":"{{theirs}}"}"""))).Code);
        Assert.Equal("iot.rule.NotExistedRule", (await server.FailsAs(other, "StartRule", ("RuleId", ruleId))).Code);
    }

    [Fact]
    public async Task TestRule_runs_a_statement_on_a_sample_message_and_forwards_nothing()
    {
        var r = await server.Call("TestRule", ("Select", "items.temperature.value as t, deviceName() as dn"), ("Where", "items.temperature.value > 30"),
            ("Topic", "/sys/a1pk/+/thing/event/property/post"), ("Payload", """{"items":{"temperature":{"value":31}}}"""));
        Assert.True(r.GetProperty("Matched").GetBoolean());
        Assert.Equal("""{"t":31,"dn":"device1"}""", r.Str("Output"));
        var no = await server.Call("TestRule", ("Select", "*"), ("Where", "items.temperature.value > 30"), ("Payload", """{"items":{"temperature":{"value":3}}}"""));
        Assert.False(no.GetProperty("Matched").GetBoolean());
        Assert.Equal("iot.rule.InvalidFormattedSql", (await server.Fails("TestRule", ("Select", "a b c"), ("Payload", "{}"))).Code);
        Assert.Equal("iot.common.InvalidFormattedParameter", (await server.Fails("TestRule", ("Select", "*"), ("Payload", "{oops"))).Code);
    }
}
