// `thingyard app ...` and `thingyard enduser ...`: a project's proprietary apps (AppKey and AppSecret, the secret shown
// when made or reset), the bind codes to print on devices (a CSV with each QR code's text), and who has a device.
using System.CommandLine;
using System.Text.Json;
using Thingyard.Cli.Output;
using Thingyard.Protocol.OpenApi;

namespace Thingyard.Cli.Commands;

public static class EndUserCommands
{
    public static Command Apps(CliContext cli) => new("app", "A project's proprietary apps: their AppKey and AppSecret")
    {
        CreateApp(cli), ListApps(cli), AppAction(cli, "reset-secret", "Give the app a new secret (the old one stops working)", "ResetProprietaryAppSecret"),
        AppStatus(cli, "enable", true), AppStatus(cli, "disable", false), AppAction(cli, "delete", "Delete the app", "DeleteProprietaryApp"),
    };

    public static Command EndUsers(CliContext cli) => new("enduser", "End users' devices: bind codes for labels, and who has a device")
    {
        BindCodes(cli), Bindings(cli),
    };

    static Command CreateApp(CliContext cli)
    {
        var project = new Option<string>("--project") { Description = "The project's id (prj_...)", Required = true };
        var name = new Argument<string>("NAME") { Description = "The app's name" };
        var command = new Command("create", "Create a proprietary app; its AppSecret is printed once") { name, project };
        command.SetAction((r, ct) => cli.CallAsync(r, rpc => rpc.CallAsync("CreateProprietaryApp", new RpcParams
        {
            { "ProjectId", r.GetValue(project) }, { "AppName", r.GetValue(name) },
        }, ct), body => Fields.Write(cli.Out, body.GetProperty("Data"), "AppKey", "AppSecret", "AppName", "ProjectId", "Enabled")));
        return command;
    }

    static Command ListApps(CliContext cli)
    {
        var project = new Option<string>("--project") { Description = "The project's id (prj_...)", Required = true };
        var command = new Command("list", "List a project's apps") { project };
        command.SetAction((r, ct) => cli.CallAsync(r, rpc => rpc.CallAsync("QueryProprietaryAppList", new RpcParams { { "ProjectId", r.GetValue(project) } }, ct),
            body => Table.Write(cli.Out, ["APP KEY", "NAME", "STATUS", "CREATED (UTC)"], body.GetProperty("Data").GetProperty("List").EnumerateArray()
                .Select(a => (IReadOnlyList<string>)[S(a, "AppKey"), S(a, "AppName"), a.GetProperty("Enabled").GetBoolean() ? "enabled" : "disabled",
                    JsonText.UtcTime(a.GetProperty("GmtCreate"))]).ToList())));
        return command;
    }

    static Command AppAction(CliContext cli, string verb, string description, string action)
    {
        var key = new Argument<string>("APP_KEY") { Description = "The app's AppKey" };
        var command = new Command(verb, description) { key };
        command.SetAction((r, ct) => cli.CallAsync(r, rpc => rpc.CallAsync(action, new RpcParams { { "AppKey", r.GetValue(key) } }, ct), body =>
        {
            if (body.TryGetProperty("Data", out var data)) Fields.Write(cli.Out, data, "AppKey", "AppSecret", "AppName", "Enabled");
            else cli.Out.WriteLine($"{verb}: {r.GetValue(key)}");
        }));
        return command;
    }

    static Command AppStatus(CliContext cli, string verb, bool enabled)
    {
        var key = new Argument<string>("APP_KEY") { Description = "The app's AppKey" };
        var command = new Command(verb, enabled ? "Let the app sign requests again" : "Refuse the app's requests (Invalid AppKey)") { key };
        command.SetAction((r, ct) => cli.CallAsync(r, rpc => rpc.CallAsync("UpdateProprietaryAppStatus", new RpcParams
        {
            { "AppKey", r.GetValue(key) }, { "Enabled", enabled ? "true" : "false" },
        }, ct), body => Fields.Write(cli.Out, body.GetProperty("Data"), "AppKey", "AppName", "Enabled")));
        return command;
    }

    static Command BindCodes(CliContext cli)
    {
        var product = new Option<string>("--product") { Description = "The ProductKey", Required = true };
        var devices = new Option<string[]>("--device") { Description = "Only these DeviceNames (repeat; default: every device)", AllowMultipleArgumentsPerToken = true };
        var command = new Command("bind-codes", "Print each device's bind code and QR text as CSV, for its label") { product, devices };
        command.SetAction((r, ct) => cli.CallAsync(r, rpc =>
        {
            var p = new RpcParams { { "ProductKey", r.GetValue(product) } };
            var names = r.GetValue(devices) ?? [];
            for (var i = 0; i < names.Length; i++) p.Add($"DeviceName.{i + 1}", names[i]);
            return rpc.CallAsync("QueryDeviceBindCodes", p, ct);
        }, body =>
        {
            cli.Out.WriteLine("ProductKey,DeviceName,IotId,BindCode,QrText");
            foreach (var c in body.GetProperty("Data").GetProperty("List").EnumerateArray())
                cli.Out.WriteLine($"{S(c, "ProductKey")},{S(c, "DeviceName")},{S(c, "IotId")},{S(c, "BindCode")},{S(c, "QrText")}");
        }));
        return command;
    }

    static Command Bindings(CliContext cli)
    {
        var product = new Option<string>("--product") { Description = "The ProductKey", Required = true };
        var device = new Option<string>("--device") { Description = "The DeviceName", Required = true };
        var command = new Command("bindings", "The end users who have a device: owner and members") { product, device };
        command.SetAction((r, ct) => cli.CallAsync(r, rpc => rpc.CallAsync("QueryDeviceBindingList", new RpcParams
        {
            { "ProductKey", r.GetValue(product) }, { "DeviceName", r.GetValue(device) },
        }, ct), body => Table.Write(cli.Out, ["END USER", "LOGIN", "ROLE", "SINCE (UTC)"], body.GetProperty("Data").GetProperty("List").EnumerateArray()
            .Select(b => (IReadOnlyList<string>)[S(b, "UserId"), b.TryGetProperty("Email", out var e) ? e.GetString()! : S(b, "Phone"),
                S(b, "Role") + (b.GetProperty("Pending").GetBoolean() ? " (invited)" : ""), JsonText.UtcTime(b.GetProperty("BindTime"))]).ToList())));
        return command;
    }

    static string S(JsonElement e, string name) => JsonText.Field(e, name);
}
