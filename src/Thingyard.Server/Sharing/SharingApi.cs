// REST endpoints for sharing between accounts (docs/sharing.md), the same operations as the OpenAPI actions:
// device authorizations (the owner's), the products authorized to the caller, the public pool, and transfers.
using Microsoft.AspNetCore.Http.HttpResults;
using Thingyard.Common;
using Thingyard.Server.Registry;
using Thingyard.Server.Rest;
using Thingyard.Sharing;

namespace Thingyard.Server.Sharing;

/// <summary>Devices of a product for another account, named by uid or by name.</summary>
public sealed record DevicesToAccountRequest(string ProductKey, IReadOnlyList<string> DeviceNames, string? TargetUid = null, string? TargetAccountName = null);

public sealed record PublishRequest(string ProductKey, bool AgreementAccepted);

/// <summary>A product as an account it is authorized to (or the public pool's viewers) sees it: never its secret.</summary>
public sealed record SharedProductDto(string ProductKey, string Name, string? Description, int NodeType, int DataFormat, string SourceUid,
    string SourceAccountName, int? DeviceCount, long Since);

public sealed record TransferDto(string TransferId, string Status, string ProductKey, string ProductName, IReadOnlyList<string> DeviceNames,
    string OtherUid, string OtherAccountName, long CreatedAt, long ExpiresAt, long? DecidedAt)
{
    public static TransferDto Of(TransferRow r) => new(r.Transfer.TransferId, r.Status, r.ProductKey, r.ProductName, r.DeviceNames, r.OtherUid, r.OtherName,
        r.Transfer.CreatedAtMs, r.Transfer.ExpiresAtMs, r.Transfer.DecidedAtMs);
}

public static class SharingApi
{
    public static RouteGroupBuilder MapSharingApi(this RouteGroupBuilder group)
    {
        group.MapGet("/devices", Devices).WithSummary("The devices this account authorized to others");
        group.MapPost("/devices", Authorize).WithSummary("Authorize devices of a released product to another account");
        group.MapDelete("/devices/{productKey}/{deviceName}/{accountUid}", RevokeDevice).WithSummary("Revoke one device's authorization");
        group.MapGet("/products", Products).WithSummary("The products this account authorized to others, with how many devices");
        group.MapDelete("/products/{productKey}/{accountUid}", RevokeProduct).WithSummary("Revoke a product's authorization (once none of its devices is authorized)");
        group.MapGet("/authorized-products", Authorized).WithSummary("The products other accounts authorized to this one");
        group.MapGet("/public-pool", Pool).WithSummary("The public pool (open once another account authorized a device to this one)");
        group.MapPost("/public-pool", Publish).WithSummary("Authorize a released product to the public pool; this cannot be undone");
        group.MapGet("/transfers", Transfers).WithSummary("Transfers proposed to this account (type=incoming, the default) or by it (type=outgoing)");
        group.MapPost("/transfers", Propose).WithSummary("Propose moving devices to another account (7 days to accept)");
        group.MapPost("/transfers/{transferId}/accept", (HttpContext http, DeviceTransfers t, string transferId) => DecideAsync(http, t, transferId, "accept"));
        group.MapPost("/transfers/{transferId}/decline", (HttpContext http, DeviceTransfers t, string transferId) => DecideAsync(http, t, transferId, "decline"));
        group.MapPost("/transfers/{transferId}/cancel", (HttpContext http, DeviceTransfers t, string transferId) => DecideAsync(http, t, transferId, "cancel"));
        return group;
    }

    static PageDto<T> PageOf<T, TRow>(Page<TRow> page, Func<TRow, T> map) => new(page.Items.Select(map).ToList(), page.Total, page.Paging.Page, page.Paging.PageSize);

    static async Task<Ok<PageDto<DeviceAuthorizationRow>>> Devices(HttpContext http, DeviceAuthorizations s, string? productKey, string? targetUid, int? page, int? pageSize) =>
        TypedResults.Ok(PageOf(await s.DevicesAsync(RestAuthFilter.CallerOf(http), productKey, targetUid, null, Paging.Of(page, pageSize, 20), http.RequestAborted), r => r));

    static async Task<Created<List<DeviceAuthorizationRow>>> Authorize(HttpContext http, DeviceAuthorizations s, DevicesToAccountRequest body) =>
        TypedResults.Created("/api/v1/sharing/devices", await s.AuthorizeAsync(RestAuthFilter.CallerOf(http), body.ProductKey, body.DeviceNames ?? [],
            body.TargetUid, body.TargetAccountName, http.RequestAborted));

