// `thingyard alarm rule` and `thingyard alarm list|ack|clear|history` in-process against a live server: a rule created,
// listed, disabled and enabled; an alarm from a real MQTT device listed, acknowledged, cleared and its history shown;
// the refusals the user sees.
using Thingyard.Tests.Alarms;
using Thingyard.Tests.Connectivity;
using Thingyard.Tests.Infrastructure;
using Thingyard.Tests.Registry;

namespace Thingyard.Tests.Cli;

public sealed class AlarmCliTests(ThingyardServer server) : IClassFixture<ThingyardServer>
{
    static string Field(string output, string key) =>
        output.Split('\n').Select(l => l.TrimEnd('\r')).Single(l => l.StartsWith(key + ":", StringComparison.Ordinal))[(key.Length + 1)..].Trim();

    [Fact]
    public async Task Rules_and_alarms_from_the_command_line()
    {
        var pk = await server.NewModelledProductAsync();
        var d = await server.NewTestDeviceAsync(pk);
        var name = RegistryCalls.Unique("boiler");

        var created = await CliRun.RunAsync(server, "alarm", "rule", "create", pk, name, "--property", "temperature", "--op", ">=", "--value", "80",
            "--severity", "critical", "--email", "ops@example.com");
        Assert.True(created.Code == 0, created.Err);
        var ruleId = Field(created.Out, "RuleId");
        var rules = await CliRun.RunAsync(server, "alarm", "rule", "list", "--product", pk);
        Assert.Contains(name, rules.Out);
        Assert.Contains("temperature >= 80", rules.Out);
        Assert.Contains("RUNNING", rules.Out);
        Assert.Contains("page 1 of 1, 1 alarm rule", rules.Out);
        Assert.Contains("disabled", (await CliRun.RunAsync(server, "alarm", "rule", "disable", ruleId)).Out);
        Assert.Contains("STOPPED", (await CliRun.RunAsync(server, "alarm", "rule", "list", "--product", pk)).Out);
        Assert.Equal(0, (await CliRun.RunAsync(server, "alarm", "rule", "enable", ruleId)).Code);

        var evt = await CliRun.RunAsync(server, "alarm", "rule", "create", pk, name + "_e", "--event", "*", "--clear-after", "600");
        Assert.True(evt.Code == 0, evt.Err);
        Assert.Contains("event (any alert)", (await CliRun.RunAsync(server, "alarm", "rule", "list", "--product", pk)).Out);

        await using (var device = await server.ConnectAsync(d))
            await device.PostTemperatureAsync(85);
        var alarm = (await server.AlarmsAsync(ruleId, l => l.Count == 1))[0];
        var alarmId = alarm.Str("AlarmId");
        var listed = await CliRun.RunAsync(server, "alarm", "list", "--product", pk, "--open");
        Assert.Contains(alarmId, listed.Out);
        Assert.Contains("active", listed.Out);
        Assert.Contains($"{pk}/{d.DeviceName}", listed.Out);

        Assert.Contains("acknowledged", (await CliRun.RunAsync(server, "alarm", "ack", alarmId, "--note", "on it")).Out);
        Assert.Contains("cleared", (await CliRun.RunAsync(server, "alarm", "clear", alarmId, "--note", "valve fixed")).Out);
        var history = await CliRun.RunAsync(server, "alarm", "history", alarmId);
        Assert.Contains("on it", history.Out);
        Assert.Contains("valve fixed", history.Out);
        Assert.Contains("page 1 of 1, 3 changes", history.Out);

        var again = await CliRun.RunAsync(server, "alarm", "clear", alarmId);
        Assert.Equal(1, again.Code);
        Assert.Contains("iot.alarm.AlarmAlreadyCleared", again.Err);
        var bad = await CliRun.RunAsync(server, "alarm", "rule", "create", pk, name + "_x", "--property", "serial", "--op", ">", "--value", "1");
        Assert.Equal(1, bad.Code);
        Assert.Contains("iot.alarm.InvalidAlarmRule", bad.Err);
        Assert.Equal(0, (await CliRun.RunAsync(server, "alarm", "rule", "delete", ruleId)).Code);
        Assert.Contains("iot.alarm.NotExistedAlarmRule", (await CliRun.RunAsync(server, "alarm", "rule", "delete", ruleId)).Err);
    }
}
