// `thingyard script get|save|test PK`: a product's data parsing script (GetThingScript, SaveScript, CreateThingScript /
// UpdateThingScript, TestThingScript). `save` submits the file (the running script) unless --draft keeps it as the
// console's draft; `test` runs a file, the draft or the submitted script on a sample payload and prints the output,
// or the failure with its line and column (exit code 1).
using System.CommandLine;
using Thingyard.Cli.Output;
using Thingyard.Protocol.OpenApi;

namespace Thingyard.Cli.Commands;

public static class ScriptCommands
{
    public static Command Build(CliContext cli) => new("script", "A product's data parsing script (JavaScript: rawDataToProtocol, protocolToRawData, transformPayload)")
    {
        Get(cli), Save(cli), Test(cli),
    };

    static Argument<string> Pk() => new("PK") { Description = "ProductKey" };

    static Command Get(CliContext cli)
    {
        var productKey = Pk();
        var draft = new Option<bool>("--draft") { Description = "Print the saved draft instead of the submitted script" };
        var command = new Command("get", "Print the product's submitted script (or its draft)") { productKey, draft };
        command.SetAction((r, ct) => cli.CallAsync(r, rpc => rpc.CallAsync("GetThingScript", new RpcParams { { "ProductKey", r.GetValue(productKey) } }, ct),
            body => cli.Out.Write(body.GetProperty("Data").GetProperty(r.GetValue(draft) ? "ScriptDraft" : "ScriptContent").GetString())));
        return command;
    }

    static Command Save(CliContext cli)
    {
        var productKey = Pk();
        var file = new Argument<FileInfo>("FILE") { Description = "The JavaScript file; - reads standard input" };
        var draft = new Option<bool>("--draft") { Description = "Keep it as a draft (SaveScript); devices go on with the submitted script" };
        var command = new Command("save", "Submit FILE as the product's script (CreateThingScript, or UpdateThingScript when it has one)") { productKey, file, draft };
        command.SetAction(async (r, ct) =>
        {
            if (await ReadOrReportAsync(cli, r.GetValue(file), ct) is not { } content) return 1;
            var pk = r.GetValue(productKey)!;
            var p = new RpcParams { { "ProductKey", pk }, { "ScriptContent", content }, { "ScriptType", "JavaScript" } };
            if (r.GetValue(draft)) return await cli.CallAsync(r, rpc => rpc.CallAsync("SaveScript", p, ct), _ => cli.Out.WriteLine($"draft of {pk} saved"));
            return await cli.CallAsync(r, async rpc =>
            {
                try { return await rpc.CallAsync("UpdateThingScript", p, ct); }
                catch (RpcCallException e) when (e.Code == "iot.script.NotExistedScript") { return await rpc.CallAsync("CreateThingScript", p, ct); }
            }, _ => cli.Out.WriteLine($"script of {pk} submitted"));
        });
        return command;
    }

    static Command Test(CliContext cli)
    {
        var productKey = Pk();
        var payload = new Option<string>("--payload") { Description = "up: hex bytes (0x0100 or 01 00); down: an Alink JSON message; with --topic: hex or text", Required = true };
        var direction = new Option<string>("--direction") { Description = "up (rawDataToProtocol) or down (protocolToRawData)", DefaultValueFactory = _ => "up" };
        direction.AcceptOnlyFromAmong("up", "down");
        var topic = new Option<string>("--topic") { Description = "Run transformPayload for this custom topic" };
        var file = new Option<FileInfo>("--file") { Description = "Run this script instead of the saved draft or submitted script" };
        var command = new Command("test", "Run the script on a sample payload and print the output or the failure") { productKey, payload, direction, topic, file };
        command.SetAction(async (r, ct) =>
        {
            string? content = null;
            if (r.GetValue(file) is { } f && (content = await ReadOrReportAsync(cli, f, ct)) is null) return 1;
            var p = new RpcParams
            {
                { "ProductKey", r.GetValue(productKey) }, { "Direction", r.GetValue(direction) }, { "Payload", r.GetValue(payload) },
                { "Topic", r.GetValue(topic) }, { "ScriptContent", content },
            };
            var failed = false;
            var code = await cli.CallAsync(r, rpc => rpc.CallAsync("TestThingScript", p, ct), body =>
            {
                var data = body.GetProperty("Data");
                if (data.GetProperty("Status").GetString() == "success") { cli.Out.WriteLine(data.GetProperty("Output").GetString()); return; }
                failed = true;
                var line = data.GetProperty("Line").GetInt32();
                var at = line > 0 ? $" at line {line}, column {data.GetProperty("Column").GetInt32()}" : "";
                cli.Err.WriteLine($"error: {data.GetProperty("ErrorType").GetString()}{at}: {data.GetProperty("ErrorMessage").GetString()}");
            });
            return failed ? 1 : code;
        });
        return command;
    }

    static async Task<string?> ReadOrReportAsync(CliContext cli, FileInfo? source, CancellationToken ct)
    {
        try { return await ReadAsync(source!, ct); }
        catch (CliException e)
        {
            await cli.Err.WriteLineAsync($"error: {e.Message}");
            return null;
        }
    }

    static async Task<string> ReadAsync(FileInfo source, CancellationToken ct)
    {
        try { return source.Name == "-" ? await Console.In.ReadToEndAsync(ct) : await File.ReadAllTextAsync(source.FullName, ct); }
        catch (IOException e) { throw new CliException($"cannot read {source.FullName}: {e.Message}"); }
    }
}