    static async Task<NoContent> RevokeDevice(HttpContext http, DeviceAuthorizations s, string productKey, string deviceName, string accountUid)
    {
        await s.RevokeDeviceAsync(RestAuthFilter.CallerOf(http), productKey, deviceName, accountUid, null, http.RequestAborted);
        return TypedResults.NoContent();
    }

    static async Task<Ok<PageDto<ProductAuthorizationRow>>> Products(HttpContext http, DeviceAuthorizations s, string? productKey, int? page, int? pageSize) =>
        TypedResults.Ok(PageOf(await s.ProductsAsync(RestAuthFilter.CallerOf(http), productKey, null, Paging.Of(page, pageSize, 20), http.RequestAborted), r => r));

    static async Task<NoContent> RevokeProduct(HttpContext http, DeviceAuthorizations s, string productKey, string accountUid)
    {
        await s.RevokeProductAsync(RestAuthFilter.CallerOf(http), productKey, accountUid, null, http.RequestAborted);
        return TypedResults.NoContent();
    }

    static async Task<Ok<PageDto<SharedProductDto>>> Authorized(HttpContext http, DeviceAuthorizations s, int? page, int? pageSize) =>
        TypedResults.Ok(PageOf(await s.AuthorizedProductsAsync(RestAuthFilter.CallerOf(http), null, Paging.Of(page, pageSize, 20), http.RequestAborted),
            r => new SharedProductDto(r.Product.ProductKey, r.Product.Name, r.Product.Description, r.Product.NodeType, r.Product.DataFormat, r.SourceUid,
                r.SourceName, r.DeviceCount, r.CreatedAtMs)));

    static async Task<Ok<PageDto<SharedProductDto>>> Pool(HttpContext http, PublicPool pool, int? page, int? pageSize) =>
        TypedResults.Ok(PageOf(await pool.ListAsync(RestAuthFilter.CallerOf(http), null, Paging.Of(page, pageSize, 20), http.RequestAborted),
            r => new SharedProductDto(r.Product.ProductKey, r.Product.Name, r.Product.Description, r.Product.NodeType, r.Product.DataFormat, r.OwnerUid,
                r.OwnerName, null, r.Product.PublicSinceMs ?? 0)));

    static async Task<Ok<ProductDto>> Publish(HttpContext http, PublicPool pool, PublishRequest body)
    {
        var caller = RestAuthFilter.CallerOf(http);
        return TypedResults.Ok(ProductDto.Of(caller, await pool.PublishAsync(caller, body.ProductKey, body.AgreementAccepted, http.RequestAborted)));
    }

    static async Task<Ok<PageDto<TransferDto>>> Transfers(HttpContext http, DeviceTransfers t, string? type, string? status, int? page, int? pageSize)
    {
        var direction = (type ?? "incoming").ToLowerInvariant() switch
        {
            "incoming" => TransferDirection.Incoming,
            "outgoing" => TransferDirection.Outgoing,
            _ => throw IotException.Invalid("type must be incoming or outgoing."),
        };
        return TypedResults.Ok(PageOf(await t.ListAsync(RestAuthFilter.CallerOf(http), direction, status?.ToUpperInvariant(), Paging.Of(page, pageSize, 20),
            http.RequestAborted), TransferDto.Of));
    }

    static async Task<Created<TransferDto>> Propose(HttpContext http, DeviceTransfers t, DevicesToAccountRequest body)
    {
        var row = await t.ProposeAsync(RestAuthFilter.CallerOf(http), body.ProductKey, body.DeviceNames ?? [], body.TargetUid, body.TargetAccountName, http.RequestAborted);
        return TypedResults.Created($"/api/v1/sharing/transfers/{row.Transfer.TransferId}", TransferDto.Of(row));
    }

    static async Task<NoContent> DecideAsync(HttpContext http, DeviceTransfers t, string transferId, string decision)
    {
        var caller = RestAuthFilter.CallerOf(http);
        switch (decision)
        {
            case "accept": await t.AcceptAsync(caller, transferId, http.RequestAborted); break;
            case "decline": await t.DeclineAsync(caller, transferId, http.RequestAborted); break;
            default: await t.CancelAsync(caller, transferId, http.RequestAborted); break;
        }
        return TypedResults.NoContent();
    }
}
