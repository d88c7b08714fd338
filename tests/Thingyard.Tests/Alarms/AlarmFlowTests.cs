// Alarms from real MQTT devices: a threshold fires one alarm (e-mail at the local SMTP sink, webhook at a local
// receiver), a repeat only counts, falling back clears it, and the next crossing is a new alarm; acknowledging and
// clearing by hand; alert events (one identifier or any, cleared by a quiet period); a disabled rule fires nothing;
// another account sees none of it.
using System.Text.Json;
using Thingyard.Tests.Connectivity;
using Thingyard.Tests.Infrastructure;
using Thingyard.Tests.Registry;
using static Thingyard.Tests.Registry.RegistryCalls;

namespace Thingyard.Tests.Alarms;

public sealed class AlarmFlowTests(AlarmServer server) : IClassFixture<AlarmServer>
{
    static int Count(JsonElement alarm) => alarm.At("Count").GetInt32();

    [Fact]
    public async Task A_threshold_fires_one_alarm_with_one_mail_and_webhook_repeats_count_and_falling_back_clears()
    {
        var pk = await server.NewModelledProductAsync();
        var d = await server.NewTestDeviceAsync(pk);
        var to = Unique("ops") + "@example.com";
        var hook = "/" + Unique("hook");
        var rule = await server.ThresholdRuleAsync(pk, ">", "40", ("Severity", "critical"), ("EmailAddresses.1", to),
            ("WebhookUrls.1", server.Webhooks.BaseUrl.TrimEnd('/') + hook), ("WebhookToken", "alarm-token-1"));
        await using var device = await server.ConnectAsync(d);

        await device.PostTemperatureAsync(45.5);
        var fired = Assert.Single(await server.AlarmsAsync(rule, l => l.Count == 1));
        Assert.Equal("active", fired.Str("State"));
        Assert.Equal("critical", fired.Str("Severity"));
        Assert.Equal(d.DeviceName, fired.Str("DeviceName"));
        Assert.Equal("temperature", fired.Str("Identifier"));
        Assert.Equal("45.5", fired.Str("Value"));
        Assert.Equal(1, Count(fired));

        // The same condition again: the open alarm counts it; no second alarm.
        await device.PostTemperatureAsync(50);
        var repeated = Assert.Single(await server.AlarmsAsync(rule, l => l.Count == 1 && Count(l[0]) == 2));
        Assert.Equal(fired.Str("AlarmId"), repeated.Str("AlarmId"));
        Assert.Equal("50", repeated.Str("Value"));

        // Falling back below the threshold clears it.
        await device.PostTemperatureAsync(20);
        var cleared = Assert.Single(await server.AlarmsAsync(rule, l => l[0].Str("State") == "cleared"));
        Assert.Equal("system", cleared.Str("ClearedBy"));
        Assert.Contains("no longer holds", cleared.Str("ClearNote"));

        // A new crossing is a new alarm.
        await device.PostTemperatureAsync(41);
        var again = await server.AlarmsAsync(rule, l => l.Count == 2);
        Assert.Equal("active", again[0].Str("State"));
        Assert.NotEqual(fired.Str("AlarmId"), again[0].Str("AlarmId"));

        // E-mails: fired, cleared, fired again (the sink does not keep their order); the repeat sent none.
        var mails = await ConnectivityCalls.EventuallyAsync(() => Task.FromResult(server.MailTo(to)), m => m.Count >= 3);
        Assert.Equal(3, mails.Count);
        var first = Assert.Single(mails, m => m.MessageParts[0].BodyData.Contains($"Alarm {fired.Str("AlarmId")} fired"));
        Assert.Equal($"[Thingyard critical] {(await server.Call("GetAlarmRule", ("RuleId", rule))).Str("Data.Name")} fired on {pk}/{d.DeviceName}", first.Subject);
        var text = first.MessageParts[0].BodyData;
        Assert.Contains("temperature = 45.5", text);
        Assert.Contains("Severity: critical", text);
        Assert.Contains($"Device: {pk}/{d.DeviceName}", text);
        Assert.Single(mails, m => m.MessageParts[0].BodyData.Contains($"Alarm {fired.Str("AlarmId")} cleared"));
        Assert.Single(mails, m => m.MessageParts[0].BodyData.Contains($"Alarm {again[0].Str("AlarmId")} fired"));

        // The webhook got the same three through the outbox, as JSON signed with the rule's token, naming the rule as its source.
        var posts = await ConnectivityCalls.EventuallyAsync(() => Task.FromResult(server.Webhooks.At(hook)), p => p.Count >= 3);
        // The outbox posts concurrently, so their order is not kept.
        Assert.Equal(["cleared", "fired", "fired"], posts.Select(p => p.Body.Str("event")).Order());
        var post = Assert.Single(posts, p => p.Body.Str("event") == "fired" && p.Body.At("alarmId").GetInt64() == fired.At("AlarmId").GetInt64());
        Assert.Equal("45.5", post.Body.Str("value"));
        Assert.Equal(d.DeviceName, post.Body.Str("deviceName"));
        Assert.Equal("critical", post.Body.Str("severity"));
        Assert.Equal($"alarm:{rule}", post.Source);
        Assert.Equal(Thingyard.Server.Webhooks.WebhookSignature.Sign("alarm-token-1", long.Parse(post.Timestamp!), post.Raw), post.Signature);

        // History of the first alarm: fired, then cleared.
        var history = (await server.Call("QueryAlarmHistory", ("AlarmId", fired.Str("AlarmId")))).At("Data.AlarmHistoryInfo");
        Assert.Equal(["active", "cleared"], history.Pluck("State"));
        Assert.Equal(["system", "system"], history.Pluck("Operator"));
    }

