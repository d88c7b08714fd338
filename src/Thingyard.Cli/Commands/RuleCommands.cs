// `thingyard rule create|list|get|update|start|stop|delete|test`, `thingyard rule action add|list|delete` and
// `thingyard rule deadletters [--replay]`: the rules engine (CreateRule, ListRule, GetRule, UpdateRule, StartRule,
// StopRule, DeleteRule, TestRule, CreateRuleAction, ListRuleActions, DeleteRuleAction, ListWebhookDeadLetters,
// ReplayWebhookDeadLetters).
using System.CommandLine;
using System.Text.Json;
using Thingyard.Cli.Output;

namespace Thingyard.Cli.Commands;

public static class RuleCommands
{
    public static Command Build(CliContext cli) => new("rule", "Rules engine: forward what devices send to devices, consumer groups and webhooks")
    {
        Create(cli), List(cli), Get(cli), Update(cli),
        Simple(cli, "start", "Start a rule (it needs a SELECT)", "StartRule", "rule {0} started"),
        Simple(cli, "stop", "Stop a rule", "StopRule", "rule {0} stopped"),
        Simple(cli, "delete", "Delete a rule and its actions", "DeleteRule", "rule {0} deleted"),
        Test(cli),
        new Command("action", "A rule's actions: where what it selects goes")
        {
            AddAction(cli), ListActions(cli),
            ActionDelete(cli),
        },
        DeadLetters(cli),
    };

    static Argument<long> RuleId() => new("RULE_ID") { Description = "The rule's id (RuleId)" };

    static Option<string> SelectOption() => new("--select") { Description = "What to forward, e.g. \"deviceName() as device, items.temperature.value as t\"" };

    static Option<string> WhereOption() => new("--where") { Description = "When to forward, e.g. \"items.temperature.value > 30\"" };

    static Command Create(CliContext cli)
    {
        var name = new Argument<string>("NAME") { Description = "1 to 30 characters: letters, digits, _ and -" };
        var topic = new Option<string>("--topic")
        {
            Description = "The whole topic the rule reads: /sys/PK/+/thing/event/property/post, /PK/+/user/..., /as/mqtt/status/PK/+", Required = true,
        };
        var (select, where) = (SelectOption(), WhereOption());
        var description = new Option<string>("--description") { Description = "At most 100 characters" };
        var command = new Command("create", "Create a rule (stopped; add actions, then start it)") { name, topic, select, where, description };
        command.SetAction((r, ct) => cli.CallAsync(r, rpc => rpc.CallAsync("CreateRule", new RpcParams
        {
            { "Name", r.GetValue(name) }, { "Topic", r.GetValue(topic) }, { "Select", r.GetValue(select) }, { "Where", r.GetValue(where) },
            { "RuleDesc", r.GetValue(description) },
        }, ct), body => Fields.Write(cli.Out, body, "RuleId")));
        return command;
    }

    static Command Update(CliContext cli)
    {
        var id = RuleId();
        var (select, where) = (SelectOption(), WhereOption());
        var name = new Option<string>("--name") { Description = "A new name" };
        var command = new Command("update", "Change a rule's SQL or name (an empty --where removes the condition)") { id, select, where, name };
        command.SetAction((r, ct) => cli.CallAsync(r, rpc => rpc.CallAsync("UpdateRule", new RpcParams
        {
            { "RuleId", r.GetValue(id).ToString() }, { "Select", r.GetValue(select) }, { "Where", r.GetValue(where) }, { "Name", r.GetValue(name) },
        }, ct), _ => cli.Out.WriteLine($"rule {r.GetValue(id)} updated")));
        return command;
    }

    static Command List(CliContext cli)
    {
        var search = new Option<string>("--name") { Description = "Only rules whose name contains this" };
        var paging = new Paging();
        var command = new Command("list", "List the account's rules with their counts") { search };
        paging.AddTo(command);
        command.SetAction((r, ct) => cli.CallAsync(r, rpc => rpc.CallAsync("ListRule", new RpcParams
        {
            { "SearchName", r.GetValue(search) }, { "CurrentPage", r.GetValue(paging.Page) ?? 1 }, { "PageSize", r.GetValue(paging.PageSize) },
        }, ct), body =>
        {
            Table.Write(cli.Out, ["ID", "NAME", "STATUS", "TOPIC", "MATCHED", "FORWARDED", "FAILED"], body.GetProperty("Data").GetProperty("RuleInfo").EnumerateArray()
                .Select(x => (IReadOnlyList<string>)[x.GetProperty("Id").ToString(), x.GetProperty("Name").GetString()!, x.GetProperty("Status").GetString()!,
                    x.GetProperty("Topic").GetString()!, x.GetProperty("MatchedCount").ToString(), x.GetProperty("ForwardedCount").ToString(), x.GetProperty("FailedCount").ToString()])
                .ToList());
            var (page, size, total) = (body.GetProperty("Page").GetInt32(), body.GetProperty("PageSize").GetInt32(), body.GetProperty("Total").GetInt32());
            cli.Out.WriteLine(Paging.Footer(page, Math.Max(1, (total + size - 1) / size), total, "rule"));
        }));
        return command;
    }

    static Command Get(CliContext cli)
    {
        var id = RuleId();
        var command = new Command("get", "Show a rule: its SQL, status and counts") { id };
        command.SetAction((r, ct) => cli.CallAsync(r, rpc => rpc.CallAsync("GetRule", new RpcParams { { "RuleId", r.GetValue(id).ToString() } }, ct),
            body => Fields.Write(cli.Out, body.GetProperty("RuleInfo"), "Id", "Name", "Status", "Sql", "MatchedCount", "ForwardedCount", "FailedCount", "LastError")));
        return command;
    }

