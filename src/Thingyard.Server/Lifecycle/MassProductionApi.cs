// REST endpoints for mass production under /api/v1/production: activation code quota, production batches (by count,
// by a list of names or a CSV upload), their progress and their credentials CSV; and the signed credentials link,
// served outside /api/v1 without an AccessKey.
using System.Net.Http.Headers;
using System.Text;
using Microsoft.AspNetCore.Http.HttpResults;
using Thingyard.Common;
using Thingyard.Lifecycle;
using Thingyard.Server.Registry;
using Thingyard.Server.Rest;

namespace Thingyard.Server.Lifecycle;

public sealed record QuotaDto(long Allocated, long Used, long Remaining)
{
    public static QuotaDto Of(QuotaSummary q) => new(q.Allocated, q.Used, q.Remaining);
}

public sealed record AllocateRequest(string AccountUid, long Count);

public sealed record ProductionBatchRequest(string ProductKey, int? Count = null, List<string>? DeviceNames = null);

public sealed record ProductionBatchDto(string BatchId, string ProductKey, string Source, int Requested, int Codes, int Created, int Activated,
    string Status, IReadOnlyList<RejectedName> Rejected, string CreatedBy, long CreatedAt)
{
    public static ProductionBatchDto Of(ProductionBatchSummary s) => new(s.Batch.BatchId, s.ProductKey, s.Batch.Source, s.Batch.Requested,
        s.Batch.Codes, s.Created, s.Activated, s.Status, s.Rejected, s.Batch.CreatedBy, s.Batch.CreatedAtMs);
}

public static class MassProductionApi
{
    /// <summary>The routes under the group, and the signed link on <paramref name="root"/> (no AccessKey).</summary>
    public static RouteGroupBuilder MapMassProductionApi(this RouteGroupBuilder group, IEndpointRouteBuilder root)
    {
        group.MapPost("/quota", Allocate).WithSummary("The platform operator allocates activation codes to an account: {accountUid, count}");
        group.MapGet("/quota", Quota).WithSummary("Activation codes of the caller's account (or, for the operator, ?accountUid=)");
        group.MapPost("/batches", Create).WithSummary("Start a production batch of a released product: {productKey, count} or {productKey, deviceNames}");
        group.MapPost("/batches/csv", CreateFromCsv).Accepts<string>("text/csv")
            .WithSummary("Start a production batch from a CSV (one DeviceName per line, optional header DeviceName, at most 10,000 names and 1 MB); query: productKey");
        group.MapGet("/batches", List);
        group.MapGet("/batches/{batchId}", Get);
        group.MapGet("/batches/{batchId}/credentials.csv", Credentials).WithSummary("ProductKey,DeviceName,DeviceSecret[,ProductSecret] of the devices created so far");
        root.MapGet(ProductionLinks.Route, ProductionLinks.DownloadAsync).ExcludeFromDescription();
        return group;
    }

    static async Task<Ok<QuotaDto>> Allocate(HttpContext http, ActivationQuotas quotas, AllocateRequest body) =>
        TypedResults.Ok(QuotaDto.Of(await quotas.AllocateAsync(RestAuthFilter.CallerOf(http), body.AccountUid, body.Count, http.RequestAborted)));

    static async Task<Ok<QuotaDto>> Quota(HttpContext http, ActivationQuotas quotas, string? accountUid) =>
        TypedResults.Ok(QuotaDto.Of(await quotas.GetAsync(RestAuthFilter.CallerOf(http), accountUid, http.RequestAborted)));

    static Task<Created<ProductionBatchDto>> Create(HttpContext http, ProductionBatches batches, BatchRegistrationWorker worker, ProductionBatchRequest body) =>
        StartAsync(http, batches, worker, body.ProductKey, body.Count, body.DeviceNames is { } names ? NameUpload.FromList(names) : null);

    static async Task<Created<ProductionBatchDto>> CreateFromCsv(HttpContext http, ProductionBatches batches, BatchRegistrationWorker worker, string productKey)
    {
        // Read one byte past the limit, so a larger upload is refused without holding all of it.
        var buffer = new byte[NameUpload.MaxCsvBytes + 1];
        var read = 0;
        int n;
        while (read < buffer.Length && (n = await http.Request.Body.ReadAsync(buffer.AsMemory(read), http.RequestAborted)) > 0) read += n;
        if (read > NameUpload.MaxCsvBytes)
            throw new IotException(IotErrors.UploadTooLarge, $"The CSV is larger than {NameUpload.MaxCsvBytes / 1024 / 1024} MB; split the batch.");
        return await StartAsync(http, batches, worker, productKey, null, NameUpload.FromCsv(Encoding.UTF8.GetString(buffer, 0, read)));
    }

    static async Task<Created<ProductionBatchDto>> StartAsync(HttpContext http, ProductionBatches batches, BatchRegistrationWorker worker,
        string productKey, int? count, IReadOnlyList<UploadedName>? names)
    {
        var caller = RestAuthFilter.CallerOf(http);
        var batch = await batches.CreateAsync(caller, productKey, count, names, Actor(http), http.RequestAborted);
        worker.Enqueue(batch.ApplyId);
        return TypedResults.Created($"/api/v1/production/batches/{batch.BatchId}",
            ProductionBatchDto.Of(await batches.GetAsync(caller, batch.BatchId, http.RequestAborted)));
    }

    static async Task<Ok<PageDto<ProductionBatchDto>>> List(HttpContext http, ProductionBatches batches, string? productKey, int? page, int? pageSize)
    {
        var result = await batches.ListAsync(RestAuthFilter.CallerOf(http), productKey, Paging.Of(page, pageSize, 20, 100), http.RequestAborted);
        return TypedResults.Ok(new PageDto<ProductionBatchDto>(result.Items.Select(ProductionBatchDto.Of).ToList(), result.Total, result.Paging.Page, result.Paging.PageSize));
    }

    static async Task<Ok<ProductionBatchDto>> Get(HttpContext http, ProductionBatches batches, string batchId) =>
        TypedResults.Ok(ProductionBatchDto.Of(await batches.GetAsync(RestAuthFilter.CallerOf(http), batchId, http.RequestAborted)));

    static async Task<IResult> Credentials(HttpContext http, ProductionBatches batches, string batchId) =>
        Results.File(Encoding.UTF8.GetBytes(await batches.CredentialsCsvAsync(RestAuthFilter.CallerOf(http), batchId, http.RequestAborted)),
            "text/csv", $"{batchId}.csv");

    /// <summary>The AccessKey id of the Basic credentials the call was authenticated with.</summary>
    static string Actor(HttpContext http)
    {
        if (AuthenticationHeaderValue.TryParse(http.Request.Headers.Authorization, out var header) && header.Parameter is { } p)
        {
            try
            {
                var user = Encoding.UTF8.GetString(Convert.FromBase64String(p)).Split(':')[0];
                if (user.Length > 0) return "AccessKey " + user;
            }
            catch (FormatException) { }
        }
        return "AccessKey";
    }
}
