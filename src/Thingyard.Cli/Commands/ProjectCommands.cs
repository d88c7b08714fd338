// `thingyard project list|create|show|update|delete|grant|revoke|grants`: projects and their authorization to other
// accounts (CreateProject, QueryProjectList, GetProject, UpdateProject, DeleteProject, AuthorizeProject,
// RevokeProjectAuthorization, QueryProjectAuthorizationList).
using System.CommandLine;
using Thingyard.Cli.Output;

namespace Thingyard.Cli.Commands;

public static class ProjectCommands
{
    public static Command Build(CliContext cli) => new("project", "Projects, and authorizing them to other accounts")
    {
        List(cli), Create(cli), Show(cli), Update(cli), Delete(cli), Grant(cli), Revoke(cli), Grants(cli),
    };

    static Argument<string> ProjectId() => new("PROJECT") { Description = "ProjectId (prj_...)" };

    static Command List(CliContext cli)
    {
        var type = new Option<string>("--type") { Description = "all, self (this account's) or authorized (by other accounts)", DefaultValueFactory = _ => "all" };
        type.AcceptOnlyFromAmong("all", "self", "authorized");
        var paging = new Paging();
        var command = new Command("list", "List projects") { type };
        paging.AddTo(command);
        command.SetAction((r, ct) => cli.CallAsync(r, rpc => rpc.CallAsync("QueryProjectList", new RpcParams
        {
            { "Type", r.GetValue(type)!.ToUpperInvariant() },
            { "CurrentPage", r.GetValue(paging.Page) ?? 1 },
            { "PageSize", r.GetValue(paging.PageSize) },
        }, ct), body =>
        {
            var data = body.GetProperty("Data");
            var rows = data.GetProperty("List").GetProperty("ProjectInfo").EnumerateArray().Select(p => (IReadOnlyList<string>)
            [
                p.GetProperty("ProjectId").GetString()!, p.GetProperty("ProjectName").GetString()!, JsonText.Scalar(p.GetProperty("ProductCount")),
                p.GetProperty("Authorized").GetBoolean() ? "authorized by " + p.GetProperty("OwnerUid").GetString() : p.GetProperty("IsDefault").GetBoolean() ? "own (default)" : "own",
                p.GetProperty("Role").GetString()!,
            ]).ToList();
            Table.Write(cli.Out, ["PROJECT ID", "NAME", "PRODUCTS", "OWNER", "YOUR ROLE"], rows);
            cli.Out.WriteLine(Paging.Footer(data.GetProperty("CurrentPage").GetInt32(), data.GetProperty("PageCount").GetInt32(),
                data.GetProperty("Total").GetInt32(), "project"));
        }));
        return command;
    }

    static Command Create(CliContext cli)
    {
        var name = new Argument<string>("NAME") { Description = "Project name" };
        var description = new Option<string>("--description") { Description = "Free-text description" };
        var command = new Command("create", "Create a project") { name, description };
        command.SetAction((r, ct) => cli.CallAsync(r, rpc => rpc.CallAsync("CreateProject", new RpcParams
        {
            { "ProjectName", r.GetValue(name) }, { "Description", r.GetValue(description) },
        }, ct), body => Fields.Write(cli.Out, body.GetProperty("Data"), "ProjectId", "ProjectName")));
        return command;
    }

    static Command Show(CliContext cli)
    {
        var id = ProjectId();
        var command = new Command("show", "Show one project") { id };
        command.SetAction((r, ct) => cli.CallAsync(r, rpc => rpc.CallAsync("GetProject", new RpcParams { { "ProjectId", r.GetValue(id) } }, ct),
            body => Fields.Write(cli.Out, body.GetProperty("Data"), "ProjectId", "ProjectName", "Description", "ProductCount", "OwnerUid", "Role")));
        return command;
    }

    static Command Update(CliContext cli)
    {
        var id = ProjectId();
        var name = new Option<string>("--name") { Description = "New name" };
        var description = new Option<string>("--description") { Description = "New description" };
        var command = new Command("update", "Rename a project or change its description") { id, name, description };
        command.SetAction((r, ct) => cli.CallAsync(r, rpc => rpc.CallAsync("UpdateProject", new RpcParams
        {
            { "ProjectId", r.GetValue(id) }, { "ProjectName", r.GetValue(name) }, { "Description", r.GetValue(description) },
        }, ct), _ => cli.Out.WriteLine($"project {r.GetValue(id)} updated")));
        return command;
    }

    static Command Delete(CliContext cli)
    {
        var id = ProjectId();
        var command = new Command("delete", "Delete an empty project") { id };
        command.SetAction((r, ct) => cli.CallAsync(r, rpc => rpc.CallAsync("DeleteProject", new RpcParams { { "ProjectId", r.GetValue(id) } }, ct),
            _ => cli.Out.WriteLine($"project {r.GetValue(id)} deleted")));
        return command;
    }

    static Command Grant(CliContext cli)
    {
        var id = ProjectId();
        var uid = new Argument<string>("ACCOUNT") { Description = "The other account's uid" };
        var role = new Option<string>("--role") { Description = "admin, developer or viewer", DefaultValueFactory = _ => "viewer" };
        role.AcceptOnlyFromAmong("admin", "developer", "viewer");
        var command = new Command("grant", "Authorize the project to another account with a role (again: change the role)") { id, uid, role };
        command.SetAction((r, ct) => cli.CallAsync(r, rpc => rpc.CallAsync("AuthorizeProject", new RpcParams
        {
            { "ProjectId", r.GetValue(id) }, { "AccountUid", r.GetValue(uid) }, { "Role", r.GetValue(role) },
        }, ct), _ => cli.Out.WriteLine($"project {r.GetValue(id)} authorized to {r.GetValue(uid)} as {r.GetValue(role)}")));
        return command;
    }

    static Command Revoke(CliContext cli)
    {
        var id = ProjectId();
        var uid = new Argument<string>("ACCOUNT") { Description = "The other account's uid" };
        var command = new Command("revoke", "Take back a project's authorization") { id, uid };
        command.SetAction((r, ct) => cli.CallAsync(r, rpc => rpc.CallAsync("RevokeProjectAuthorization", new RpcParams
        {
            { "ProjectId", r.GetValue(id) }, { "AccountUid", r.GetValue(uid) },
        }, ct), _ => cli.Out.WriteLine($"project {r.GetValue(id)} no longer authorized to {r.GetValue(uid)}")));
        return command;
    }

    static Command Grants(CliContext cli)
    {
        var id = ProjectId();
        var command = new Command("grants", "The accounts a project is authorized to") { id };
        command.SetAction((r, ct) => cli.CallAsync(r, rpc => rpc.CallAsync("QueryProjectAuthorizationList", new RpcParams { { "ProjectId", r.GetValue(id) } }, ct),
            body => Table.Write(cli.Out, ["ACCOUNT", "NAME", "ROLE"], body.GetProperty("Data").GetProperty("List").GetProperty("AuthorizationInfo").EnumerateArray()
                .Select(g => (IReadOnlyList<string>)[g.GetProperty("AccountUid").GetString()!, g.GetProperty("AccountName").GetString()!, g.GetProperty("Role").GetString()!])
                .ToList())));
        return command;
    }
}
