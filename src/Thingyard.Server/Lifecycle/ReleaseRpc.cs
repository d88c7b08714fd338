// RPC actions for the way to release: ConfirmProductInfo, ReleaseProduct (the platform's action, here a submission
// for review; WaiveReason waives the debugging checklist), CancelReleaseProduct (the platform's), the operator's
// QueryReleaseReviewList, ApproveProductRelease and RejectProductRelease, the audit trail (QueryProductReleaseHistory),
// the debugging checklist (GetDebugChecklist) and the guidance assistant (GetProductDevelopmentProgress).
using Thingyard.Lifecycle;
using Thingyard.Registry;
using Thingyard.Server.Rpc;

namespace Thingyard.Server.Lifecycle;

public static class ReleaseRpc
{
    public static RpcActions AddReleaseActions(this RpcActions actions) => actions
        .Add("ConfirmProductInfo", ConfirmInfo)
        .Add("ReleaseProduct", Release)
        .Add("CancelReleaseProduct", Cancel)
        .Add("QueryReleaseReviewList", Queue)
        .Add("ApproveProductRelease", c => Decide(c, approve: true))
        .Add("RejectProductRelease", c => Decide(c, approve: false))
        .Add("QueryProductReleaseHistory", History)
        .Add("GetDebugChecklist", Checklist)
        .Add("GetProductDevelopmentProgress", Progress);

    static async Task<object> ConfirmInfo(RpcCall c)
    {
        await c.Service<ProductReleases>().ConfirmInfoAsync(c.Caller, c.Required("ProductKey"), c.Ct);
        return new { };
    }

    static async Task<object> Release(RpcCall c)
    {
        var checks = await c.Service<ProductReleases>().SubmitAsync(c.Caller, c.Required("ProductKey"), c.Optional("WaiveReason"), c.Ct);
        return new { Data = new { ReleaseState = ReleaseStates.Pending, Checks = checks.Select(Check) } };
    }

    static async Task<object> Cancel(RpcCall c)
    {
        await c.Service<ProductReleases>().CancelAsync(c.Caller, c.Required("ProductKey"), c.Ct);
        return new { };
    }

    static async Task<object> Queue(RpcCall c)
    {
        var queue = await c.Service<ProductReleases>().QueueAsync(c.Caller, c.Ct);
        return new
        {
            Data = new
            {
                Total = queue.Count,
                List = queue.Select(q => new
                {
                    q.Product.ProductKey, ProductName = q.Product.Name, q.AccountUid, q.AccountName, GmtSubmitted = q.SubmittedAtMs,
                    q.SubmittedBy, WaiveReason = q.Waiver,
                }),
            },
        };
    }

    static async Task<object> Decide(RpcCall c, bool approve)
    {
        await c.Service<ProductReleases>().DecideAsync(c.Caller, c.Required("ProductKey"), approve, c.Optional("Reason"), c.Ct);
        return new { };
    }

    static async Task<object> History(RpcCall c)
    {
        var records = await c.Service<ProductReleases>().HistoryAsync(c.Caller, c.Required("ProductKey"), c.Ct);
        return new { Data = new { List = records.Select(r => new { r.Action, r.Actor, r.Reason, GmtCreate = r.AtMs }) } };
    }

    static async Task<object> Checklist(RpcCall c)
    {
        var product = await c.Service<ProductRegistry>().GetAsync(c.Caller, c.Required("ProductKey"), c.Ct);
        var list = await c.Service<DebugChecklist>().ForAsync(product, c.Ct);
        return new
        {
            Data = new { list.Complete, Items = list.Items.Select(i => new { i.Kind, i.Identifier, i.Name, i.Done, DeviceName = i.By }) },
        };
    }

    static async Task<object> Progress(RpcCall c)
    {
        var p = await c.Service<DevelopmentProgress>().ForAsync(c.Caller, c.Required("ProductKey"), c.Ct);
        return new { Data = new { p.ProductKey, p.ReleaseState, Steps = p.Steps.Select(s => new { s.Step, s.Done, s.Detail }), p.Blocking } };
    }

    static object Check(ReleaseCheck check) => new { check.Step, check.Passed, check.Detail };
}
