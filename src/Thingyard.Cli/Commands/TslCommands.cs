// `thingyard tsl import|publish|show|copy|add-standard`: ImportThingModelTsl, PublishThingModel,
// GetThingModelTsl(Published), CopyThingModel and ImportThingTemplateFeatures.
using System.CommandLine;
using System.Text.Json;
using Thingyard.Cli.Output;

namespace Thingyard.Cli.Commands;

public static class TslCommands
{
    public static Command Build(CliContext cli) => new("tsl", "Edit, publish and read a product's thing model (TSL)")
    {
        Import(cli), Publish(cli), Show(cli), Copy(cli), AddStandard(cli),
    };

    static Command Copy(CliContext cli)
    {
        var from = new Option<string>("--from") { Description = "Source ProductKey", Required = true };
        var version = new Option<string>("--version") { Description = "The source's published version to copy", Required = true };
        var to = new Option<string>("--to") { Description = "Target ProductKey (same category; its draft is replaced)", Required = true };
        var command = new Command("copy", "Copy a published thing model version into another product's draft") { from, version, to };
        command.SetAction((r, ct) => cli.CallAsync(r, rpc => rpc.CallAsync("CopyThingModel", new RpcParams
        {
            { "SourceProductKey", r.GetValue(from) },
            { "SourceModelVersion", r.GetValue(version) },
            { "TargetProductKey", r.GetValue(to) },
        }, ct), _ => cli.Out.WriteLine(
            $"copied version {r.GetValue(version)} of {r.GetValue(from)} into the draft thing model of {r.GetValue(to)}")));
        return command;
    }

    static Command AddStandard(CliContext cli)
    {
        var productKey = new Argument<string>("PK") { Description = "ProductKey" };
        var category = new Argument<string>("CATEGORY") { Description = "CategoryKey of the thing template (`thingyard template list`)" };
        var identifiers = new Argument<string[]>("IDENTIFIER") { Description = "Features of the template to add", Arity = ArgumentArity.OneOrMore };
        var command = new Command("add-standard", "Add standard features of a thing template to the product's draft") { productKey, category, identifiers };
        command.SetAction((r, ct) => cli.CallAsync(r, rpc => rpc.CallAsync("ImportThingTemplateFeatures", new RpcParams
        {
            { "ProductKey", r.GetValue(productKey) },
            { "CategoryKey", r.GetValue(category) },
            { "Identifiers", string.Join(",", r.GetValue(identifiers)!) },
        }, ct), _ => cli.Out.WriteLine($"added {string.Join(", ", r.GetValue(identifiers)!)} to the draft thing model of {r.GetValue(productKey)}")));
        return command;
    }

    static Command Import(CliContext cli)
    {
        var productKey = new Argument<string>("PK") { Description = "ProductKey" };
        var file = new Argument<string>("FILE") { Description = "TSL JSON file, or - for standard input" };
        var command = new Command("import", "Replace the product's draft thing model with a TSL document") { productKey, file };
        command.SetAction((r, ct) => cli.CallAsync(r, async rpc =>
        {
            var tsl = await InputFile.ReadTextAsync(r.GetValue(file)!, ct);
            return await rpc.CallAsync("ImportThingModelTsl", new RpcParams { { "ProductKey", r.GetValue(productKey) }, { "TslStr", tsl } }, ct);
        }, _ => cli.Out.WriteLine($"imported the draft thing model of {r.GetValue(productKey)}; `thingyard tsl publish` makes devices use it")));
        return command;
    }

    static Command Publish(CliContext cli)
    {
        var productKey = new Argument<string>("PK") { Description = "ProductKey" };
        var version = new Option<string>("--version") { Description = "Version label (default: the next N.0)" };
        var description = new Option<string>("--description") { Description = "What changed in this version" };
        var command = new Command("publish", "Publish the draft thing model as a new version") { productKey, version, description };
        command.SetAction((r, ct) => cli.CallAsync(r, rpc => rpc.CallAsync("PublishThingModel", new RpcParams
        {
            { "ProductKey", r.GetValue(productKey) },
            { "ModelVersion", r.GetValue(version) },
            { "Description", r.GetValue(description) },
        }, ct), _ => cli.Out.WriteLine(r.GetValue(version) is { } v
            ? $"published the thing model of {r.GetValue(productKey)} as version {v}"
            : $"published the thing model of {r.GetValue(productKey)}")));
        return command;
    }

    static Command Show(CliContext cli)
    {
        var productKey = new Argument<string>("PK") { Description = "ProductKey" };
        var published = new Option<bool>("--published") { Description = "The latest published version instead of the draft" };
        var version = new Option<string>("--version") { Description = "A published version" };
        var command = new Command("show", "Print a thing model as TSL JSON") { productKey, published, version };
        command.SetAction((r, ct) => cli.CallAsync(r, rpc => rpc.CallAsync(
            r.GetValue(published) ? "GetThingModelTslPublished" : "GetThingModelTsl",
            new RpcParams { { "ProductKey", r.GetValue(productKey) }, { "ModelVersion", r.GetValue(version) } }, ct), body =>
        {
            var tsl = body.GetProperty("Data").GetProperty("TslStr").GetString() ?? "";
            try
            {
                using var doc = JsonDocument.Parse(tsl);
                JsonText.Write(cli.Out, doc.RootElement);
            }
            catch (JsonException)
            {
                cli.Out.WriteLine(tsl);
            }
        }));
        return command;
    }

}
