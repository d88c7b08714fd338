// REST endpoints for projects and their authorization to other accounts.
using Microsoft.AspNetCore.Http.HttpResults;
using Thingyard.Access;
using Thingyard.Common;
using Thingyard.Projects;
using Thingyard.Server.Registry;
using Thingyard.Server.Rest;

namespace Thingyard.Server.Projects;

public sealed record ProjectDto(string ProjectId, string Name, string? Description, bool IsDefault, int ProductCount, string OwnerUid,
    bool Authorized, string Role, long CreatedAt)
{
    public static ProjectDto Of(ProjectSummary s) => new(s.Project.ProjectId, s.Project.Name, s.Project.Description, s.Project.IsDefault,
        s.ProductCount, s.OwnerUid, s.Authorized, s.YourRole.ToString().ToLowerInvariant(), s.Project.CreatedAtMs);
}

public sealed record CreateProjectRequest(string Name, string? Description = null);

public sealed record UpdateProjectRequest(string? Name, string? Description);

public sealed record ProjectGrantDto(string AccountUid, string AccountName, string Role, long CreatedAt)
{
    public static ProjectGrantDto Of(ProjectGrantSummary g) => new(g.GranteeUid, g.GranteeName, g.Role.ToString().ToLowerInvariant(), g.CreatedAtMs);
}

public sealed record GrantProjectRequest(string AccountUid, string Role);

public static class ProjectApi
{
    public static RouteGroupBuilder MapProjectApi(this RouteGroupBuilder group)
    {
        group.MapGet("/", List);
        group.MapPost("/", Create);
        group.MapGet("/{projectId}", Get);
        group.MapPatch("/{projectId}", Update);
        group.MapDelete("/{projectId}", Delete);
        group.MapGet("/{projectId}/grants", Grants);
        group.MapPost("/{projectId}/grants", Grant);
        group.MapDelete("/{projectId}/grants/{accountUid}", Revoke);
        return group;
    }

    /// <summary>?type=all (default), own or authorized.</summary>
    static async Task<Ok<PageDto<ProjectDto>>> List(HttpContext http, ProjectRegistry projects, string? type, int? page, int? pageSize)
    {
        var scope = (type ?? "all").ToLowerInvariant() switch
        {
            "all" => ProjectScope.All,
            "own" or "self" => ProjectScope.Own,
            "authorized" => ProjectScope.Authorized,
            _ => throw IotException.Invalid("type must be all, own or authorized."),
        };
        var result = await projects.ListAsync(RestAuthFilter.CallerOf(http), scope, Paging.Of(page, pageSize, 20), http.RequestAborted);
        return TypedResults.Ok(new PageDto<ProjectDto>(result.Items.Select(ProjectDto.Of).ToList(), result.Total, result.Paging.Page, result.Paging.PageSize));
    }

    static async Task<Created<ProjectDto>> Create(HttpContext http, ProjectRegistry projects, CreateProjectRequest body)
    {
        var caller = RestAuthFilter.CallerOf(http);
        var p = await projects.CreateAsync(caller, body.Name, body.Description, http.RequestAborted);
        return TypedResults.Created($"/api/v1/projects/{p.ProjectId}", ProjectDto.Of(await projects.SummaryAsync(caller, p.ProjectId, http.RequestAborted)));
    }

    static async Task<Ok<ProjectDto>> Get(HttpContext http, ProjectRegistry projects, string projectId) =>
        TypedResults.Ok(ProjectDto.Of(await projects.SummaryAsync(RestAuthFilter.CallerOf(http), projectId, http.RequestAborted)));

    static async Task<Ok<ProjectDto>> Update(HttpContext http, ProjectRegistry projects, string projectId, UpdateProjectRequest body)
    {
        var caller = RestAuthFilter.CallerOf(http);
        await projects.UpdateAsync(caller, projectId, body.Name, body.Description, http.RequestAborted);
        return TypedResults.Ok(ProjectDto.Of(await projects.SummaryAsync(caller, projectId, http.RequestAborted)));
    }

    static async Task<NoContent> Delete(HttpContext http, ProjectRegistry projects, string projectId)
    {
        await projects.DeleteAsync(RestAuthFilter.CallerOf(http), projectId, http.RequestAborted);
        return TypedResults.NoContent();
    }

    static async Task<Ok<List<ProjectGrantDto>>> Grants(HttpContext http, ProjectRegistry projects, string projectId) =>
        TypedResults.Ok((await projects.GrantsAsync(RestAuthFilter.CallerOf(http), projectId, http.RequestAborted)).Select(ProjectGrantDto.Of).ToList());

    static async Task<Ok<ProjectGrantDto>> Grant(HttpContext http, ProjectRegistry projects, string projectId, GrantProjectRequest body)
    {
        var role = Enum.TryParse<Role>(body.Role, ignoreCase: true, out var r) ? r : throw IotException.Invalid("Role must be admin, developer or viewer.");
        return TypedResults.Ok(ProjectGrantDto.Of(await projects.GrantAsync(RestAuthFilter.CallerOf(http), projectId, body.AccountUid, role, http.RequestAborted)));
    }

    static async Task<NoContent> Revoke(HttpContext http, ProjectRegistry projects, string projectId, string accountUid)
    {
        await projects.RevokeAsync(RestAuthFilter.CallerOf(http), projectId, accountUid, http.RequestAborted);
        return TypedResults.NoContent();
    }
}
