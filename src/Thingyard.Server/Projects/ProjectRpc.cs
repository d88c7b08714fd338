// RPC actions for projects and their authorization to other accounts: CreateProject, UpdateProject, DeleteProject,
// GetProject, QueryProjectList (Type ALL, SELF or AUTHORIZED), AuthorizeProject, RevokeProjectAuthorization,
// QueryProjectAuthorizationList. Thingyard's own actions in the platform's style (the Life IoT console's projects
// have no public OpenAPI).
using Thingyard.Access;
using Thingyard.Common;
using Thingyard.Projects;
using Thingyard.Server.Rpc;

namespace Thingyard.Server.Projects;

public static class ProjectRpc
{
    public static RpcActions AddProjectActions(this RpcActions actions) => actions
        .Add("CreateProject", Create)
        .Add("UpdateProject", Update)
        .Add("DeleteProject", Delete)
        .Add("GetProject", Get)
        .Add("QueryProjectList", List)
        .Add("AuthorizeProject", Authorize)
        .Add("RevokeProjectAuthorization", Revoke)
        .Add("QueryProjectAuthorizationList", Grants);

    static async Task<object> Create(RpcCall c)
    {
        var p = await c.Service<ProjectRegistry>().CreateAsync(c.Caller, c.Required("ProjectName"), c.Optional("Description"), c.Ct);
        return new { Data = new { p.ProjectId, ProjectName = p.Name, p.Description, GmtCreate = p.CreatedAtMs } };
    }

    static async Task<object> Update(RpcCall c)
    {
        await c.Service<ProjectRegistry>().UpdateAsync(c.Caller, c.Required("ProjectId"), c.Optional("ProjectName"), c.Optional("Description"), c.Ct);
        return new { };
    }

    static async Task<object> Delete(RpcCall c)
    {
        await c.Service<ProjectRegistry>().DeleteAsync(c.Caller, c.Required("ProjectId"), c.Ct);
        return new { };
    }

    static async Task<object> Get(RpcCall c) =>
        new { Data = Info(await c.Service<ProjectRegistry>().SummaryAsync(c.Caller, c.Required("ProjectId"), c.Ct)) };

    static async Task<object> List(RpcCall c)
    {
        var scope = (c.Optional("Type") ?? "ALL").ToUpperInvariant() switch
        {
            "ALL" => ProjectScope.All,
            "SELF" => ProjectScope.Own,
            "AUTHORIZED" => ProjectScope.Authorized,
            _ => throw RpcGatewayException.Invalid("Type", "must be ALL, SELF or AUTHORIZED"),
        };
        var page = await c.Service<ProjectRegistry>().ListAsync(c.Caller, scope, c.Paging(10, 200), c.Ct);
        return new
        {
            Data = new
            {
                CurrentPage = page.Paging.Page, page.PageCount, PageSize = page.Paging.PageSize, page.Total,
                List = new { ProjectInfo = page.Items.Select(Info) },
            },
        };
    }

    static async Task<object> Authorize(RpcCall c)
    {
        var g = await c.Service<ProjectRegistry>().GrantAsync(c.Caller, c.Required("ProjectId"), c.Required("AccountUid"), RoleOf(c), c.Ct);
        return new { Data = GrantInfo(g) };
    }

    static async Task<object> Revoke(RpcCall c)
    {
        await c.Service<ProjectRegistry>().RevokeAsync(c.Caller, c.Required("ProjectId"), c.Required("AccountUid"), c.Ct);
        return new { };
    }

    static async Task<object> Grants(RpcCall c)
    {
        var grants = await c.Service<ProjectRegistry>().GrantsAsync(c.Caller, c.Required("ProjectId"), c.Ct);
        return new { Data = new { List = new { AuthorizationInfo = grants.Select(GrantInfo) } } };
    }

    internal static object Info(ProjectSummary s) => new
    {
        s.Project.ProjectId, ProjectName = s.Project.Name, s.Project.Description, s.Project.IsDefault, s.ProductCount,
        s.OwnerUid, s.Authorized,
        Role = s.YourRole.ToString().ToLowerInvariant(), GmtCreate = s.Project.CreatedAtMs,
    };

    static object GrantInfo(ProjectGrantSummary g) => new
    {
        AccountUid = g.GranteeUid, AccountName = g.GranteeName, Role = g.Role.ToString().ToLowerInvariant(), GmtCreate = g.CreatedAtMs,
    };

    static Role RoleOf(RpcCall c) => c.Required("Role").ToLowerInvariant() switch
    {
        "admin" => Role.Admin,
        "developer" => Role.Developer,
        "viewer" => Role.Viewer,
        _ => throw RpcGatewayException.Invalid("Role", "must be admin, developer or viewer"),
    };
}
