// Operations Hub actions (Thingyard's own, docs/operations-hub.md): a project's figures for a range of days, its device
// and end-user lookups, and its skin. Reads are open to every role that sees the project, the operator included;
// SetProjectBranding changes the project and needs a role that may.
using Thingyard.OpsHub;
using Thingyard.Server.Rpc;

namespace Thingyard.Server.OpsHub;

public static class OpsHubRpc
{
    public static RpcActions AddOpsHubActions(this RpcActions actions) => actions
        .Add("QueryOpsHubFigures", Figures)
        .Add("QueryOpsHubDevices", Devices)
        .Add("QueryOpsHubEndUsers", EndUsers)
        .Add("QueryProjectBranding", Branding)
        .Add("SetProjectBranding", SetBranding);

    static async Task<object> Figures(RpcCall c) => new
    {
        Data = await c.Service<ProjectFigures>().ComputeAsync(c.Caller, c.Required("ProjectId"), c.Long("StartTime"), c.Long("EndTime"), c.Ct),
    };

    static async Task<object> Devices(RpcCall c)
    {
        var page = await c.Service<HubDirectory>().DevicesAsync(c.Caller, c.Required("ProjectId"), c.Optional("DeviceName"), c.Optional("ProductKey"),
            c.Optional("Status"), c.Paging(20, 200), c.Ct);
        return new
        {
            Data = new
            {
                CurrentPage = page.Paging.Page, page.PageCount, PageSize = page.Paging.PageSize, page.Total,
                List = new
                {
                    DeviceInfo = page.Items.Select(d => new
                    {
                        d.IotId, d.ProductKey, d.ProductName, d.DeviceName, d.Nickname, d.Status, d.FirmwareVersion, d.IpAddress,
                        GmtActive = d.ActivatedAtMs, GmtOnline = d.LastOnlineAtMs,
                    }),
                },
            },
        };
    }

    static async Task<object> EndUsers(RpcCall c) => new
    {
        Data = new { List = new { EndUserInfo = await c.Service<HubDirectory>().EndUsersAsync(c.Caller, c.Required("ProjectId"), c.Required("Query"), c.Ct) } },
    };

    static async Task<object> Branding(RpcCall c) => new { Data = await c.Service<HubSkins>().GetAsync(c.Caller, c.Required("ProjectId"), c.Ct) };

    /// <summary>Only the fields given change; a field given empty is cleared.</summary>
    static async Task<object> SetBranding(RpcCall c) => new
    {
        Data = await c.Service<HubSkins>().SetAsync(c.Caller, c.Required("ProjectId"),
            new HubSkinChange(Given(c, "HubName"), Given(c, "HubColor"), Given(c, "HubLogo"), Given(c, "AppName"), Given(c, "AppColor"), Given(c, "AppLogo")), c.Ct),
    };

    static string? Given(RpcCall c, string name) => c.Request.Params.TryGetValue(name, out var v) ? v : null;
}
