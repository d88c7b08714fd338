// `thingyard virtual-device create|list|start|stop|delete`: a product's virtual devices, test devices the server runs
// itself (CreateVirtualDevice, QueryVirtualDeviceList, StartVirtualDevice, StopVirtualDevice, DeleteVirtualDevice).
using System.CommandLine;
using System.Globalization;
using Thingyard.Cli.Output;

namespace Thingyard.Cli.Commands;

public static class VirtualDeviceCommands
{
    public static Command Build(CliContext cli) => new("virtual-device", "Run test devices of a product inside the server")
    {
        Create(cli), List(cli),
        Change(cli, "start", "StartVirtualDevice", "Connect the virtual device and start reporting", "started"),
        Change(cli, "stop", "StopVirtualDevice", "Disconnect the virtual device", "stopped"),
        Change(cli, "delete", "DeleteVirtualDevice", "Stop the virtual device and delete its device", "deleted"),
    };

    static Command Create(CliContext cli)
    {
        var productKey = new Argument<string>("PK") { Description = "ProductKey" };
        var name = new Option<string>("--name") { Description = "DeviceName (generated when left out)" };
        var interval = new Option<int?>("--interval") { Description = "Seconds between property reports, 1 to 3600 (default 10)" };
        var replies = new Option<string>("--replies")
        {
            Description = "JSON: {\"<serviceId or property.set>\": {\"code\":200,\"message\":\"...\",\"delayMs\":0,\"output\":{...}}}",
        };
        var command = new Command("create", "Create a virtual device of a product (a test device; start it to connect)") { productKey, name, interval, replies };
        command.SetAction((r, ct) => cli.CallAsync(r, rpc => rpc.CallAsync("CreateVirtualDevice", new RpcParams
        {
            { "ProductKey", r.GetValue(productKey) },
            { "DeviceName", r.GetValue(name) },
            { "IntervalSeconds", r.GetValue(interval) },
            { "Replies", r.GetValue(replies) },
        }, ct), body => Fields.Write(cli.Out, body.GetProperty("Data"), "ProductKey", "DeviceName", "IotId")));
        return command;
    }

    static Command List(CliContext cli)
    {
        var productKey = new Argument<string>("PK") { Description = "ProductKey" };
        var command = new Command("list", "List the product's virtual devices") { productKey };
        command.SetAction((r, ct) => cli.CallAsync(r, rpc => rpc.CallAsync("QueryVirtualDeviceList", new RpcParams
        {
            { "ProductKey", r.GetValue(productKey) },
        }, ct), body => Table.Write(cli.Out, ["DEVICE NAME", "IOT ID", "INTERVAL (S)", "RUNNING", "REPLIES"],
            body.GetProperty("Data").GetProperty("List").EnumerateArray().Select(v => (IReadOnlyList<string>)
            [
                v.GetProperty("DeviceName").GetString()!, v.GetProperty("IotId").GetString()!,
                v.GetProperty("IntervalSeconds").GetInt32().ToString(CultureInfo.InvariantCulture),
                v.GetProperty("Running").GetBoolean() ? "yes" : "no", v.GetProperty("Replies").GetString()!,
            ]).ToList())));
        return command;
    }

    static Command Change(CliContext cli, string verb, string action, string description, string done)
    {
        var productKey = new Argument<string>("PK") { Description = "ProductKey" };
        var deviceName = new Argument<string>("NAME") { Description = "DeviceName of the virtual device" };
        var command = new Command(verb, description) { productKey, deviceName };
        command.SetAction((r, ct) => cli.CallAsync(r, rpc => rpc.CallAsync(action, new RpcParams
        {
            { "ProductKey", r.GetValue(productKey) },
            { "DeviceName", r.GetValue(deviceName) },
        }, ct), _ => cli.Out.WriteLine($"virtual device {r.GetValue(productKey)}/{r.GetValue(deviceName)} {done}")));
        return command;
    }
}
