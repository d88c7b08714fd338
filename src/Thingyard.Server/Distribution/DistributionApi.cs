// Console-equivalent REST for distribution: create jobs from a list or a CSV upload (with a template to download),
// follow them, download results, retry, delete; ask a target account for a code; read the account's inbox.
using System.Text;
using Microsoft.AspNetCore.Http.HttpResults;
using Thingyard.Distribution;
using Thingyard.Server.Rest;

namespace Thingyard.Server.Distribution;

public sealed record CreateDistributionRequest(string ProductKey, List<string>? DeviceNames, string? TargetInstanceId,
    List<string>? TargetInstanceIds, int Strategy = 0, string? TargetUid = null, string? AuthCode = null);

public sealed record DistributionJobDto(string JobId, string Kind, string ProductKey, int Status, string StatusName, int Strategy,
    IReadOnlyList<string> TargetInstanceIds, string TargetUid, int Total, int Done, int Failed, string? Error, long CreatedAt);

public sealed record AuthCodeRequestDto(string TargetInstanceId, string TargetUid);

public static class DistributionApi
{
    public const string Template = "DeviceName\n";

    public static RouteGroupBuilder MapDistributionApi(this RouteGroupBuilder group)
    {
        group.MapPost("/jobs", Create).WithSummary("Distribute a product (no device names) or up to 1,000 devices");
        group.MapPost("/jobs/csv", CreateFromCsv).Accepts<string>("text/csv")
            .WithSummary("Distribute the devices listed in a CSV (one DeviceName per line, header DeviceName); query: productKey, targetInstanceId, targetUid, authCode");
        group.MapGet("/template.csv", () => TypedResults.Text(Template, "text/csv")).WithSummary("The CSV template for device lists");
        group.MapGet("/jobs", List);
        group.MapGet("/jobs/{jobId}", Get);
        group.MapGet("/jobs/{jobId}/result.csv", Result).WithSummary("Per-device results: DeviceName,Code,Result,TargetInstanceId");
        group.MapPost("/jobs/{jobId}/retry", Retry);
        group.MapDelete("/jobs/{jobId}", Delete);
        group.MapPost("/auth-codes", RequestCode).WithSummary("Ask the target account (on its instance) for a one-time code, delivered to its inbox");
        return group;
    }

    public static RouteGroupBuilder MapNotificationApi(this RouteGroupBuilder group)
    {
        group.MapGet("/", async (HttpContext http, Notifications inbox, bool? markRead) =>
            TypedResults.Ok(await inbox.InboxAsync(RestAuthFilter.CallerOf(http), markRead ?? false, http.RequestAborted)))
            .WithSummary("The account's notifications (authorization codes for cross-account distribution, ...)");
        return group;
    }

    static async Task<Created<DistributionJobDto>> Create(HttpContext http, DistributionService service, DistributionJobs jobs, CreateDistributionRequest body)
    {
        var names = body.DeviceNames ?? [];
        var targets = body.TargetInstanceIds ?? (body.TargetInstanceId is null ? [] : [body.TargetInstanceId]);
        var job = await service.CreateAsync(RestAuthFilter.CallerOf(http), new NewDistribution(names.Count == 0 ? "product" : "device",
            body.ProductKey, names, body.Strategy, targets, body.TargetUid, null, body.AuthCode), http.RequestAborted);
        return TypedResults.Created($"/api/v1/distribution/jobs/{job.JobId}", await DtoAsync(jobs, job, http.RequestAborted));
    }

    static async Task<Created<DistributionJobDto>> CreateFromCsv(HttpContext http, DistributionService service, DistributionJobs jobs,
        string productKey, string targetInstanceId, string? targetUid, string? authCode)
    {
        using var reader = new StreamReader(http.Request.Body, Encoding.UTF8);
        var text = await reader.ReadToEndAsync(http.RequestAborted);
        var names = DeviceNamesFromCsv(text);
        var job = await service.CreateAsync(RestAuthFilter.CallerOf(http), new NewDistribution("device", productKey, names, 0,
            [targetInstanceId], targetUid, null, authCode), http.RequestAborted);
        return TypedResults.Created($"/api/v1/distribution/jobs/{job.JobId}", await DtoAsync(jobs, job, http.RequestAborted));
    }

