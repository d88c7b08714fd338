// `thingyard transfer propose|list|accept|decline|cancel`: moving devices to another account (CreateDeviceTransfer,
// QueryDeviceTransferList, AcceptDeviceTransfer, DeclineDeviceTransfer, CancelDeviceTransfer; docs/sharing.md).
using System.CommandLine;
using Thingyard.Cli.Output;

namespace Thingyard.Cli.Commands;

public static class TransferCommands
{
    public static Command Build(CliContext cli) => new("transfer", "Transfer devices to another account, and answer transfers proposed to this one")
    {
        Propose(cli), List(cli), Decide(cli, "accept", "AcceptDeviceTransfer", "Accept a pending transfer: its devices become this account's", "accepted"),
        Decide(cli, "decline", "DeclineDeviceTransfer", "Decline a pending transfer", "declined"),
        Decide(cli, "cancel", "CancelDeviceTransfer", "Withdraw a transfer this account proposed", "cancelled"),
    };

    static Command Propose(CliContext cli)
    {
        var what = new ShareCommands.DevicesTo();
        var command = what.AddTo(new Command("propose", "Propose moving devices to another account (it has 7 days to answer)"));
        command.SetAction((r, ct) => cli.CallAsync(r, rpc => rpc.CallAsync("CreateDeviceTransfer", what.Params(r), ct),
            body => cli.Out.WriteLine($"transfer {body.GetProperty("Data").GetProperty("TransferId").GetString()} proposed to {what.Target.Describe(r)}")));
        return command;
    }

    static Command List(CliContext cli)
    {
        var outgoing = new Option<bool>("--outgoing") { Description = "This account's proposals instead of those made to it" };
        var status = new Option<string>("--status") { Description = "PENDING, ACCEPTED, DECLINED, CANCELLED or EXPIRED" };
        var command = new Command("list", "Transfers proposed to this account (pending first), or by it") { outgoing, status };
        command.SetAction((r, ct) => cli.CallAsync(r, rpc => rpc.CallAsync("QueryDeviceTransferList", new RpcParams
        {
            { "Type", r.GetValue(outgoing) ? "OUTGOING" : "INCOMING" }, { "Status", r.GetValue(status) }, { "PageSize", 200 },
        }, ct), body => Table.Write(cli.Out, ["TRANSFER ID", "STATUS", "PRODUCT KEY", "DEVICES", r.GetValue(outgoing) ? "TO" : "FROM"],
            body.GetProperty("Data").GetProperty("List").GetProperty("TransferInfo").EnumerateArray().Select(t => (IReadOnlyList<string>)
                [t.GetProperty("TransferId").GetString()!, t.GetProperty("Status").GetString()!, t.GetProperty("ProductKey").GetString()!,
                 string.Join(",", t.GetProperty("DeviceNames").EnumerateArray().Select(n => n.GetString())), t.GetProperty("OtherUid").GetString()!]).ToList())));
        return command;
    }

    static Command Decide(CliContext cli, string name, string action, string description, string done)
    {
        var id = new Argument<string>("TRANSFER_ID") { Description = "The transfer (dt_...)" };
        var command = new Command(name, description) { id };
        command.SetAction((r, ct) => cli.CallAsync(r, rpc => rpc.CallAsync(action, new RpcParams { { "TransferId", r.GetValue(id) } }, ct),
            _ => cli.Out.WriteLine($"transfer {r.GetValue(id)} {done}")));
        return command;
    }
}
