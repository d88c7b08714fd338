// `thingyard panel show|save|versions`: a product's HMI panel (GetProductPanel, SaveProductPanel, ListProductPanelVersions).
using System.CommandLine;
using System.Text.Json;
using Thingyard.Cli.Output;

namespace Thingyard.Cli.Commands;

public static class PanelCommands
{
    public static Command Build(CliContext cli) => new("panel", "A product's human-machine interface panel") { Show(cli), Save(cli), Versions(cli) };

    static Command Show(CliContext cli)
    {
        var pk = new Argument<string>("PK") { Description = "ProductKey" };
        var version = new Option<int?>("--panel-version") { Description = "A saved version (default: the latest)" };
        var command = new Command("show", "Print the panel definition (JSON)") { pk, version };
        command.SetAction((r, ct) => cli.CallAsync(r, rpc => rpc.CallAsync("GetProductPanel", new RpcParams
        {
            { "ProductKey", r.GetValue(pk) }, { "PanelVersion", r.GetValue(version) },
        }, ct), body => cli.Out.WriteLine(JsonSerializer.Serialize(JsonDocument.Parse(body.GetProperty("Data").GetProperty("Definition").GetString()!).RootElement, Indented))));
        return command;
    }

    static Command Save(CliContext cli)
    {
        var pk = new Argument<string>("PK") { Description = "ProductKey" };
        var file = new Argument<FileInfo>("FILE") { Description = "The panel definition: {\"pages\":[{\"title\",\"sections\":[{\"title\",\"widgets\":[{\"type\",\"identifier\"}]}]}]}" };
        var command = new Command("save", "Save a new panel version, checked against the published thing model") { pk, file };
        command.SetAction(async (r, ct) =>
        {
            var definition = await File.ReadAllTextAsync(r.GetValue(file)!.FullName, ct);
            return await cli.CallAsync(r, rpc => rpc.CallAsync("SaveProductPanel", new RpcParams
            {
                { "ProductKey", r.GetValue(pk) }, { "Definition", definition },
            }, ct), body => cli.Out.WriteLine($"panel version {body.GetProperty("Data").GetProperty("Version").GetInt32()} saved"));
        });
        return command;
    }

    static Command Versions(CliContext cli)
    {
        var pk = new Argument<string>("PK") { Description = "ProductKey" };
        var command = new Command("versions", "The saved panel versions") { pk };
        command.SetAction((r, ct) => cli.CallAsync(r, rpc => rpc.CallAsync("ListProductPanelVersions", new RpcParams { { "ProductKey", r.GetValue(pk) } }, ct),
            body => Table.Write(cli.Out, ["VERSION", "BY", "SAVED (UTC)"], body.GetProperty("Data").GetProperty("List").EnumerateArray()
                .Select(v => (IReadOnlyList<string>)
                [
                    JsonText.Scalar(v.GetProperty("Version")), v.GetProperty("CreatedBy").GetString()!,
                    DateTimeOffset.FromUnixTimeMilliseconds(v.GetProperty("GmtCreate").GetInt64()).UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss"),
                ]).ToList())));
        return command;
    }

    static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };
}
