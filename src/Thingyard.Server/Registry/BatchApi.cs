// REST endpoints for batch registration: start a job from names or a count, follow it, page its devices.
using Microsoft.AspNetCore.Http.HttpResults;
using Thingyard.Common;
using Thingyard.Registry;
using Thingyard.Server.Rest;

namespace Thingyard.Server.Registry;

public static class BatchApi
{
    public static RouteGroupBuilder MapBatchApi(this RouteGroupBuilder group)
    {
        group.MapPost("/", Start);
        group.MapGet("/{applyId:long}", Get);
        group.MapGet("/{applyId:long}/devices", Devices);
        return group;
    }

    /// <summary>Names are checked first: a job with invalid or taken names is reported and creates nothing.</summary>
    static async Task<Accepted<BatchDto>> Start(HttpContext http, BatchRegistrar batches, BatchRegistrationWorker worker, BatchRequest body)
    {
        var caller = RestAuthFilter.CallerOf(http);
        BatchRegistration job;
        if (body.Names is { Count: > 0 } names)
        {
            job = await batches.CheckNamesAsync(caller, body.ProductKey, names, http.RequestAborted);
            if (job.Status == BatchStatus.CheckSuccess) job = await batches.StartAsync(caller, body.ProductKey, job.Id, http.RequestAborted);
        }
        else
        {
            job = await batches.GenerateAsync(caller, body.ProductKey, body.Count ?? 0, http.RequestAborted);
        }
        if (job.Status == BatchStatus.Create) worker.Enqueue(job.Id);
        return TypedResults.Accepted($"/api/v1/batches/{job.Id}", BatchDto.Of(job));
    }

    static async Task<Ok<BatchDto>> Get(HttpContext http, BatchRegistrar batches, long applyId) =>
        TypedResults.Ok(BatchDto.Of(await batches.GetAsync(RestAuthFilter.CallerOf(http), applyId, http.RequestAborted)));

    static async Task<Ok<PageDto<DeviceDto>>> Devices(HttpContext http, BatchRegistrar batches, long applyId, int? page, int? pageSize)
    {
        var paging = Paging.Of(page, pageSize, 50, 1000);
        var (devices, total) = await batches.DevicesAsync(RestAuthFilter.CallerOf(http), applyId, paging, http.RequestAborted);
        return TypedResults.Ok(new PageDto<DeviceDto>(devices.Select(d => DeviceDto.Of(RestAuthFilter.CallerOf(http), d)).ToList(), total, paging.Page, paging.PageSize));
    }
}
