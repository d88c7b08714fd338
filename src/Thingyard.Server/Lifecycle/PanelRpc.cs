// RPC actions for a product's HMI panel: SaveProductPanel (a new version, checked against the published thing model),
// GetProductPanel (the latest or a PanelVersion: "Version" is the API version every call carries; Definition is the JSON as a string, like TslStr), ListProductPanelVersions.
using Thingyard.Lifecycle;
using Thingyard.Registry;
using Thingyard.Server.Rpc;
using Thingyard.Storage;

namespace Thingyard.Server.Lifecycle;

public static class PanelRpc
{
    public static RpcActions AddPanelActions(this RpcActions actions) => actions
        .Add("SaveProductPanel", Save)
        .Add("GetProductPanel", Get)
        .Add("ListProductPanelVersions", Versions);

    static async Task<object> Save(RpcCall c)
    {
        var product = ProductRegistry.Writable(await c.Service<ProductRegistry>().GetAsync(c.Caller, c.Required("ProductKey"), c.Ct), c.Caller);
        var actor = await Actors.DescribeAsync(c.Service<ThingyardDb>(), c.Caller, c.Ct);
        var panel = await c.Service<ProductPanels>().SaveAsync(product, c.Required("Definition"), actor, c.Ct);
        return new { Data = new { panel.Version } };
    }

    static async Task<object> Get(RpcCall c)
    {
        var product = await c.Service<ProductRegistry>().GetAsync(c.Caller, c.Required("ProductKey"), c.Ct);
        var panel = await c.Service<ProductPanels>().GetAsync(product, c.Int("PanelVersion"), c.Ct)
            ?? throw new Thingyard.Common.IotException(Thingyard.Common.IotErrors.PanelNotFound,
                c.Int("PanelVersion") is { } v ? $"Panel version {v} does not exist." : $"Product {product.ProductKey} has no panel yet.");
        return new
        {
            Data = new { panel.Version, Definition = panel.DefinitionJson, panel.CreatedBy, GmtCreate = panel.CreatedAtMs },
        };
    }

    static async Task<object> Versions(RpcCall c)
    {
        var product = await c.Service<ProductRegistry>().GetAsync(c.Caller, c.Required("ProductKey"), c.Ct);
        var versions = await c.Service<ProductPanels>().VersionsAsync(product, c.Ct);
        return new { Data = new { List = versions.Select(v => new { v.Version, v.CreatedBy, GmtCreate = v.CreatedAtMs }) } };
    }
}