    [Fact]
    public async Task An_alarm_is_acknowledged_with_a_note_keeps_counting_and_once_cleared_by_hand_fires_anew()
    {
        var pk = await server.NewModelledProductAsync();
        var d = await server.NewTestDeviceAsync(pk);
        var rule = await server.ThresholdRuleAsync(pk, ">=", "30", ("Severity", "minor"));
        await using var device = await server.ConnectAsync(d);
        await device.PostTemperatureAsync(30);
        var alarmId = Assert.Single(await server.AlarmsAsync(rule, l => l.Count == 1)).Str("AlarmId");

        var acked = (await server.Call("AcknowledgeAlarm", ("AlarmId", alarmId), ("Note", "fan replaced"))).At("Data");
        Assert.Equal("acknowledged", acked.Str("State"));
        Assert.Equal("fan replaced", acked.Str("AcknowledgeNote"));
        Assert.Equal("AccessKey " + ThingyardServer.AdminKeyId, acked.Str("AcknowledgedBy"));
        Assert.NotEqual("", acked.Str("AcknowledgedTime"));

        await device.PostTemperatureAsync(31);
        var counted = Assert.Single(await server.AlarmsAsync(rule, l => Count(l[0]) == 2));
        Assert.Equal("acknowledged", counted.Str("State"));

        var cleared = (await server.Call("ClearAlarm", ("AlarmId", alarmId), ("Note", "done"))).At("Data");
        Assert.Equal("cleared", cleared.Str("State"));
        Assert.Equal("done", cleared.Str("ClearNote"));
        Assert.Equal("iot.alarm.AlarmAlreadyCleared", (await server.Fails("AcknowledgeAlarm", ("AlarmId", alarmId))).Code);
        Assert.Equal("iot.alarm.AlarmAlreadyCleared", (await server.Fails("ClearAlarm", ("AlarmId", alarmId))).Code);

        // Still over the threshold: the next value opens a new alarm.
        await device.PostTemperatureAsync(32);
        var both = await server.AlarmsAsync(rule, l => l.Count == 2);
        Assert.Equal(["active", "cleared"], both.Select(a => a.Str("State")));
        var history = (await server.Call("QueryAlarmHistory", ("AlarmId", alarmId))).At("Data.AlarmHistoryInfo");
        Assert.Equal(["active", "acknowledged", "cleared"], history.Pluck("State"));
        Assert.Equal("fan replaced", history[1].Str("Note"));

        // The filters: open ones only, by state and by severity.
        Assert.Equal(1, (await server.Call("QueryAlarmList", ("RuleId", rule), ("State", "cleared"))).At("Total").GetInt32());
        Assert.Equal(1, (await server.Call("QueryAlarmList", ("RuleId", rule), ("OpenOnly", "true"))).At("Total").GetInt32());
        Assert.Equal(2, (await server.Call("QueryAlarmList", ("ProductKey", pk), ("Severity", "minor"))).At("Total").GetInt32());
        Assert.Equal(0, (await server.Call("QueryAlarmList", ("ProductKey", pk), ("Severity", "critical"))).At("Total").GetInt32());
        Assert.Equal(2, (await server.Call("QueryAlarmList", ("ProductKey", pk), ("DeviceName", d.DeviceName))).At("Total").GetInt32());
    }

