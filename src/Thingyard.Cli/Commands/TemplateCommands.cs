// `thingyard template list|show`: ListThingTemplates and GetThingTemplate, the standard-feature catalogue.
using System.CommandLine;
using System.Text.Json;
using Thingyard.Cli.Output;

namespace Thingyard.Cli.Commands;

public static class TemplateCommands
{
    public static Command Build(CliContext cli) =>
        new("template", "Browse the standard-feature catalogue (thing templates) by product category") { List(cli), Show(cli) };

    static Command List(CliContext cli)
    {
        var command = new Command("list", "List the product categories that have standard features");
        command.SetAction((r, ct) => cli.CallAsync(r, rpc => rpc.CallAsync("ListThingTemplates", new RpcParams(), ct), body =>
            Table.Write(cli.Out, ["CATEGORY KEY", "NAME"], body.GetProperty("Data").EnumerateArray()
                .Select(t => (IReadOnlyList<string>)[t.GetProperty("CategoryKey").GetString()!, t.GetProperty("CategoryName").GetString()!])
                .ToList())));
        return command;
    }

    static Command Show(CliContext cli)
    {
        var category = new Argument<string>("CATEGORY") { Description = "CategoryKey, e.g. Lamp (see `thingyard template list`)" };
        var command = new Command("show", "Print a category's standard features as TSL JSON") { category };
        command.SetAction((r, ct) => cli.CallAsync(r,
            rpc => rpc.CallAsync("GetThingTemplate", new RpcParams { { "CategoryKey", r.GetValue(category) } }, ct), body =>
            {
                using var doc = JsonDocument.Parse(body.GetProperty("Data").GetProperty("ThingModelJSON").GetString()!);
                JsonText.Write(cli.Out, doc.RootElement);
            }));
        return command;
    }
}
