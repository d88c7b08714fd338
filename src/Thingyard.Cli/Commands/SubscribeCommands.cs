// `thingyard subscribe group create|list|get|rename|delete|reset`, `thingyard subscribe relation
// create|update|get|delete` and `thingyard subscribe consume GROUP` (ConsumeCommand.cs): server-side subscription (AMQP) consumer groups and products' subscriptions
// (CreateConsumerGroup, QueryConsumerGroupList, QueryConsumerGroupByGroupId, UpdateConsumerGroup, DeleteConsumerGroup,
// ResetConsumerGroupPosition, CreateSubscribeRelation, UpdateSubscribeRelation, QuerySubscribeRelation,
// DeleteSubscribeRelation).
using System.CommandLine;
using Thingyard.Cli.Output;

namespace Thingyard.Cli.Commands;

public static class SubscribeCommands
{
    /// <summary>The message kinds a subscription selects: each is the request flag without "Flag".</summary>
    static readonly string[] Kinds =
    [
        "DeviceData", "DeviceStatusChange", "DeviceLifeCycle", "DeviceTopoLifeCycle", "FoundDeviceList",
        "OtaEvent", "ThingHistory", "DeviceTag", "OtaVersion", "OtaJob",
    ];

    public static Command Build(CliContext cli) => new("subscribe", "Server-side subscription (AMQP): consumer groups and products' subscriptions")
    {
        new Command("group", "Consumer groups: the queues AMQP clients read subscribed messages from")
        {
            CreateGroup(cli), ListGroups(cli), GetGroup(cli), RenameGroup(cli),
            GroupAction(cli, "delete", "Delete a consumer group no subscription names (not DEFAULT_GROUP)", "DeleteConsumerGroup", "consumer group {0} deleted"),
            GroupAction(cli, "reset", "Drop every message waiting in a consumer group's backlog", "ResetConsumerGroupPosition", "consumer group {0}: backlog cleared"),
        },
        new Command("relation", "A product's subscription: which message kinds go to which consumer groups")
        {
            SaveRelation(cli, "create", "Subscribe a product's messages (without --group: to DEFAULT_GROUP)", "CreateSubscribeRelation", "created"),
            SaveRelation(cli, "update", "Change a product's subscription: the kinds given replace the old ones; --group replaces the groups", "UpdateSubscribeRelation", "updated"),
            GetRelation(cli), DeleteRelation(cli),
        },
        ConsumeCommand.Build(cli),
    };

    static Argument<string> GroupId() => new("GROUP") { Description = "GroupId (DEFAULT_GROUP or 26 characters)" };

    static Argument<string> Pk() => new("PK") { Description = "ProductKey" };

    static Command CreateGroup(CliContext cli)
    {
        var name = new Argument<string>("NAME") { Description = "4 to 30 characters: letters, digits, Chinese characters and _" };
        var command = new Command("create", "Create a consumer group") { name };
        command.SetAction((r, ct) => cli.CallAsync(r, rpc => rpc.CallAsync("CreateConsumerGroup", new RpcParams { { "GroupName", r.GetValue(name) } }, ct),
            body => Fields.Write(cli.Out, body, "GroupId")));
        return command;
    }

    static Command ListGroups(CliContext cli)
    {
        var name = new Option<string>("--name") { Description = "Only the group with this name (with --fuzzy: names containing it)" };
        var fuzzy = new Option<bool>("--fuzzy") { Description = "Match --name as a part of the name" };
        var paging = new Paging();
        var command = new Command("list", "List the account's consumer groups") { name, fuzzy };
        paging.AddTo(command);
        command.SetAction((r, ct) => cli.CallAsync(r, rpc => rpc.CallAsync("QueryConsumerGroupList", new RpcParams
        {
            { "GroupName", r.GetValue(name) }, { "Fuzzy", r.GetValue(fuzzy) ? "true" : null },
            { "CurrentPage", r.GetValue(paging.Page) ?? 1 }, { "PageSize", r.GetValue(paging.PageSize) },
        }, ct), body =>
        {
            Table.Write(cli.Out, ["GROUP ID", "NAME", "CREATED (UTC)"], body.GetProperty("Data").GetProperty("ConsumerGroupDTO").EnumerateArray()
                .Select(g => (IReadOnlyList<string>)[g.GetProperty("GroupId").GetString()!, g.GetProperty("GroupName").GetString()!, g.GetProperty("CreateTime").GetString()!])
                .ToList());
            cli.Out.WriteLine(Paging.Footer(body.GetProperty("CurrentPage").GetInt32(), body.GetProperty("PageCount").GetInt32(),
                body.GetProperty("Total").GetInt32(), "consumer group"));
        }));
        return command;
    }

