// `thingyard aligenie ...`: a project's AliGenie (Tmall Genie) skill (create, show, delete; the client secret is
// printed once, at creation, with the URLs to paste into the AliGenie developer console) and products' mapping
// overrides (set from a JSON file or standard input, show with the effective mapping).
using System.CommandLine;
using System.Text.Json;
using Thingyard.Cli.Output;

namespace Thingyard.Cli.Commands;

public static class AliGenieCommands
{
    public static Command Build(CliContext cli) => new("aligenie", "AliGenie (Tmall Genie) smart-home skill: account linking and device mapping")
    {
        new Command("skill", "A project's skill: the OAuth client AliGenie's cloud uses") { CreateSkill(cli), ShowSkill(cli), DeleteSkill(cli) },
        new Command("mapping", "A product's mapping to AliGenie device types and attributes") { SetMapping(cli), ShowMapping(cli) },
    };

    static Argument<string> Project() => new("PROJECT_ID") { Description = "The project whose end users link their accounts" };

    static Command CreateSkill(CliContext cli)
    {
        var project = Project();
        var redirect = new Option<string[]>("--redirect-uri")
        {
            Description = "AliGenie's callback URL as its developer console shows it (repeat for more)", Required = true, AllowMultipleArgumentsPerToken = true,
        };
        var command = new Command("create", "Create the project's skill; prints the client secret once") { project, redirect };
        command.SetAction((r, ct) => cli.CallAsync(r, rpc =>
        {
            var p = new RpcParams { { "ProjectId", r.GetValue(project) } };
            var uris = r.GetValue(redirect) ?? [];
            for (var i = 0; i < uris.Length; i++) p.Add($"RedirectUri.{i + 1}", uris[i]);
            return rpc.CallAsync("CreateAliGenieSkill", p, ct);
        }, body =>
        {
            PrintSkill(cli, body.GetProperty("Data"));
            cli.Out.WriteLine("Keep the client secret now: it is not shown again.");
        }));
        return command;
    }

    static Command ShowSkill(CliContext cli)
    {
        var project = Project();
        var command = new Command("show", "Show the project's skill: client id, redirect URIs and the URLs for the AliGenie console") { project };
        command.SetAction((r, ct) => cli.CallAsync(r, rpc => rpc.CallAsync("QueryAliGenieSkill", new RpcParams { { "ProjectId", r.GetValue(project) } }, ct),
            body => PrintSkill(cli, body.GetProperty("Data"))));
        return command;
    }

    static Command DeleteSkill(CliContext cli)
    {
        var project = Project();
        var command = new Command("delete", "Delete the project's skill: every linked account is unlinked") { project };
        command.SetAction((r, ct) => cli.CallAsync(r, rpc => rpc.CallAsync("DeleteAliGenieSkill", new RpcParams { { "ProjectId", r.GetValue(project) } }, ct),
            _ => cli.Out.WriteLine($"deleted the AliGenie skill of {r.GetValue(project)}")));
        return command;
    }

    static Command SetMapping(CliContext cli)
    {
        var productKey = new Argument<string>("PK") { Description = "The product" };
        var file = new Argument<string>("FILE") { Description = "The mapping JSON ({\"deviceType\": ..., \"attributes\": {...}}; {} for the standard one), or - for standard input" };
        var command = new Command("set", "Set a product's mapping override (checked against its thing model)") { productKey, file };
        command.SetAction((r, ct) => cli.CallAsync(r, async rpc => await rpc.CallAsync("SetAliGenieMapping", new RpcParams
        {
            { "ProductKey", r.GetValue(productKey) }, { "Mapping", await InputFile.ReadTextAsync(r.GetValue(file)!, ct) },
        }, ct), body => PrintMapping(cli, body.GetProperty("Data"))));
        return command;
    }

    static Command ShowMapping(CliContext cli)
    {
        var productKey = new Argument<string>("PK") { Description = "The product" };
        var command = new Command("show", "Show a product's effective mapping and its override") { productKey };
        command.SetAction((r, ct) => cli.CallAsync(r, rpc => rpc.CallAsync("QueryAliGenieMapping", new RpcParams { { "ProductKey", r.GetValue(productKey) } }, ct),
            body => PrintMapping(cli, body.GetProperty("Data"))));
        return command;
    }

    static void PrintSkill(CliContext cli, JsonElement data)
    {
        Fields.Write(cli.Out, data, "ProjectId", "ClientId", "ClientSecret", "AuthorizeUrl", "TokenUrl", "GatewayUrl");
        foreach (var uri in data.GetProperty("RedirectUris").EnumerateArray()) cli.Out.WriteLine($"RedirectUri:  {uri.GetString()}");
    }

    static void PrintMapping(CliContext cli, JsonElement data)
    {
        Fields.Write(cli.Out, data, "ProductKey", "CategoryKey", "Override", "OverrideProblem");
        if (!data.TryGetProperty("Effective", out var effective))
        {
            cli.Out.WriteLine("DeviceType:  (none: AliGenie does not discover this product's devices; set a deviceType)");
            return;
        }
        cli.Out.WriteLine($"DeviceType:  {effective.GetProperty("DeviceType").GetString()}");
        Table.Write(cli.Out, ["ATTRIBUTE", "PROPERTY", "VALUES"], effective.GetProperty("Attributes").EnumerateArray().Select(a => (IReadOnlyList<string>)
        [
            a.GetProperty("Name").GetString()!, a.GetProperty("Property").GetString()! + (a.GetProperty("QueryOnly").GetBoolean() ? " (query only)" : ""),
            a.TryGetProperty("Values", out var v) ? string.Join(", ", v.EnumerateObject().Select(x => $"{x.Name}={x.Value}")) : "",
        ]).ToList());
        cli.Out.WriteLine("Actions: " + string.Join(", ", effective.GetProperty("Actions").EnumerateArray().Select(a => a.GetString())));
    }
}
