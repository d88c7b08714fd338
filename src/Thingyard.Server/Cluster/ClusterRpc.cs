// QueryClusterStatus: the instance's nodes, for the platform operator (node names and device counts span every account).
using Thingyard.Lifecycle;
using Thingyard.Server.Rpc;

namespace Thingyard.Server.Cluster;

public static class ClusterRpc
{
    public static RpcActions AddClusterActions(this RpcActions actions) => actions.Add("QueryClusterStatus", QueryClusterStatus);

    static async Task<object> QueryClusterStatus(RpcCall c)
    {
        await c.Service<PlatformOperator>().RequireAsync(c.Caller, c.Ct);
        var state = await c.Service<ClusterStatus>().ReadAsync(c.Ct);
        return new
        {
            Data = new
            {
                state.Enabled,
                state.Node,
                Nodes = state.Nodes.Select(n => new { n.Name, n.Address, n.Status, n.Devices, n.Leader, n.Self }).ToList(),
            },
        };
    }
}