    [Fact]
    public async Task An_alert_event_fires_an_alarm_that_its_quiet_period_clears()
    {
        var pk = await server.NewModelledProductAsync();
        var d = await server.NewTestDeviceAsync(pk);
        var any = (await server.Call("CreateAlarmRule", ("ProductKey", pk), ("Name", Unique("anyalert")), ("TriggerType", "event"),
            ("ClearAfterSeconds", "1"))).Str("RuleId");
        var named = (await server.Call("CreateAlarmRule", ("ProductKey", pk), ("Name", Unique("overheat")), ("TriggerType", "event"),
            ("Identifier", "overheat"), ("Severity", "major"))).Str("RuleId");
        await using var device = await server.ConnectAsync(d);
        await device.PostOverheatAsync(99.5);

        var byName = Assert.Single(await server.AlarmsAsync(named, l => l.Count == 1));
        Assert.Equal("event", byName.Str("TriggerType"));
        Assert.Equal("overheat", byName.Str("Identifier"));
        Assert.Contains("99.5", byName.Str("Value"));
        // The quiet period clears the "any alert" alarm; the other waits for a person.
        var quiet = Assert.Single(await server.AlarmsAsync(any, l => l.Count == 1 && l[0].Str("State") == "cleared"));
        Assert.Equal("no alert event for 1 s", quiet.Str("ClearNote"));
        Assert.Equal("active", Assert.Single(await server.AlarmsAsync(named, l => l.Count == 1)).Str("State"));
    }

    [Fact]
    public async Task A_disabled_rule_fires_nothing_and_enabled_again_fires()
    {
        var pk = await server.NewModelledProductAsync();
        var d = await server.NewTestDeviceAsync(pk);
        var off = await server.ThresholdRuleAsync(pk, "<", "0", ("Enabled", "false"));
        Assert.Equal("STOPPED", (await server.Call("GetAlarmRule", ("RuleId", off))).Str("Data.Status"));
        await using var device = await server.ConnectAsync(d);
        await device.PostTemperatureAsync(-5);
        // Values are evaluated in order: once a later rule has fired on a later value, the first value was evaluated.
        var marker = await server.ThresholdRuleAsync(pk, ">", "100");
        await device.PostTemperatureAsync(101);
        await server.AlarmsAsync(marker, l => l.Count == 1);
        Assert.Equal(0, (await server.Call("QueryAlarmList", ("RuleId", off))).At("Total").GetInt32());

        await server.Call("EnableAlarmRule", ("RuleId", off));
        await device.PostTemperatureAsync(-6);
        Assert.Equal("-6", Assert.Single(await server.AlarmsAsync(off, l => l.Count == 1)).Str("Value"));
    }

    [Fact]
    public async Task Another_accounts_rules_and_alarms_are_not_found_and_not_listed()
    {
        var pk = await server.NewModelledProductAsync();
        var d = await server.NewTestDeviceAsync(pk);
        var rule = await server.ThresholdRuleAsync(pk, ">", "10");
        await using var device = await server.ConnectAsync(d);
        await device.PostTemperatureAsync(11);
        var alarmId = Assert.Single(await server.AlarmsAsync(rule, l => l.Count == 1)).Str("AlarmId");

        var other = await server.NewAccountAsync(Unique("alarmb"));
        Assert.Equal(0, (await server.CallAs(other, "QueryAlarmList")).At("Total").GetInt32());
        Assert.Equal(0, (await server.CallAs(other, "ListAlarmRules")).At("Total").GetInt32());
        Assert.Equal(0, (await server.CallAs(other, "QueryAlarmHistory")).At("Total").GetInt32());
        Assert.Equal("iot.alarm.NotExistedAlarmRule", (await server.FailsAs(other, "GetAlarmRule", ("RuleId", rule))).Code);
        Assert.Equal("iot.alarm.NotExistedAlarmRule", (await server.FailsAs(other, "DisableAlarmRule", ("RuleId", rule))).Code);
        Assert.Equal("iot.alarm.NotExistedAlarm", (await server.FailsAs(other, "AcknowledgeAlarm", ("AlarmId", alarmId))).Code);
        Assert.Equal("iot.alarm.NotExistedAlarm", (await server.FailsAs(other, "ClearAlarm", ("AlarmId", alarmId))).Code);
        Assert.Equal("iot.prod.NotExistedProduct", (await server.FailsAs(other, "CreateAlarmRule", ("ProductKey", pk), ("Name", "x"),
            ("TriggerType", "event"))).Code);
        Assert.Equal("active", Assert.Single(await server.AlarmsAsync(rule, l => l.Count == 1)).Str("State"));
    }
}
