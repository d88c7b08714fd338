// `thingyard config set|show`: the endpoint and AccessKey saved in the config file, and the settings a command would use.
using System.CommandLine;
using System.Text.Json;
using Thingyard.Cli.Config;
using Thingyard.Cli.Output;

namespace Thingyard.Cli.Commands;

public static class ConfigCommands
{
    public static Command Build(CliContext cli) => new("config", "Save or show the endpoint and AccessKey") { Set(cli), Show(cli) };

    /// <summary>Takes the global --endpoint/--access-key-id/--access-key-secret options; only the ones given change.</summary>
    static Command Set(CliContext cli)
    {
        var command = new Command("set", "Save --endpoint, --access-key-id and --access-key-secret to the config file");
        command.Validators.Add(result =>
        {
            if (result.GetValue(cli.Endpoint) is null && result.GetValue(cli.AccessKeyId) is null && result.GetValue(cli.AccessKeySecret) is null)
                result.AddError("Give at least one of --endpoint, --access-key-id, --access-key-secret.");
        });
        command.SetAction((r, _) => cli.RunAsync(() =>
        {
            var file = cli.ConfigFile;
            var current = file.Load();
            var endpoint = r.GetValue(cli.Endpoint);
            if (endpoint is not null) EffectiveConfig.ParseEndpoint(endpoint);
            file.Save(new CliConfig(
                endpoint ?? current.Endpoint, r.GetValue(cli.AccessKeyId) ?? current.AccessKeyId, r.GetValue(cli.AccessKeySecret) ?? current.AccessKeySecret));
            cli.Out.WriteLine($"saved {file.Path}");
            return Task.CompletedTask;
        }));
        return command;
    }

    static Command Show(CliContext cli)
    {
        var command = new Command("show", "Show the settings commands use and where each comes from (the secret masked)");
        command.SetAction((r, _) => cli.RunAsync(() =>
        {
            var file = cli.ConfigFile;
            var config = cli.Config(r);
            var secret = config.AccessKeySecret with { Value = Mask(config.AccessKeySecret.Value) };
            if (r.GetValue(cli.Json))
            {
                JsonText.Write(cli.Out, JsonSerializer.SerializeToElement(new
                {
                    ConfigFile = file.Path, Endpoint = config.Endpoint.Value, AccessKeyId = config.AccessKeyId.Value, AccessKeySecret = secret.Value,
                }));
                return Task.CompletedTask;
            }
            Table.Write(cli.Out, ["SETTING", "VALUE", "SOURCE"],
            [
                ["config file", file.Path, file.Exists ? "" : "(not created yet)"],
                Row("endpoint", config.Endpoint),
                Row("access key id", config.AccessKeyId),
                Row("access key secret", secret),
            ]);
            return Task.CompletedTask;
        }));
        return command;
    }

    static IReadOnlyList<string> Row(string name, Setting setting) => [name, setting.Value ?? "-", setting.Source];

    /// <summary>Enough of the secret to tell two keys apart, never enough to use it.</summary>
    static string? Mask(string? secret) => secret switch
    {
        null => null,
        { Length: >= 12 } => "****" + secret[^4..],
        _ => "****",
    };
}
