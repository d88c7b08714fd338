// `thingyard device register|list|show`: RegisterDevice, QueryDevice / QueryDeviceByStatus and QueryDeviceDetail (`watch` is in WatchCommands).
using System.CommandLine;
using Thingyard.Cli.Output;

namespace Thingyard.Cli.Commands;

public static class DeviceCommands
{
    // The device triplet leads, since it is what the user copies into firmware.
    static readonly string[] TripletFirst = ["ProductKey", "DeviceName", "DeviceSecret"];

    public static Command Build(CliContext cli) => new("device", "Register, inspect and watch devices")
    {
        Register(cli), List(cli), Show(cli), WatchCommands.Build(cli),
    };

    static Command Register(CliContext cli)
    {
        var productKey = new Argument<string>("PK") { Description = "ProductKey" };
        var name = new Argument<string?>("NAME") { Description = "DeviceName (the server picks one when left out)", Arity = ArgumentArity.ZeroOrOne };
        var nickname = new Option<string>("--nickname") { Description = "Display name" };
        var command = new Command("register", "Register a device and print its triplet") { productKey, name, nickname };
        command.SetAction((r, ct) => cli.CallAsync(r, rpc => rpc.CallAsync("RegisterDevice", new RpcParams
        {
            { "ProductKey", r.GetValue(productKey) },
            { "DeviceName", r.GetValue(name) },
            { "Nickname", r.GetValue(nickname) },
        }, ct), body => Fields.Write(cli.Out, body.GetProperty("Data"), TripletFirst)));
        return command;
    }

    static Command List(CliContext cli)
    {
        var productKey = new Argument<string>("PK") { Description = "ProductKey" };
        var status = new Option<string>("--status") { Description = "Only devices in this state: UNACTIVE, ONLINE, OFFLINE or DISABLE" };
        var paging = new Paging();
        var command = new Command("list", "List a product's devices") { productKey, status };
        paging.AddTo(command);
        command.SetAction((r, ct) => cli.CallAsync(r, rpc =>
        {
            var wanted = r.GetValue(status)?.ToUpperInvariant();
            return rpc.CallAsync(wanted is null ? "QueryDevice" : "QueryDeviceByStatus", new RpcParams
            {
                { "ProductKey", r.GetValue(productKey) },
                { "Status", wanted },
                { "CurrentPage", r.GetValue(paging.Page) ?? 1 },
                { "PageSize", r.GetValue(paging.PageSize) },
            }, ct);
        }, body =>
        {
            // QueryDevice answers Data.DeviceInfo[].DeviceStatus, QueryDeviceByStatus Data.SimpleDeviceInfo[].Status.
            var data = body.GetProperty("Data");
            var byStatus = data.TryGetProperty("SimpleDeviceInfo", out var simple);
            var rows = (byStatus ? simple : data.GetProperty("DeviceInfo")).EnumerateArray().Select(d => (IReadOnlyList<string>)
            [
                d.GetProperty("DeviceName").GetString()!, JsonText.Scalar(d.GetProperty(byStatus ? "Status" : "DeviceStatus")),
                JsonText.Scalar(d.GetProperty("Nickname")), JsonText.Scalar(d.GetProperty("IotId")), JsonText.Scalar(d.GetProperty("UtcCreate")),
            ]).ToList();
            Table.Write(cli.Out, ["DEVICE NAME", "STATUS", "NICKNAME", "IOT ID", "CREATED"], rows);
            cli.Out.WriteLine(Paging.Footer(body.GetProperty("Page").GetInt32(), body.GetProperty("PageCount").GetInt32(),
                body.GetProperty("Total").GetInt32(), "device"));
        }));
        return command;
    }

    static Command Show(CliContext cli)
    {
        var productKey = new Argument<string>("PK") { Description = "ProductKey" };
        var name = new Argument<string>("NAME") { Description = "DeviceName" };
        var command = new Command("show", "Show one device, with its DeviceSecret") { productKey, name };
        command.SetAction((r, ct) => cli.CallAsync(r, rpc => rpc.CallAsync("QueryDeviceDetail", new RpcParams
        {
            { "ProductKey", r.GetValue(productKey) },
            { "DeviceName", r.GetValue(name) },
        }, ct), body => Fields.Write(cli.Out, body.GetProperty("Data"), TripletFirst)));
        return command;
    }
}
