// `thingyard cluster status`: QueryClusterStatus, the instance's nodes with their state, device counts and the node that
// runs the cluster's jobs (the platform operator's view).
using System.CommandLine;
using System.Text.Json;
using Thingyard.Cli.Output;

namespace Thingyard.Cli.Commands;

public static class ClusterCommands
{
    public static Command Build(CliContext cli) => new("cluster", "The nodes serving this instance") { Status(cli) };

    static Command Status(CliContext cli)
    {
        var command = new Command("status", "List the nodes, their state and how many devices each holds");
        command.SetAction((r, ct) => cli.CallAsync(r, rpc => rpc.CallAsync("QueryClusterStatus", new RpcParams(), ct), body =>
        {
            var data = body.GetProperty("Data");
            if (!data.GetProperty("Enabled").GetBoolean()) cli.Out.WriteLine("Single node (Thingyard:Cluster:Enabled is off).");
            Table.Write(cli.Out, ["NODE", "ADDRESS", "STATUS", "DEVICES", "ROLE"], data.GetProperty("Nodes").EnumerateArray()
                .Select(n => (IReadOnlyList<string>)
                [
                    n.GetProperty("Name").GetString()! + (n.GetProperty("Self").GetBoolean() ? " *" : ""),
                    n.GetProperty("Address").GetString()!, n.GetProperty("Status").GetString()!,
                    n.GetProperty("Devices").ValueKind == JsonValueKind.Number ? n.GetProperty("Devices").GetInt32().ToString() : "-",
                    n.GetProperty("Leader").GetBoolean() ? "leader" : "",
                ]).ToList());
        }));
        return command;
    }
}
