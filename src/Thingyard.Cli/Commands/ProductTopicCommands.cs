// `thingyard product topic list|create|update|delete`: a product's custom topic classes (QueryProductTopic,
// CreateProductTopic, UpdateProductTopic, DeleteProductTopic).
using System.CommandLine;
using Thingyard.Cli.Output;

namespace Thingyard.Cli.Commands;

public static class ProductTopicCommands
{
    static readonly string[] Operations = ["PUB", "SUB", "ALL"];

    public static Command Build(CliContext cli) =>
        new("topic", "Custom topic classes: which /PK/${deviceName}/user/... topics devices may publish or subscribe to")
        { List(cli), Create(cli), Update(cli), Delete(cli) };

    static Option<string> OperationOption(bool required)
    {
        var operation = new Option<string>("--operation")
        {
            Description = "What devices may do: PUB (publish), SUB (subscribe; + and # allowed) or ALL", Required = required,
        };
        operation.AcceptOnlyFromAmong(Operations);
        return operation;
    }

    static Command List(CliContext cli)
    {
        var productKey = new Argument<string>("PK") { Description = "ProductKey" };
        var command = new Command("list", "List the product's topic classes") { productKey };
        command.SetAction((r, ct) => cli.CallAsync(r,
            rpc => rpc.CallAsync("QueryProductTopic", new RpcParams { { "ProductKey", r.GetValue(productKey) } }, ct),
            body =>
            {
                var rows = body.GetProperty("Data").GetProperty("ProductTopicInfo").EnumerateArray().Select(t => (IReadOnlyList<string>)
                [
                    t.GetProperty("Id").GetString()!, t.GetProperty("TopicShortName").GetString()!,
                    Operations[int.Parse(t.GetProperty("Operation").GetString()!, System.Globalization.CultureInfo.InvariantCulture)],
                    t.TryGetProperty("Desc", out var d) ? JsonText.Scalar(d) : "",
                ]).ToList();
                Table.Write(cli.Out, ["TOPIC ID", "TOPIC CLASS", "OPERATION", "DESCRIPTION"], rows);
            }));
        return command;
    }

    static Command Create(CliContext cli)
    {
        var productKey = new Argument<string>("PK") { Description = "ProductKey" };
        var name = new Argument<string>("NAME") { Description = "The levels after user/, e.g. data/report or cmd/+" };
        var operation = OperationOption(required: true);
        var desc = new Option<string>("--desc") { Description = "Description (at most 100 characters)" };
        var command = new Command("create", "Add a topic class to the product") { productKey, name, operation, desc };
        command.SetAction((r, ct) => cli.CallAsync(r, rpc => rpc.CallAsync("CreateProductTopic", new RpcParams
        {
            { "ProductKey", r.GetValue(productKey) },
            { "TopicShortName", r.GetValue(name) },
            { "Operation", r.GetValue(operation) },
            { "Desc", r.GetValue(desc) },
        }, ct), body => cli.Out.WriteLine($"topic class {JsonText.Scalar(body.GetProperty("TopicId"))} created: /{r.GetValue(productKey)}/${{deviceName}}/user/{r.GetValue(name)} {r.GetValue(operation)}")));
        return command;
    }

    static Command Update(CliContext cli)
    {
        var topicId = new Argument<string>("TOPIC_ID") { Description = "TopicId (`thingyard product topic list PK`)" };
        var name = new Argument<string>("NAME") { Description = "The levels after user/ (a default class keeps its name)" };
        var operation = OperationOption(required: true);
        var desc = new Option<string>("--desc") { Description = "New description (left unchanged when not given)" };
        var command = new Command("update", "Change a topic class") { topicId, name, operation, desc };
        command.SetAction((r, ct) => cli.CallAsync(r, rpc => rpc.CallAsync("UpdateProductTopic", new RpcParams
        {
            { "TopicId", r.GetValue(topicId) },
            { "TopicShortName", r.GetValue(name) },
            { "Operation", r.GetValue(operation) },
            { "Desc", r.GetValue(desc) },
        }, ct), _ => cli.Out.WriteLine($"topic class {r.GetValue(topicId)} updated")));
        return command;
    }

    static Command Delete(CliContext cli)
    {
        var topicId = new Argument<string>("TOPIC_ID") { Description = "TopicId (`thingyard product topic list PK`)" };
        var command = new Command("delete", "Delete a topic class (the default ones cannot be deleted)") { topicId };
        command.SetAction((r, ct) => cli.CallAsync(r,
            rpc => rpc.CallAsync("DeleteProductTopic", new RpcParams { { "TopicId", r.GetValue(topicId) } }, ct),
            _ => cli.Out.WriteLine($"topic class {r.GetValue(topicId)} deleted")));
        return command;
    }
}