    static Command Simple(CliContext cli, string verb, string description, string action, string done)
    {
        var id = RuleId();
        var command = new Command(verb, description) { id };
        command.SetAction((r, ct) => cli.CallAsync(r, rpc => rpc.CallAsync(action, new RpcParams { { "RuleId", r.GetValue(id).ToString() } }, ct),
            _ => cli.Out.WriteLine(string.Format(done, r.GetValue(id)))));
        return command;
    }

    static Command Test(CliContext cli)
    {
        var id = RuleId();
        var payload = new Option<string>("--payload") { Description = "A sample message (JSON)", Required = true };
        var topic = new Option<string>("--message-topic") { Description = "The sample message's topic (default: the rule's, + as device1)" };
        var (select, where) = (SelectOption(), WhereOption());
        var command = new Command("test", "Run a rule's SQL (or --select/--where instead) on a sample message; nothing is forwarded") { id, payload, topic, select, where };
        command.SetAction((r, ct) => cli.CallAsync(r, rpc => rpc.CallAsync("TestRule", new RpcParams
        {
            { "RuleId", r.GetValue(id).ToString() }, { "Payload", r.GetValue(payload) }, { "MessageTopic", r.GetValue(topic) }, { "Select", r.GetValue(select) },
            { "Where", r.GetValue(where) },
        }, ct), body =>
        {
            if (body.GetProperty("Matched").GetBoolean()) cli.Out.WriteLine(body.GetProperty("Output").GetString());
            else cli.Out.WriteLine(body.GetProperty("TopicMatched").GetBoolean() ? "not forwarded: WHERE is false" : "not forwarded: the topic is not the rule's");
        }));
        return command;
    }

    static Command AddAction(CliContext cli)
    {
        var id = RuleId();
        var type = new Argument<string>("TYPE") { Description = "REPUBLISH, AMQP or WEBHOOK" };
        type.AcceptOnlyFromAmong("REPUBLISH", "AMQP", "WEBHOOK");
        var config = new Argument<string>("CONFIGURATION")
        {
            Description = "JSON: {\"topic\":\"/pk/dn/user/get\"}, {\"groupId\":\"DEFAULT_GROUP\"} or {\"url\":\"https://...\",\"token\":\"...\"}",
        };
        var error = new Option<bool>("--error") { Description = "The error action: it gets what the other actions fail to deliver" };
        var command = new Command("add", "Add an action to a rule") { id, type, config, error };
        command.SetAction((r, ct) => cli.CallAsync(r, rpc => rpc.CallAsync("CreateRuleAction", new RpcParams
        {
            { "RuleId", r.GetValue(id).ToString() }, { "Type", r.GetValue(type) }, { "Configuration", r.GetValue(config) }, { "ErrorActionFlag", r.GetValue(error) ? "true" : null },
        }, ct), body => Fields.Write(cli.Out, body, "ActionId")));
        return command;
    }

    static Command ListActions(CliContext cli)
    {
        var id = RuleId();
        var command = new Command("list", "List a rule's actions") { id };
        command.SetAction((r, ct) => cli.CallAsync(r, rpc => rpc.CallAsync("ListRuleActions", new RpcParams { { "RuleId", r.GetValue(id).ToString() } }, ct),
            body => Table.Write(cli.Out, ["ACTION ID", "TYPE", "ERROR ACTION", "CONFIGURATION"],
                body.GetProperty("RuleActionList").GetProperty("RuleActionInfo").EnumerateArray()
                    .Select(a => (IReadOnlyList<string>)[a.GetProperty("Id").ToString(), a.GetProperty("Type").GetString()!,
                        a.GetProperty("ErrorActionFlag").GetBoolean() ? "yes" : "no", a.GetProperty("Configuration").GetString()!]).ToList())));
        return command;
    }

    static Command ActionDelete(CliContext cli)
    {
        var id = new Argument<long>("ACTION_ID") { Description = "The action's id (ActionId)" };
        var command = new Command("delete", "Remove an action from its rule") { id };
        command.SetAction((r, ct) => cli.CallAsync(r, rpc => rpc.CallAsync("DeleteRuleAction", new RpcParams { { "ActionId", r.GetValue(id).ToString() } }, ct),
            _ => cli.Out.WriteLine($"action {r.GetValue(id)} deleted")));
        return command;
    }

    static Command DeadLetters(CliContext cli)
    {
        var id = RuleId();
        var replay = new Option<bool>("--replay") { Description = "Send them all again" };
        var command = new Command("deadletters", "The webhook deliveries of a rule that were never answered 2xx") { id, replay };
        command.SetAction((r, ct) =>
        {
            var source = $"rule:{r.GetValue(id)}";
            return r.GetValue(replay)
                ? cli.CallAsync(r, rpc => rpc.CallAsync("ReplayWebhookDeadLetters", new RpcParams { { "Source", source } }, ct),
                    body => cli.Out.WriteLine($"{body.GetProperty("Count").GetInt32()} dead letter(s) queued again"))
                : cli.CallAsync(r, rpc => rpc.CallAsync("ListWebhookDeadLetters", new RpcParams { { "Source", source }, { "PageSize", 100 } }, ct),
                    body => Table.Write(cli.Out, ["ID", "URL", "ATTEMPTS", "LAST FAILURE", "BODY"], body.GetProperty("Data").GetProperty("DeadLetter").EnumerateArray()
                        .Select(d => (IReadOnlyList<string>)[d.GetProperty("Id").ToString(), d.GetProperty("Url").GetString()!, d.GetProperty("Attempts").ToString(),
                            d.TryGetProperty("LastError", out var e) ? e.GetString() ?? "" : "", d.GetProperty("Body").GetString()!]).ToList()));
        });
        return command;
    }
}
