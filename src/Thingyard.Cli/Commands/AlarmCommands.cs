// `thingyard alarm rule list|create|delete|enable|disable` and `thingyard alarm list|ack|clear|history`: alarm rules
// and alarms (ListAlarmRules, CreateAlarmRule, DeleteAlarmRule, EnableAlarmRule, DisableAlarmRule, QueryAlarmList,
// AcknowledgeAlarm, ClearAlarm, QueryAlarmHistory).
using System.CommandLine;
using System.Text.Json;
using Thingyard.Cli.Output;

namespace Thingyard.Cli.Commands;

public static class AlarmCommands
{
    public static Command Build(CliContext cli) => new("alarm", "Alarms on property thresholds and alert events, and their rules")
    {
        new Command("rule", "Alarm rules: when a product's devices raise alarms, and whom to notify")
        {
            ListRules(cli), CreateRule(cli),
            RuleAction(cli, "delete", "Delete an alarm rule (its alarms stay)", "DeleteAlarmRule", "alarm rule {0} deleted"),
            RuleAction(cli, "enable", "Start evaluating an alarm rule", "EnableAlarmRule", "alarm rule {0} enabled"),
            RuleAction(cli, "disable", "Stop evaluating an alarm rule (open alarms stay open)", "DisableAlarmRule", "alarm rule {0} disabled"),
        },
        ListAlarms(cli),
        AlarmAction(cli, "ack", "Acknowledge an active alarm", "AcknowledgeAlarm", "acknowledged"),
        AlarmAction(cli, "clear", "Clear an open alarm by hand", "ClearAlarm", "cleared"),
        History(cli),
    };

    static Argument<string> RuleId() => new("RULE") { Description = "RuleId" };

    static Command ListRules(CliContext cli)
    {
        var pk = new Option<string>("--product") { Description = "Only the rules of this ProductKey" };
        var paging = new Paging();
        var command = new Command("list", "List the account's alarm rules") { pk };
        paging.AddTo(command);
        command.SetAction((r, ct) => cli.CallAsync(r, rpc => rpc.CallAsync("ListAlarmRules", new RpcParams
        {
            { "ProductKey", r.GetValue(pk) }, { "CurrentPage", r.GetValue(paging.Page) ?? 1 }, { "PageSize", r.GetValue(paging.PageSize) },
        }, ct), body =>
        {
            Table.Write(cli.Out, ["RULE ID", "NAME", "PRODUCT", "SEVERITY", "STATUS", "TRIGGER"], body.GetProperty("Data").GetProperty("RuleInfo").EnumerateArray()
                .Select(x => (IReadOnlyList<string>)[x.GetProperty("RuleId").ToString(), Text(x, "Name"), Text(x, "ProductKey"), Text(x, "Severity"),
                    Text(x, "Status"), Trigger(x)])
                .ToList());
            cli.Out.WriteLine(Paging.Footer(body.GetProperty("CurrentPage").GetInt32(), body.GetProperty("PageCount").GetInt32(),
                body.GetProperty("Total").GetInt32(), "alarm rule"));
        }));
        return command;
    }

    static Command CreateRule(CliContext cli)
    {
        var pk = new Argument<string>("PK") { Description = "ProductKey" };
        var name = new Argument<string>("NAME") { Description = "Rule name, 1 to 64 characters, unique in the account" };
        var property = new Option<string>("--property") { Description = "Threshold on this numeric property (with --op and --value)" };
        var op = new Option<string>("--op") { Description = "Comparison: > >= < <= == !=" };
        var value = new Option<string>("--value") { Description = "Threshold value" };
        var consecutive = new Option<int?>("--consecutive") { Description = "Values in a row that must meet the threshold (default 1)" };
        var evt = new Option<string>("--event") { Description = "Alert event identifier; \"*\" for any alert event" };
        var quiet = new Option<int?>("--clear-after") { Description = "Event rules: seconds without an event after which the alarm clears (default: by hand)" };
        var severity = new Option<string>("--severity") { Description = "critical, major (default), minor or info" };
        var device = new Option<string>("--device") { Description = "Only this DeviceName" };
        var group = new Option<string>("--group") { Description = "Only the members of this device GroupId" };
        var emails = new Option<string[]>("--email") { Description = "An address to e-mail (repeat it)", AllowMultipleArgumentsPerToken = false };
        var hooks = new Option<string[]>("--webhook") { Description = "A URL to post to (repeat it)", AllowMultipleArgumentsPerToken = false };
        var token = new Option<string>("--webhook-token") { Description = "Token that signs the webhook bodies" };
        var disabled = new Option<bool>("--disabled") { Description = "Create it stopped" };
        var command = new Command("create", "Create an alarm rule: --property with --op and --value, or --event")
        {
            pk, name, property, op, value, consecutive, evt, quiet, severity, device, group, emails, hooks, token, disabled,
        };
        command.SetAction((r, ct) =>
        {
            var isEvent = r.GetValue(evt) is not null;
            var p = new RpcParams
            {
                { "ProductKey", r.GetValue(pk) }, { "Name", r.GetValue(name) }, { "TriggerType", isEvent ? "event" : "property" },
                { "Identifier", isEvent ? (r.GetValue(evt) == "*" ? null : r.GetValue(evt)) : r.GetValue(property) },
                { "Operator", r.GetValue(op) }, { "Threshold", r.GetValue(value) }, { "ConsecutiveCount", r.GetValue(consecutive) },
                { "ClearAfterSeconds", r.GetValue(quiet) }, { "Severity", r.GetValue(severity) }, { "DeviceName", r.GetValue(device) },
                { "DeviceGroupId", r.GetValue(group) }, { "WebhookToken", r.GetValue(token) },
            };
            var i = 1;
            foreach (var e in r.GetValue(emails) ?? []) p.Add($"EmailAddresses.{i++}", e);
            i = 1;
            foreach (var h in r.GetValue(hooks) ?? []) p.Add($"WebhookUrls.{i++}", h);
            if (r.GetValue(disabled)) p.Add("Enabled", false);
            return cli.CallAsync(r, rpc => rpc.CallAsync("CreateAlarmRule", p, ct), body => Fields.Write(cli.Out, body, "RuleId"));
        });
        return command;
    }

