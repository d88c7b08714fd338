// REST endpoints for ID² (docs/id2.md), the same operations as the management actions: products with plan and quota,
// identities, a new batch, a batch's provisioning file (a plain download, for a production line's scripts), and the
// verification log. The ID² server API itself stays on the OpenAPI, where Alibaba's clients call it.
using Microsoft.AspNetCore.Http.HttpResults;
using Thingyard.Common;
using Thingyard.Id2;
using Thingyard.Server.Registry;
using Thingyard.Server.Rest;

namespace Thingyard.Server.Id2;

public sealed record Id2ProductDto(string ProductKey, string Name, string Pattern, string Carrier, string KeyType, bool Whitelist,
    long QuotaAllocated, long QuotaUsed, long QuotaRemaining, long CreatedAt)
{
    public static Id2ProductDto Of(Id2Product p) => new(p.ProductKey, p.Name, p.Pattern, p.Carrier, p.KeyType, p.Whitelist, p.QuotaAllocated, p.QuotaUsed,
        p.QuotaAllocated - p.QuotaUsed, p.CreatedAtMs);
}

/// <summary>An identity as listed: never its key.</summary>
public sealed record Id2IdentityDto(string Id2, string KeyType, string Status, string? DeviceName, bool HasPrivateKey, long? ActivatedAt, long CreatedAt)
{
    public static Id2IdentityDto Of(Id2Identity i) => new(i.Id2, i.KeyType, i.Status, i.DeviceName, i.HasPrivateKey, i.ActivatedAtMs, i.CreatedAtMs);
}

public sealed record Id2BatchDto(string BatchId, string Source, string Carrier, string KeyType, int Count, int ExportCount, string CreatedBy, long CreatedAt)
{
    public static Id2BatchDto Of(Id2Batch b) => new(b.BatchId, b.Source, b.Carrier, b.KeyType, b.Count, b.ExportCount, b.CreatedBy, b.CreatedAtMs);
}

public sealed record Id2VerificationDto(string Id2, string Operation, int Code, string Message, long At);

public sealed record NewId2BatchRequest(int Count, string? KeyType = null);

public static class Id2Api
{
    public static RouteGroupBuilder MapId2Api(this RouteGroupBuilder group)
    {
        group.MapGet("/products", Products).WithSummary("ID² products with their plan and quota");
        group.MapGet("/products/{productKey}", Product).WithSummary("One ID² product (an IoT product of AuthType id2 becomes one)");
        group.MapGet("/products/{productKey}/identities", Identities).WithSummary("A product's identities (never their keys)");
        group.MapGet("/products/{productKey}/batches", Batches).WithSummary("A product's identity batches, newest first");
        group.MapPost("/products/{productKey}/batches", Generate).WithSummary("Generate a batch of identities");
        group.MapGet("/batches/{batchId}/export", Export).WithSummary("A batch's provisioning file: format=csv (the default) or km-demo (a zip of .dev_key files)");
        group.MapGet("/products/{productKey}/log", Log).WithSummary("The verification log, newest first");
        return group;
    }

    static async Task<Ok<List<Id2ProductDto>>> Products(HttpContext http, Id2Products products) =>
        TypedResults.Ok((await products.ListAsync(RestAuthFilter.CallerOf(http), http.RequestAborted)).Select(Id2ProductDto.Of).ToList());

    static async Task<Ok<Id2ProductDto>> Product(HttpContext http, Id2Products products, string productKey) =>
        TypedResults.Ok(Id2ProductDto.Of(await products.GetAsync(RestAuthFilter.CallerOf(http), productKey, http.RequestAborted)));

    static async Task<Ok<PageDto<Id2IdentityDto>>> Identities(HttpContext http, Id2Identities identities, string productKey, string? batchId, string? status,
        int? page, int? pageSize)
    {
        var rows = await identities.ListAsync(RestAuthFilter.CallerOf(http), productKey, batchId, status, Paging.Of(page, pageSize, 50, 500), http.RequestAborted);
        return TypedResults.Ok(new PageDto<Id2IdentityDto>(rows.Items.Select(Id2IdentityDto.Of).ToList(), rows.Total, rows.Paging.Page, rows.Paging.PageSize));
    }

    static async Task<Ok<PageDto<Id2BatchDto>>> Batches(HttpContext http, Id2Identities identities, string productKey, int? page, int? pageSize)
    {
        var rows = await identities.ListBatchesAsync(RestAuthFilter.CallerOf(http), productKey, Paging.Of(page, pageSize, 20), http.RequestAborted);
        return TypedResults.Ok(new PageDto<Id2BatchDto>(rows.Items.Select(Id2BatchDto.Of).ToList(), rows.Total, rows.Paging.Page, rows.Paging.PageSize));
    }

    static async Task<Created<Id2BatchDto>> Generate(HttpContext http, Id2Identities identities, string productKey, NewId2BatchRequest body)
    {
        var caller = RestAuthFilter.CallerOf(http);
        var batch = await identities.GenerateAsync(caller, productKey, body.Count, body.KeyType, "AccessKey (REST)", http.RequestAborted);
        return TypedResults.Created($"/api/v1/id2/batches/{batch.BatchId}/export", Id2BatchDto.Of(batch));
    }

    static async Task<FileContentHttpResult> Export(HttpContext http, Id2Identities identities, string batchId, string? format)
    {
        var file = await identities.ExportAsync(RestAuthFilter.CallerOf(http), batchId, format ?? Id2Provisioning.Csv, http.RequestAborted);
        return TypedResults.File(file.Content, file.ContentType, file.FileName);
    }

    static async Task<Ok<PageDto<Id2VerificationDto>>> Log(HttpContext http, Id2Log log, string productKey, string? id2, int? page, int? pageSize)
    {
        var rows = await log.ListAsync(RestAuthFilter.CallerOf(http), productKey, id2, Paging.Of(page, pageSize, 50, 200), http.RequestAborted);
        return TypedResults.Ok(new PageDto<Id2VerificationDto>(rows.Items.Select(v => new Id2VerificationDto(v.Id2, v.Operation, v.Code, v.Message, v.AtMs)).ToList(),
            rows.Total, rows.Paging.Page, rows.Paging.PageSize));
    }
}
