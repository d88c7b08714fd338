// `thingyard product create|list|show|module`: CreateProduct, QueryProductList, QueryProduct and SetProductModule;
// `product config` is in ProductConfigCommands, `product topic` in ProductTopicCommands.
using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Thingyard.Cli.Output;

namespace Thingyard.Cli.Commands;

public static class ProductCommands
{
    public static Command Build(CliContext cli) =>
        new("product", "Create and inspect products") { Create(cli), List(cli), Show(cli), Module(cli), ProductConfigCommands.Build(cli), ProductTopicCommands.Build(cli) };

    static Command Create(CliContext cli)
    {
        var name = new Argument<string>("NAME") { Description = "Product name" };
        var nodeType = new Option<string>("--node-type") { Description = "device or gateway", DefaultValueFactory = _ => "device" };
        nodeType.AcceptOnlyFromAmong("device", "gateway");
        var dataFormat = new Option<string>("--data-format")
        {
            Description = "alink (Alink JSON) or custom (raw bytes a script decodes)", DefaultValueFactory = _ => "alink",
        };
        dataFormat.AcceptOnlyFromAmong("alink", "custom");
        var description = new Option<string>("--description") { Description = "Free-text description" };
        var dynamic = new Option<bool>("--dynamic-registration") { Description = "Let devices fetch their secret with the product secret" };
        var category = new Option<string>("--category")
        {
            Description = "CategoryKey of a thing template (`thingyard template list`): its standard features become the draft thing model",
        };
        var project = new Option<string>("--project") { Description = "ProjectId to create it in (default: the account's default project)" };
        var authType = new Option<string>("--auth-type")
        {
            Description = "How its devices authenticate: secret (DeviceSecret), id2 (their ID², docs/id2.md) or x509", DefaultValueFactory = _ => "secret",
        };
        authType.AcceptOnlyFromAmong("secret", "id2", "x509");
        var command = new Command("create", "Create a product") { name, nodeType, dataFormat, description, dynamic, category, project, authType };
        command.SetAction((r, ct) => cli.CallAsync(r, rpc => rpc.CallAsync("CreateProduct", new RpcParams
        {
            { "ProductName", r.GetValue(name) },
            // Alibaba's numbering: NodeType 0 device, 1 gateway; DataFormat 0 custom, 1 Alink JSON.
            { "NodeType", r.GetValue(nodeType) == "gateway" ? 1 : 0 },
            { "DataFormat", r.GetValue(dataFormat) == "custom" ? 0 : 1 },
            { "Description", r.GetValue(description) },
            { "DynamicRegistration", r.GetValue(dynamic) },
            { "CategoryKey", r.GetValue(category) },
            { "ProjectId", r.GetValue(project) },
            { "AuthType", r.GetValue(authType) },
        }, ct), body => Fields.Write(cli.Out, body.GetProperty("Data"), "ProductKey", "ProductName", "ProductSecret")));
        return command;
    }

    static Command Module(CliContext cli)
    {
        var productKey = new Argument<string>("PK") { Description = "ProductKey" };
        var moduleId = new Argument<string>("MODULE") { Description = "ModuleId (`thingyard module list`)" };
        var command = new Command("module", "Record the certified module or chip the product's devices are built on") { productKey, moduleId };
        command.SetAction((r, ct) => cli.CallAsync(r, rpc => rpc.CallAsync("SetProductModule", new RpcParams
        {
            { "ProductKey", r.GetValue(productKey) },
            { "ModuleId", r.GetValue(moduleId) },
        }, ct), _ => cli.Out.WriteLine($"product {r.GetValue(productKey)} uses module {r.GetValue(moduleId)}")));
        return command;
    }

    static Command List(CliContext cli)
    {
        var paging = new Paging();
        var command = new Command("list", "List products");
        paging.AddTo(command);
        command.SetAction((r, ct) => cli.CallAsync(r, rpc => rpc.CallAsync("QueryProductList", new RpcParams
        {
            { "CurrentPage", r.GetValue(paging.Page) ?? 1 },
            { "PageSize", r.GetValue(paging.PageSize) },
        }, ct), body =>
        {
            var data = body.GetProperty("Data");
            var rows = data.GetProperty("List").GetProperty("ProductInfo").EnumerateArray().Select(p => (IReadOnlyList<string>)
            [
                p.GetProperty("ProductKey").GetString()!, p.GetProperty("ProductName").GetString()!, NodeTypeName(p.GetProperty("NodeType")),
                JsonText.Scalar(p.GetProperty("DeviceCount")), JsonText.UtcTime(p.GetProperty("GmtCreate")),
            ]).ToList();
            Table.Write(cli.Out, ["PRODUCT KEY", "NAME", "NODE TYPE", "DEVICES", "CREATED (UTC)"], rows);
            cli.Out.WriteLine(Paging.Footer(data.GetProperty("CurrentPage").GetInt32(), data.GetProperty("PageCount").GetInt32(),
                data.GetProperty("Total").GetInt32(), "product"));
        }));
        return command;
    }

    static Command Show(CliContext cli)
    {
        var productKey = new Argument<string>("PK") { Description = "ProductKey" };
        var command = new Command("show", "Show one product, with its ProductSecret") { productKey };
        command.SetAction((r, ct) => cli.CallAsync(r,
            rpc => rpc.CallAsync("QueryProduct", new RpcParams { { "ProductKey", r.GetValue(productKey) } }, ct),
            body => Fields.Write(cli.Out, body.GetProperty("Data"), "ProductKey", "ProductName", "ProductSecret")));
        return command;
    }

    static string NodeTypeName(JsonElement nodeType) => nodeType.ValueKind == JsonValueKind.Number
        ? nodeType.GetInt32() switch { 0 => "device", 1 => "gateway", var n => n.ToString(CultureInfo.InvariantCulture) }
        : JsonText.Scalar(nodeType);
}
