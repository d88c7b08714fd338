// `thingyard module list`: ListCertifiedModules, the certified modules and chips a product can be built on
// (`thingyard product module` records the choice).
using System.CommandLine;
using Thingyard.Cli.Output;

namespace Thingyard.Cli.Commands;

public static class ModuleCommands
{
    public static Command Build(CliContext cli) => new("module", "Browse the certified modules and chips") { List(cli) };

    static Command List(CliContext cli)
    {
        var netType = new Option<string>("--net-type") { Description = "Only this network type: WIFI, CELLULAR or NB-IoT" };
        var command = new Command("list", "List the certified modules and chips") { netType };
        command.SetAction((r, ct) => cli.CallAsync(r,
            rpc => rpc.CallAsync("ListCertifiedModules", new RpcParams { { "NetType", r.GetValue(netType) } }, ct), body =>
                Table.Write(cli.Out, ["MODULE ID", "VENDOR", "MODEL", "NET TYPE", "SDK"], body.GetProperty("Data").EnumerateArray()
                    .Select(m => (IReadOnlyList<string>)
                    [
                        m.GetProperty("ModuleId").GetString()!, m.GetProperty("Vendor").GetString()!, m.GetProperty("Model").GetString()!,
                        m.GetProperty("NetType").GetString()!, string.Join(", ", m.GetProperty("Sdk").EnumerateArray().Select(s => s.GetString())),
                    ]).ToList())));
        return command;
    }
}
