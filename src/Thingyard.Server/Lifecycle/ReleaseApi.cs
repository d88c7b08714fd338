// REST endpoints for a product's way to release (under /api/v1/products/{productKey}) and the operator's review queue
// (under /api/v1/releases).
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http.HttpResults;
using Thingyard.Common;
using Thingyard.Lifecycle;
using Thingyard.Registry;
using Thingyard.Server.Rest;
using Thingyard.Storage;

namespace Thingyard.Server.Lifecycle;

public sealed record SubmitReleaseRequest(string? WaiveReason = null);
public sealed record RejectReleaseRequest(string Reason);
public sealed record ReleaseCheckDto(string Step, bool Passed, string Detail);
public sealed record ReleaseRecordDto(string Action, string Actor, string? Reason, long At);
public sealed record PendingReleaseDto(string ProductKey, string ProductName, string AccountUid, string AccountName, long SubmittedAt, string SubmittedBy, string? WaiveReason);
public sealed record PanelDto(int Version, JsonNode? Definition, string CreatedBy, long CreatedAt);

public static class ReleaseApi
{
    public static RouteGroupBuilder MapProductLifecycleApi(this RouteGroupBuilder group)
    {
        group.MapPost("/confirm-info", ConfirmInfo);
        group.MapPost("/release", Submit);
        group.MapDelete("/release", Cancel);
        group.MapGet("/release/history", History);
        group.MapGet("/progress", Progress);
        group.MapGet("/checklist", Checklist);
        group.MapGet("/panel", GetPanel);
        group.MapPut("/panel", SavePanel);
        group.MapGet("/panel/versions", PanelVersions);
        return group;
    }

    public static RouteGroupBuilder MapReleaseReviewApi(this RouteGroupBuilder group)
    {
        group.MapGet("/queue", Queue);
        group.MapPost("/{productKey}/approve", Approve);
        group.MapPost("/{productKey}/reject", Reject);
        return group;
    }

    static async Task<NoContent> ConfirmInfo(HttpContext http, ProductReleases releases, string productKey)
    {
        await releases.ConfirmInfoAsync(RestAuthFilter.CallerOf(http), productKey, http.RequestAborted);
        return TypedResults.NoContent();
    }

    static async Task<Ok<List<ReleaseCheckDto>>> Submit(HttpContext http, ProductReleases releases, string productKey, SubmitReleaseRequest? body)
    {
        var checks = await releases.SubmitAsync(RestAuthFilter.CallerOf(http), productKey, body?.WaiveReason, http.RequestAborted);
        return TypedResults.Ok(checks.Select(c => new ReleaseCheckDto(c.Step, c.Passed, c.Detail)).ToList());
    }

    static async Task<NoContent> Cancel(HttpContext http, ProductReleases releases, string productKey)
    {
        await releases.CancelAsync(RestAuthFilter.CallerOf(http), productKey, http.RequestAborted);
        return TypedResults.NoContent();
    }

    static async Task<Ok<List<ReleaseRecordDto>>> History(HttpContext http, ProductReleases releases, string productKey) =>
        TypedResults.Ok((await releases.HistoryAsync(RestAuthFilter.CallerOf(http), productKey, http.RequestAborted))
            .Select(r => new ReleaseRecordDto(r.Action, r.Actor, r.Reason, r.AtMs)).ToList());

    static async Task<Ok<Progress>> Progress(HttpContext http, DevelopmentProgress progress, string productKey) =>
        TypedResults.Ok(await progress.ForAsync(RestAuthFilter.CallerOf(http), productKey, http.RequestAborted));

    static async Task<Ok<Checklist>> Checklist(HttpContext http, ProductRegistry products, DebugChecklist checklist, string productKey)
    {
        var product = await products.GetAsync(RestAuthFilter.CallerOf(http), productKey, http.RequestAborted);
        return TypedResults.Ok(await checklist.ForAsync(product, http.RequestAborted));
    }

    static async Task<Ok<PanelDto>> GetPanel(HttpContext http, ProductRegistry products, ProductPanels panels, string productKey, int? version)
    {
        var product = await products.GetAsync(RestAuthFilter.CallerOf(http), productKey, http.RequestAborted);
        var panel = await panels.GetAsync(product, version, http.RequestAborted)
            ?? throw new IotException(IotErrors.PanelNotFound, $"Product {productKey} has no panel{(version is null ? "" : $" version {version}")}.");
        return TypedResults.Ok(new PanelDto(panel.Version, JsonNode.Parse(panel.DefinitionJson), panel.CreatedBy, panel.CreatedAtMs));
    }

    /// <summary>The body is the panel definition itself ({"pages":[...]}).</summary>
    static async Task<Ok<PanelDto>> SavePanel(HttpContext http, ProductRegistry products, ProductPanels panels, ThingyardDb db, string productKey)
    {
        var caller = RestAuthFilter.CallerOf(http);
        var product = ProductRegistry.Writable(await products.GetAsync(caller, productKey, http.RequestAborted), caller);
        using var reader = new StreamReader(http.Request.Body);
        var body = await reader.ReadToEndAsync(http.RequestAborted);
        var panel = await panels.SaveAsync(product, body, await Actors.DescribeAsync(db, caller, http.RequestAborted), http.RequestAborted);
        return TypedResults.Ok(new PanelDto(panel.Version, JsonNode.Parse(panel.DefinitionJson), panel.CreatedBy, panel.CreatedAtMs));
    }

    static async Task<Ok<List<PanelDto>>> PanelVersions(HttpContext http, ProductRegistry products, ProductPanels panels, string productKey)
    {
        var product = await products.GetAsync(RestAuthFilter.CallerOf(http), productKey, http.RequestAborted);
        return TypedResults.Ok((await panels.VersionsAsync(product, http.RequestAborted)).Select(p => new PanelDto(p.Version, null, p.CreatedBy, p.CreatedAtMs)).ToList());
    }

    static async Task<Ok<List<PendingReleaseDto>>> Queue(HttpContext http, ProductReleases releases) =>
        TypedResults.Ok((await releases.QueueAsync(RestAuthFilter.CallerOf(http), http.RequestAborted))
            .Select(q => new PendingReleaseDto(q.Product.ProductKey, q.Product.Name, q.AccountUid, q.AccountName, q.SubmittedAtMs, q.SubmittedBy, q.Waiver)).ToList());

    static async Task<NoContent> Approve(HttpContext http, ProductReleases releases, string productKey)
    {
        await releases.DecideAsync(RestAuthFilter.CallerOf(http), productKey, true, null, http.RequestAborted);
        return TypedResults.NoContent();
    }

    static async Task<NoContent> Reject(HttpContext http, ProductReleases releases, string productKey, RejectReleaseRequest body)
    {
        await releases.DecideAsync(RestAuthFilter.CallerOf(http), productKey, false, body.Reason, http.RequestAborted);
        return TypedResults.NoContent();
    }
}
