// `thingyard product config show|set|push PK`: a product's remote configuration file over the REST API
// (/api/v1/products/{pk}/config): read it and its kept versions, save a new version from a file, push it to devices.
using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Thingyard.Cli.Output;

namespace Thingyard.Cli.Commands;

public static class ProductConfigCommands
{
    public static Command Build(CliContext cli) =>
        new("config", "A product's remote configuration file (what devices get with thing.config.get)") { Show(cli), Set(cli), Push(cli) };

    static string PathOf(string productKey) => $"/api/v1/products/{Uri.EscapeDataString(productKey)}/config";

    static Command Show(CliContext cli)
    {
        var productKey = new Argument<string>("PK") { Description = "ProductKey" };
        var command = new Command("show", "Print the current file, then its kept versions") { productKey };
        command.SetAction((r, ct) => Run(cli, r, async session =>
        {
            var status = await session.GetJsonAsync(PathOf(r.GetValue(productKey)!), ct);
            if (r.GetValue(cli.Json)) { JsonText.Write(cli.Out, status); return; }
            if (status.GetProperty("current").ValueKind != JsonValueKind.Object)
            {
                cli.Out.WriteLine("no configuration file");
                return;
            }
            cli.Out.WriteLine(status.GetProperty("current").GetProperty("content").GetString());
            Table.Write(cli.Out, ["CONFIG ID", "BYTES", "SHA-256", "SAVED (UTC)"], status.GetProperty("versions").EnumerateArray()
                .Select(v => (IReadOnlyList<string>)[v.GetProperty("configId").GetString()!, JsonText.Scalar(v.GetProperty("size")),
                    v.GetProperty("sign").GetString()!, Saved(v)]).ToList());
        }));
        return command;
    }

    static Command Set(CliContext cli)
    {
        var productKey = new Argument<string>("PK") { Description = "ProductKey" };
        var file = new Argument<FileInfo>("FILE") { Description = "The configuration file (UTF-8, at most 64 KB); - reads standard input" };
        var command = new Command("set", "Save FILE as the product's new configuration version") { productKey, file };
        command.SetAction((r, ct) => Run(cli, r, async session =>
        {
            var source = r.GetValue(file)!;
            string content;
            try
            {
                content = source.Name == "-" ? await Console.In.ReadToEndAsync(ct) : await File.ReadAllTextAsync(source.FullName, ct);
            }
            catch (IOException e) { throw new CliException($"cannot read {source.FullName}: {e.Message}"); }
            var saved = await session.SendJsonAsync(HttpMethod.Put, PathOf(r.GetValue(productKey)!), new { content }, ct);
            if (r.GetValue(cli.Json)) JsonText.Write(cli.Out, saved);
            else Fields.Write(cli.Out, saved, "configId", "size", "sign");
        }));
        return command;
    }

    static Command Push(CliContext cli)
    {
        var productKey = new Argument<string>("PK") { Description = "ProductKey" };
        var command = new Command("push", "Send the current file to every connected device of the product (thing.config.push)") { productKey };
        command.SetAction((r, ct) => Run(cli, r, async session =>
        {
            var pushed = await session.SendJsonAsync(HttpMethod.Post, PathOf(r.GetValue(productKey)!) + "/push", null, ct);
            if (r.GetValue(cli.Json)) JsonText.Write(cli.Out, pushed);
            else cli.Out.WriteLine($"pushed {pushed.GetProperty("configId").GetString()} to {pushed.GetProperty("devices").GetInt32()} connected device(s)");
        }));
        return command;
    }

    static Task<int> Run(CliContext cli, ParseResult r, Func<CliSession, Task> body) => cli.RunAsync(async () =>
    {
        using var session = new CliSession(cli, r);
        await body(session);
    });

    static string Saved(JsonElement version) => DateTimeOffset.Parse(version.GetProperty("createdAt").GetString()!, CultureInfo.InvariantCulture)
        .UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);
}