    static Command RuleAction(CliContext cli, string verb, string description, string action, string done)
    {
        var id = RuleId();
        var command = new Command(verb, description) { id };
        command.SetAction((r, ct) => cli.CallAsync(r, rpc => rpc.CallAsync(action, new RpcParams { { "RuleId", r.GetValue(id) } }, ct),
            _ => cli.Out.WriteLine(string.Format(done, r.GetValue(id)))));
        return command;
    }

    static Command ListAlarms(CliContext cli)
    {
        var state = new Option<string>("--state") { Description = "active, acknowledged or cleared" };
        var open = new Option<bool>("--open") { Description = "Only active and acknowledged alarms" };
        var severity = new Option<string>("--severity") { Description = "critical, major, minor or info" };
        var pk = new Option<string>("--product") { Description = "Only this ProductKey" };
        var device = new Option<string>("--device") { Description = "Only this DeviceName" };
        var rule = new Option<string>("--rule") { Description = "Only this RuleId" };
        var paging = new Paging();
        var command = new Command("list", "List alarms, newest first") { state, open, severity, pk, device, rule };
        paging.AddTo(command);
        command.SetAction((r, ct) => cli.CallAsync(r, rpc => rpc.CallAsync("QueryAlarmList", new RpcParams
        {
            { "State", r.GetValue(state) }, { "OpenOnly", r.GetValue(open) ? "true" : null }, { "Severity", r.GetValue(severity) },
            { "ProductKey", r.GetValue(pk) }, { "DeviceName", r.GetValue(device) }, { "RuleId", r.GetValue(rule) },
            { "CurrentPage", r.GetValue(paging.Page) ?? 1 }, { "PageSize", r.GetValue(paging.PageSize) },
        }, ct), body =>
        {
            Table.Write(cli.Out, ["ALARM ID", "STATE", "SEVERITY", "RULE", "DEVICE", "VALUE", "COUNT", "LAST (UTC)"],
                body.GetProperty("Data").GetProperty("AlarmInfo").EnumerateArray()
                    .Select(a => (IReadOnlyList<string>)[a.GetProperty("AlarmId").ToString(), Text(a, "State"), Text(a, "Severity"), Text(a, "RuleName"),
                        $"{Text(a, "ProductKey")}/{Text(a, "DeviceName")}", Text(a, "Value"), a.GetProperty("Count").ToString(), Text(a, "LastTime")])
                    .ToList());
            cli.Out.WriteLine(Paging.Footer(body.GetProperty("CurrentPage").GetInt32(), body.GetProperty("PageCount").GetInt32(),
                body.GetProperty("Total").GetInt32(), "alarm"));
        }));
        return command;
    }

    static Command AlarmAction(CliContext cli, string verb, string description, string action, string done)
    {
        var id = new Argument<string>("ALARM") { Description = "AlarmId" };
        var note = new Option<string>("--note") { Description = "Why (kept in the alarm's history)" };
        var command = new Command(verb, description) { id, note };
        command.SetAction((r, ct) => cli.CallAsync(r, rpc => rpc.CallAsync(action, new RpcParams { { "AlarmId", r.GetValue(id) }, { "Note", r.GetValue(note) } }, ct),
            _ => cli.Out.WriteLine($"alarm {r.GetValue(id)} {done}")));
        return command;
    }

    static Command History(CliContext cli)
    {
        var id = new Argument<string?>("ALARM") { Description = "AlarmId (without it: the latest changes of every alarm)", Arity = ArgumentArity.ZeroOrOne };
        var paging = new Paging();
        var command = new Command("history", "Show the state changes of an alarm (active, acknowledged, cleared): when, by whom, why") { id };
        paging.AddTo(command);
        command.SetAction((r, ct) => cli.CallAsync(r, rpc => rpc.CallAsync("QueryAlarmHistory", new RpcParams
        {
            { "AlarmId", r.GetValue(id) }, { "CurrentPage", r.GetValue(paging.Page) ?? 1 }, { "PageSize", r.GetValue(paging.PageSize) },
        }, ct), body =>
        {
            Table.Write(cli.Out, ["TIME (UTC)", "ALARM ID", "STATE", "BY", "NOTE"], body.GetProperty("Data").GetProperty("AlarmHistoryInfo").EnumerateArray()
                .Select(h => (IReadOnlyList<string>)[Text(h, "Time"), h.GetProperty("AlarmId").ToString(), Text(h, "State"), Text(h, "Operator"), Text(h, "Note")])
                .ToList());
            cli.Out.WriteLine(Paging.Footer(body.GetProperty("CurrentPage").GetInt32(), body.GetProperty("PageCount").GetInt32(),
                body.GetProperty("Total").GetInt32(), "change"));
        }));
        return command;
    }

    static string Text(JsonElement e, string name) => e.TryGetProperty(name, out var v) && v.ValueKind != JsonValueKind.Null ? v.ToString() : "";

    static string Trigger(JsonElement rule) => Text(rule, "TriggerType") == "property"
        ? $"{Text(rule, "Identifier")} {Text(rule, "Operator")} {Text(rule, "Threshold")}"
        : $"event {(Text(rule, "Identifier") is { Length: > 0 } id ? id : "(any alert)")}";
}
