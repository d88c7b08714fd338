// Builds the thingyard command tree and runs one command line against it.
using System.CommandLine;
using System.CommandLine.Help;
using Thingyard.Cli.Commands;

namespace Thingyard.Cli;

public static class CliApp
{
    public const int UsageError = 2;

    public static Task<int> RunAsync(string[] args) => RunAsync(args, Console.Out, Console.Error);

    /// <summary>Runs a command line; <paramref name="environment"/> replaces the variables it names (null = process environment).</summary>
    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr, IReadOnlyDictionary<string, string?>? environment = null)
    {
        var cli = new CliContext(stdout, stderr, environment);
        // A plain Command with RootCommand's options: RootCommand names itself after the entry assembly, Thingyard.Cli.
        var root = new Command("thingyard", "Manage a Thingyard IoT platform over its RPC OpenAPI.")
        {
            new HelpOption(), new VersionOption(), cli.Endpoint, cli.AccessKeyId, cli.AccessKeySecret, cli.Json,
            ConfigCommands.Build(cli), ProjectCommands.Build(cli), ProductCommands.Build(cli), DeviceCommands.Build(cli), TslCommands.Build(cli),
            TemplateCommands.Build(cli), ModuleCommands.Build(cli), SimulateCommands.Build(cli), VirtualDeviceCommands.Build(cli),
            DistributeCommands.Build(cli), DistributeCommands.Notifications(cli), ProductionCommands.Build(cli),
            AccessCommands.KeyCommands(cli), AccessCommands.UserCommands(cli),
            ReleaseCommands.Build(cli), PanelCommands.Build(cli), SubscribeCommands.Build(cli), RuleCommands.Build(cli), ScriptCommands.Build(cli),
            AlarmCommands.Build(cli), ShareCommands.Build(cli), TransferCommands.Build(cli), Id2Commands.Build(cli), EndUserCommands.Apps(cli), EndUserCommands.EndUsers(cli), AliGenieCommands.Build(cli),
            OpsCommands.Build(cli), ClusterCommands.Build(cli),
        };
        var parsed = root.Parse(args);
        var code = await parsed.InvokeAsync(new InvocationConfiguration { Output = stdout, Error = stderr });
        // System.CommandLine reports parse errors with 1; the CLI keeps 1 for failed calls and 2 for bad usage.
        return parsed.Errors.Count > 0 ? UsageError : code;
    }
}
