// Alarm rules through the OpenAPI: create, read, list, change, enable, disable and delete in the platform's envelope;
// every class of bad input refused with its code (missing and malformed parameters, identifiers the thing model lacks
// or of the wrong kind, bad targets, names taken, scopes that do not exist), changing nothing.
using Thingyard.Tests.Connectivity;
using Thingyard.Tests.Infrastructure;
using Thingyard.Tests.Registry;
using static Thingyard.Tests.Registry.RegistryCalls;

namespace Thingyard.Tests.Alarms;

public sealed class AlarmRuleTests(ThingyardServer server) : IClassFixture<ThingyardServer>
{
    [Fact]
    public async Task A_rule_is_created_read_listed_changed_stopped_started_and_deleted()
    {
        var pk = await server.NewModelledProductAsync();
        var d = await server.NewTestDeviceAsync(pk);
        var name = Unique("hot");
        var created = await server.Call("CreateAlarmRule", ("ProductKey", pk), ("Name", name), ("TriggerType", "property"), ("Identifier", "temperature"),
            ("Operator", ">"), ("Threshold", "40.5"), ("Severity", "2"), ("DeviceName", d.DeviceName), ("ConsecutiveCount", "3"),
            ("EmailAddresses.1", "ops@example.com"), ("WebhookUrls.1", "https://hooks.example.com/a"));
        Assert.True(created.At("Success").GetBoolean());
        var ruleId = created.At("RuleId").GetInt64().ToString();

        var data = (await server.Call("GetAlarmRule", ("RuleId", ruleId))).At("Data");
        Assert.Equal(name, data.Str("Name"));
        Assert.Equal(pk, data.Str("ProductKey"));
        Assert.Equal("major", data.Str("Severity"));
        Assert.Equal("RUNNING", data.Str("Status"));
        Assert.Equal("property", data.Str("TriggerType"));
        Assert.Equal(">", data.Str("Operator"));
        Assert.Equal(40.5, data.At("Threshold").GetDouble());
        Assert.Equal(3, data.At("ConsecutiveCount").GetInt32());
        Assert.Equal(d.DeviceName, data.Str("DeviceName"));
        Assert.Equal(["ops@example.com"], data.At("EmailAddresses").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(["https://hooks.example.com/a"], data.At("WebhookUrls").EnumerateArray().Select(e => e.GetString()));
        Assert.False(data.At("HasWebhookToken").GetBoolean());

        // A change keeps what it does not name; a list given empty empties it.
        var changed = (await server.Call("UpdateAlarmRule", ("RuleId", ruleId), ("Severity", "critical"), ("Threshold", "50"), ("EmailAddresses.1", ""),
            ("DeviceName", ""))).At("Data");
        Assert.Equal("critical", changed.Str("Severity"));
        Assert.Equal(50, changed.At("Threshold").GetDouble());
        Assert.Equal(">", changed.Str("Operator"));
        Assert.Empty(changed.At("EmailAddresses").EnumerateArray());
        Assert.Single(changed.At("WebhookUrls").EnumerateArray());
        Assert.False(changed.TryGetProperty("DeviceName", out _)); // "" removed the device scope

        await server.Call("DisableAlarmRule", ("RuleId", ruleId));
        Assert.Equal("STOPPED", (await server.Call("GetAlarmRule", ("RuleId", ruleId))).Str("Data.Status"));
        await server.Call("EnableAlarmRule", ("RuleId", ruleId));
        Assert.True((await server.Call("GetAlarmRule", ("RuleId", ruleId))).At("Data.Enabled").GetBoolean());

        var list = await server.Call("ListAlarmRules", ("ProductKey", pk));
        Assert.Equal(1, list.At("Total").GetInt32());
        Assert.Equal([name], list.At("Data.RuleInfo").Pluck("Name"));

        await server.Call("DeleteAlarmRule", ("RuleId", ruleId));
        Assert.Equal("iot.alarm.NotExistedAlarmRule", (await server.Fails("GetAlarmRule", ("RuleId", ruleId))).Code);
        Assert.Equal(0, (await server.Call("ListAlarmRules", ("ProductKey", pk))).At("Total").GetInt32());
    }

    [Fact]
    public async Task Every_class_of_bad_input_is_refused_with_its_code_and_creates_nothing()
    {
        var pk = await server.NewModelledProductAsync();
        var group = await server.NewGroupAsync();
        (string, string)[] Threshold(params (string, string)[] more) =>
            [("ProductKey", pk), ("Name", Unique("r")), ("TriggerType", "property"), ("Identifier", "temperature"), ("Operator", ">"), ("Threshold", "1"), .. more];
        (string, string)[] Without(string key) => Threshold().Where(p => p.Item1 != key).ToArray();
        (string, string)[] With(string key, string value) => [.. Without(key), (key, value)];
        var invalid = "iot.common.InvalidFormattedParameter";
        var cases = new (string Code, (string, string)[] Params)[]
        {
            ("MissingParameter", Without("ProductKey")),
            ("MissingParameter", Without("Name")),
            (invalid, Without("TriggerType")),
            (invalid, With("TriggerType", "metric")),
            (invalid, With("Severity", "urgent")),
            (invalid, With("Severity", "7")),
            (invalid, With("Operator", "=>")),
            (invalid, Without("Operator")),
            (invalid, With("Threshold", "hot")),
            (invalid, Without("Identifier")),
            (invalid, With("ConsecutiveCount", "0")),
            ("InvalidParameter", With("ConsecutiveCount", "many")),
            (invalid, With("WebhookUrls.1", "ftp://hooks.example.com")),
            (invalid, With("WebhookUrls.1", "hooks.example.com/a")),
            (invalid, With("EmailAddresses.1", "not-an-address")),
            (invalid, With("Name", new string('n', 65))),
            (invalid, With("WebhookToken", new string('t', 65))),
            ("iot.prod.NotExistedProduct", With("ProductKey", "a1nosuchprd")),
            ("iot.tsl.NotExistedIdentifier", With("Identifier", "humidity")),
            ("iot.alarm.InvalidAlarmRule", With("Identifier", "serial")), // a text property
            ("iot.alarm.InvalidAlarmRule", With("Identifier", "mode")), // an enum property
            ("iot.alarm.InvalidAlarmRule", With("ClearAfterSeconds", "60")),
            ("iot.device.NotExistedDevice", With("DeviceName", "nobody")),
            ("iot.group.NotExistedGroup", With("DeviceGroupId", "nosuchgroup00000")),
        };
        foreach (var (code, p) in cases)
        {
            var failure = await Record.ExceptionAsync(() => server.Call("CreateAlarmRule", p)) as Thingyard.Protocol.OpenApi.RpcCallException;
            Assert.True(code == failure?.Code, $"{string.Join(", ", p.Select(x => $"{x.Item1}={x.Item2}"))}: expected {code}, got {failure?.Code ?? "success"} ({failure?.Message})");
        }

        // Event rules: the identifier must be an alert event; thresholds do not apply.
        (string, string)[] Event(params (string, string)[] more) => [("ProductKey", pk), ("Name", Unique("e")), ("TriggerType", "event"), .. more];
        Assert.Equal("iot.tsl.NotExistedIdentifier", (await server.Fails("CreateAlarmRule", Event(("Identifier", "temperature")))).Code);
        Assert.Equal("iot.alarm.InvalidAlarmRule", (await server.Fails("CreateAlarmRule", Event(("Operator", ">")))).Code);
        Assert.Equal(invalid, (await server.Fails("CreateAlarmRule", Event(("ClearAfterSeconds", "-1")))).Code);
        var info = await server.NewProductAsync("Info");
        await server.Call("ImportThingModelTsl", ("ProductKey", info), ("TslStr", """
            {"events":[{"identifier":"boot","name":"Boot","type":"info","method":"thing.event.boot.post","outputData":[]}]}
            """));
        var notAlert = await server.Fails("CreateAlarmRule", ("ProductKey", info), ("Name", Unique("e")), ("TriggerType", "event"), ("Identifier", "boot"));
        Assert.Equal("iot.alarm.InvalidAlarmRule", notAlert.Code);
        Assert.Contains("type info", notAlert.Message);

        // One device or one group, not both; a name taken.
        var d = await server.NewTestDeviceAsync(pk);
        Assert.Equal("iot.alarm.InvalidAlarmRule", (await server.Fails("CreateAlarmRule", Threshold(("DeviceName", d.DeviceName), ("DeviceGroupId", group)))).Code);
        var taken = Unique("taken");
        await server.Call("CreateAlarmRule", [.. Without("Name"), ("Name", taken)]);
        Assert.Equal("iot.alarm.AlreadyExistedAlarmRuleName", (await server.Fails("CreateAlarmRule", [.. Without("Name"), ("Name", taken)])).Code);
        Assert.Equal(1, (await server.Call("ListAlarmRules", ("ProductKey", pk))).At("Total").GetInt32());

        // Lookups and alarms: missing, malformed and unknown ids; bad filters.
        Assert.Equal("MissingParameter", (await server.Fails("GetAlarmRule")).Code);
        Assert.Equal("InvalidParameter", (await server.Fails("GetAlarmRule", ("RuleId", "seven"))).Code);
        Assert.Equal("iot.alarm.NotExistedAlarmRule", (await server.Fails("UpdateAlarmRule", ("RuleId", "999999"), ("Severity", "info"))).Code);
        Assert.Equal("iot.alarm.NotExistedAlarm", (await server.Fails("AcknowledgeAlarm", ("AlarmId", "999999"))).Code);
        Assert.Equal("iot.alarm.NotExistedAlarm", (await server.Fails("QueryAlarmHistory", ("AlarmId", "999999"))).Code);
        Assert.Equal(invalid, (await server.Fails("QueryAlarmList", ("State", "open"))).Code);
        Assert.Equal(invalid, (await server.Fails("QueryAlarmList", ("Severity", "loud"))).Code);
        Assert.Equal("iot.common.InvalidPageParams", (await server.Fails("QueryAlarmList", ("PageSize", "101"))).Code);
    }
}