    /// <summary>The device names of a CSV in the template's format: one DeviceName per line, an optional header
    /// "DeviceName" on the first line, quotes and blank lines ignored (the REST upload and the console's).</summary>
    public static List<string> DeviceNamesFromCsv(string text) =>
        text.Split('\n').Select(l => l.Trim().Trim('"')).Where(l => l.Length > 0)
            .Where((l, i) => !(i == 0 && l.Equals("DeviceName", StringComparison.OrdinalIgnoreCase))).ToList();

    static async Task<Ok<List<DistributionJobDto>>> List(HttpContext http, DistributionJobs jobs, string? productKey, int? page, int? pageSize)
    {
        var (list, _) = await jobs.ListAsync(RestAuthFilter.CallerOf(http), productKey, null, null, null,
            Common.Paging.Of(page, pageSize, 20, 100), http.RequestAborted);
        var result = new List<DistributionJobDto>();
        foreach (var j in list) result.Add(await DtoAsync(jobs, j, http.RequestAborted));
        return TypedResults.Ok(result);
    }

    static async Task<Ok<DistributionJobDto>> Get(HttpContext http, DistributionJobs jobs, string jobId) =>
        TypedResults.Ok(await DtoAsync(jobs, await jobs.GetAsync(RestAuthFilter.CallerOf(http), jobId, http.RequestAborted), http.RequestAborted));

    static async Task<IResult> Result(HttpContext http, DistributionJobs jobs, string jobId)
    {
        var job = await jobs.GetAsync(RestAuthFilter.CallerOf(http), jobId, http.RequestAborted);
        return Results.File(Encoding.UTF8.GetBytes(DistributionJobs.ResultCsv(await jobs.ItemsAsync(job.Id, http.RequestAborted))), "text/csv", $"{jobId}.csv");
    }

    static async Task<Ok<DistributionJobDto>> Retry(HttpContext http, DistributionService service, DistributionJobs jobs, string jobId) =>
        TypedResults.Ok(await DtoAsync(jobs, await service.RetryAsync(RestAuthFilter.CallerOf(http), jobId, http.RequestAborted), http.RequestAborted));

    static async Task<NoContent> Delete(HttpContext http, DistributionJobs jobs, string jobId)
    {
        await jobs.DeleteAsync(RestAuthFilter.CallerOf(http), jobId, http.RequestAborted);
        return TypedResults.NoContent();
    }

    static async Task<Accepted> RequestCode(HttpContext http, DistributionService service, AuthCodeRequestDto body)
    {
        await service.RequestCodeAsync(RestAuthFilter.CallerOf(http), body.TargetInstanceId, body.TargetUid, http.RequestAborted);
        return TypedResults.Accepted((string?)null);
    }

    static async Task<DistributionJobDto> DtoAsync(DistributionJobs jobs, DistributionJob j, CancellationToken ct)
    {
        var items = await jobs.ItemsAsync(j.Id, ct);
        return new DistributionJobDto(j.JobId, j.Kind, j.ProductKey, j.Status, StatusName(j.Status), j.Strategy, j.Targets, j.TargetUid, j.Total,
            items.Count(i => i.State == DistributionItemState.Done), items.Count(i => i.State == DistributionItemState.Failed), j.Error, j.CreatedAtMs);
    }

    public static string StatusName(int status) => status switch
    {
        DistributionStatus.Initialising => "initialising",
        DistributionStatus.Running => "running",
        DistributionStatus.Completed => "completed",
        _ => "failed",
    };
}
