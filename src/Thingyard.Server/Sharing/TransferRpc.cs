// RPC actions for device transfer between accounts (Thingyard's names in the platform's style; docs/sharing.md):
// CreateDeviceTransfer (the owner proposes), QueryDeviceTransferList (Type OUTGOING or INCOMING, the pending
// transfers list), AcceptDeviceTransfer and DeclineDeviceTransfer (the target), CancelDeviceTransfer (the owner).
using Thingyard.Server.Rpc;
using Thingyard.Sharing;

namespace Thingyard.Server.Sharing;

public static class TransferRpc
{
    public static RpcActions AddTransferActions(this RpcActions actions) => actions
        .Add("CreateDeviceTransfer", Create)
        .Add("QueryDeviceTransferList", List)
        .Add("AcceptDeviceTransfer", Accept)
        .Add("DeclineDeviceTransfer", Decline)
        .Add("CancelDeviceTransfer", Cancel);

    static DeviceTransfers Service(RpcCall c) => c.Service<DeviceTransfers>();

    static async Task<object> Create(RpcCall c) => new
    {
        Data = Info(await Service(c).ProposeAsync(c.Caller, c.Required("ProductKey"), c.List("DeviceName"), c.Optional("TargetUid"), c.Optional("TargetAccountName"), c.Ct)),
    };

    static async Task<object> List(RpcCall c)
    {
        var direction = (c.Optional("Type") ?? "INCOMING").ToUpperInvariant() switch
        {
            "INCOMING" => TransferDirection.Incoming,
            "OUTGOING" => TransferDirection.Outgoing,
            _ => throw RpcGatewayException.Invalid("Type", "must be INCOMING or OUTGOING"),
        };
        var page = await Service(c).ListAsync(c.Caller, direction, c.Optional("Status")?.ToUpperInvariant(), c.Paging(10, 200), c.Ct);
        return new
        {
            Data = new
            {
                CurrentPage = page.Paging.Page, page.PageCount, PageSize = page.Paging.PageSize, page.Total,
                List = new { TransferInfo = page.Items.Select(Info) },
            },
        };
    }

    static async Task<object> Accept(RpcCall c)
    {
        var moved = await Service(c).AcceptAsync(c.Caller, c.Required("TransferId"), c.Ct);
        return new { Data = new { DeviceNames = moved } };
    }

    static async Task<object> Decline(RpcCall c)
    {
        await Service(c).DeclineAsync(c.Caller, c.Required("TransferId"), c.Ct);
        return new { };
    }

    static async Task<object> Cancel(RpcCall c)
    {
        await Service(c).CancelAsync(c.Caller, c.Required("TransferId"), c.Ct);
        return new { };
    }

    static object Info(TransferRow r) => new
    {
        r.Transfer.TransferId, r.Status, r.ProductKey, r.ProductName, DeviceNames = r.DeviceNames, DeviceCount = r.DeviceNames.Count,
        OtherUid = r.OtherUid, OtherAccountName = r.OtherName, GmtCreate = r.Transfer.CreatedAtMs, GmtExpire = r.Transfer.ExpiresAtMs,
        GmtDecided = r.Transfer.DecidedAtMs,
    };
}