    static Command GetGroup(CliContext cli)
    {
        var id = GroupId();
        var command = new Command("get", "Show one consumer group") { id };
        command.SetAction((r, ct) => cli.CallAsync(r, rpc => rpc.CallAsync("QueryConsumerGroupByGroupId", new RpcParams { { "GroupId", r.GetValue(id) } }, ct),
            body => Fields.Write(cli.Out, body.GetProperty("Data"), "GroupId", "GroupName", "CreateTime")));
        return command;
    }

    static Command RenameGroup(CliContext cli)
    {
        var id = GroupId();
        var name = new Argument<string>("NEW_NAME") { Description = "The new name" };
        var command = new Command("rename", "Rename a consumer group (not DEFAULT_GROUP)") { id, name };
        command.SetAction((r, ct) => cli.CallAsync(r, rpc => rpc.CallAsync("UpdateConsumerGroup", new RpcParams
        {
            { "GroupId", r.GetValue(id) }, { "NewGroupName", r.GetValue(name) },
        }, ct), _ => cli.Out.WriteLine($"consumer group {r.GetValue(id)} renamed to {r.GetValue(name)}")));
        return command;
    }

    static Command GroupAction(CliContext cli, string verb, string description, string action, string done)
    {
        var id = GroupId();
        var command = new Command(verb, description) { id };
        command.SetAction((r, ct) => cli.CallAsync(r, rpc => rpc.CallAsync(action, new RpcParams { { "GroupId", r.GetValue(id) } }, ct),
            _ => cli.Out.WriteLine(string.Format(done, r.GetValue(id)))));
        return command;
    }

    static Command SaveRelation(CliContext cli, string verb, string description, string action, string done)
    {
        var pk = Pk();
        var kinds = new Option<string[]>("--kind")
        {
            Description = "A message kind to subscribe (repeat it): " + string.Join(", ", Kinds), AllowMultipleArgumentsPerToken = false, Required = true,
        };
        kinds.AcceptOnlyFromAmong(Kinds);
        var groups = new Option<string[]>("--group") { Description = "A consumer group to deliver to (repeat it, at most 10)", AllowMultipleArgumentsPerToken = false };
        var command = new Command(verb, description) { pk, kinds, groups };
        command.SetAction((r, ct) =>
        {
            var p = new RpcParams { { "ProductKey", r.GetValue(pk) }, { "Type", "AMQP" } };
            foreach (var kind in r.GetValue(kinds) ?? []) p.Add(kind + "Flag", true);
            var ids = r.GetValue(groups) ?? [];
            for (var i = 0; i < ids.Length; i++) p.Add($"ConsumerGroupIds.{i + 1}", ids[i]);
            return cli.CallAsync(r, rpc => rpc.CallAsync(action, p, ct), _ => cli.Out.WriteLine($"subscription of product {r.GetValue(pk)} {done}"));
        });
        return command;
    }

    static Command GetRelation(CliContext cli)
    {
        var pk = Pk();
        var command = new Command("get", "Show a product's subscription: its message kinds and consumer groups") { pk };
        command.SetAction((r, ct) => cli.CallAsync(r, rpc => rpc.CallAsync("QuerySubscribeRelation", new RpcParams
        {
            { "ProductKey", r.GetValue(pk) }, { "Type", "AMQP" },
        }, ct), body =>
        {
            cli.Out.WriteLine($"ProductKey: {body.GetProperty("ProductKey").GetString()}");
            cli.Out.WriteLine($"Type:       {body.GetProperty("Type").GetString()}");
            cli.Out.WriteLine("Kinds:      " + string.Join(", ", Kinds.Where(k => body.TryGetProperty(k + "Flag", out var f) && f.GetBoolean())));
            cli.Out.WriteLine("Groups:     " + string.Join(", ", body.GetProperty("ConsumerGroupIds").EnumerateArray().Select(g => g.GetString())));
        }));
        return command;
    }

    static Command DeleteRelation(CliContext cli)
    {
        var pk = Pk();
        var command = new Command("delete", "Delete a product's subscription") { pk };
        command.SetAction((r, ct) => cli.CallAsync(r, rpc => rpc.CallAsync("DeleteSubscribeRelation", new RpcParams
        {
            { "ProductKey", r.GetValue(pk) }, { "Type", "AMQP" },
        }, ct), _ => cli.Out.WriteLine($"subscription of product {r.GetValue(pk)} deleted")));
        return command;
    }
}
