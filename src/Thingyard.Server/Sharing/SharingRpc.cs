// RPC actions for device authorization between accounts (the seed's 1.2.1; the platform publishes no OpenAPI for it, so
// these are Thingyard's names in its style, listed in docs/sharing.md). The owner: AuthorizeDevices,
// RevokeDeviceAuthorization, RevokeProductAuthorization, QueryDeviceAuthorizationList, QueryProductAuthorizationList.
// The grantee: QueryAuthorizedProductList (the authorized products tab); the public pool (the seed's 1.2.2):
// AuthorizeProductToPublicPool (irreversible), RevokeProductFromPublicPool (always refused), QueryPublicProductList; the devices themselves are listed with
// QueryDeviceList, which shows a grantee only the devices authorized to it.
using Thingyard.Server.Rpc;
using Thingyard.Sharing;

namespace Thingyard.Server.Sharing;

public static class SharingRpc
{
    public static RpcActions AddSharingActions(this RpcActions actions) => actions
        .Add("AuthorizeDevices", Authorize)
        .Add("RevokeDeviceAuthorization", RevokeDevice)
        .Add("RevokeProductAuthorization", RevokeProduct)
        .Add("QueryDeviceAuthorizationList", Devices)
        .Add("QueryProductAuthorizationList", Products)
        .Add("QueryAuthorizedProductList", Authorized)
        .Add("AuthorizeProductToPublicPool", Publish)
        .Add("RevokeProductFromPublicPool", Withdraw)
        .Add("QueryPublicProductList", PublicProducts);

    static async Task<object> Publish(RpcCall c)
    {
        var p = await c.Service<PublicPool>().PublishAsync(c.Caller, c.Required("ProductKey"), c.Bool("AgreementAccepted") ?? false, c.Ct);
        return new { Data = new { p.ProductKey, GmtPublic = p.PublicSinceMs, Irreversible = true } };
    }

    static async Task<object> Withdraw(RpcCall c)
    {
        await c.Service<PublicPool>().WithdrawAsync(c.Caller, c.Required("ProductKey"), c.Ct);
        return new { };
    }

    static async Task<object> PublicProducts(RpcCall c)
    {
        var page = await c.Service<PublicPool>().ListAsync(c.Caller, c.Optional("ProductKey"), c.Paging(10, 200), c.Ct);
        return Paged(page, new
        {
            ProductInfo = page.Items.Select(r => new
            {
                r.Product.ProductKey, ProductName = r.Product.Name, r.Product.NodeType, r.Product.Description, r.Product.DataFormat,
                SourceUid = r.OwnerUid, SourceAccountName = r.OwnerName, GmtPublic = r.Product.PublicSinceMs,
            }),
        });
    }

    static DeviceAuthorizations Service(RpcCall c) => c.Service<DeviceAuthorizations>();

    static async Task<object> Authorize(RpcCall c)
    {
        var rows = await Service(c).AuthorizeAsync(c.Caller, c.Required("ProductKey"), c.List("DeviceName"), c.Optional("TargetUid"),
            c.Optional("TargetAccountName"), c.Ct);
        return new { Data = new { List = new { AuthorizationInfo = rows.Select(Info) } } };
    }

    static async Task<object> RevokeDevice(RpcCall c)
    {
        await Service(c).RevokeDeviceAsync(c.Caller, c.Required("ProductKey"), c.Required("DeviceName"), c.Optional("TargetUid"), c.Optional("TargetAccountName"), c.Ct);
        return new { };
    }

    static async Task<object> RevokeProduct(RpcCall c)
    {
        await Service(c).RevokeProductAsync(c.Caller, c.Required("ProductKey"), c.Optional("TargetUid"), c.Optional("TargetAccountName"), c.Ct);
        return new { };
    }

    static async Task<object> Devices(RpcCall c)
    {
        var page = await Service(c).DevicesAsync(c.Caller, c.Optional("ProductKey"), c.Optional("TargetUid"), c.Optional("DeviceName"), c.Paging(10, 200), c.Ct);
        return Paged(page, new { AuthorizationInfo = page.Items.Select(Info) });
    }

    static async Task<object> Products(RpcCall c)
    {
        var page = await Service(c).ProductsAsync(c.Caller, c.Optional("ProductKey"), c.Optional("TargetUid"), c.Paging(10, 200), c.Ct);
        return Paged(page, new
        {
            AuthorizationInfo = page.Items.Select(r => new
            {
                r.ProductKey, r.ProductName, TargetUid = r.GranteeUid, TargetAccountName = r.GranteeName, r.DeviceCount, GmtAuthorized = r.CreatedAtMs,
            }),
        });
    }

    static async Task<object> Authorized(RpcCall c)
    {
        var page = await Service(c).AuthorizedProductsAsync(c.Caller, c.Optional("ProductKey"), c.Paging(10, 200), c.Ct);
        return Paged(page, new
        {
            ProductInfo = page.Items.Select(r => new
            {
                r.Product.ProductKey, ProductName = r.Product.Name, r.Product.NodeType, r.Product.Description, r.Product.DataFormat,
                SourceUid = r.SourceUid, SourceAccountName = r.SourceName, r.DeviceCount, GmtAuthorized = r.CreatedAtMs, Owner = false,
            }),
        });
    }

    static object Info(DeviceAuthorizationRow r) => new
    {
        r.ProductKey, r.DeviceName, r.IotId, TargetUid = r.GranteeUid, TargetAccountName = r.GranteeName, GmtAuthorized = r.CreatedAtMs,
    };

    static object Paged<T>(Thingyard.Common.Page<T> page, object list) => new
    {
        Data = new { CurrentPage = page.Paging.Page, page.PageCount, PageSize = page.Paging.PageSize, page.Total, List = list },
    };
}
