// Projects of an account, and their authorization to other accounts. Products are created inside a project; the
// account's default project takes those created without one (and, after an upgrade, every older product).
using Microsoft.EntityFrameworkCore;
using Thingyard.Access;
using Thingyard.Common;
using Thingyard.Registry;
using Thingyard.Storage;

namespace Thingyard.Projects;

/// <summary>Which projects a list holds: all the caller sees, its account's own, or those authorized to it.</summary>
public enum ProjectScope { All, Own, Authorized }

/// <summary>A project as a caller sees it: <paramref name="Authorized"/> when another account owns it and granted it to
/// the caller's account, <paramref name="YourRole"/> the role the caller works in there.</summary>
public sealed record ProjectSummary(Project Project, int ProductCount, string OwnerUid, Role YourRole, bool Authorized);

public sealed record ProjectGrantSummary(string GranteeUid, string GranteeName, Role Role, long CreatedAtMs);

public sealed class ProjectRegistry(ThingyardDb db, GrantDirectory grants, TimeProvider time)
{
    public const string DefaultName = "Default project";
    static readonly Role[] GrantableRoles = [Role.Admin, Role.Developer, Role.Viewer];

    public async Task<Project> CreateAsync(Caller caller, string name, string? description, CancellationToken ct = default)
    {
        CheckName(name);
        CheckDescription(description);
        await EnsureNameFreeAsync(caller.AccountId, name, null, ct);
        var now = Now();
        var project = new Project
        {
            AccountId = caller.AccountId, ProjectId = NewId(), Name = name.Trim(), Description = description, CreatedAtMs = now, ModifiedAtMs = now,
        };
        db.Projects.Add(project);
        await db.SaveChangesAsync(ct);
        return project;
    }

    public async Task<Project> GetAsync(Caller caller, string? projectId, CancellationToken ct = default)
    {
        if (string.IsNullOrEmpty(projectId)) throw IotException.Invalid("ProjectId is required.");
        return await db.Projects.FindVisibleAsync(caller, p => p.ProjectId == projectId, () => NotFound(projectId), ct);
    }

    public async Task<Project> UpdateAsync(Caller caller, string projectId, string? name, string? description, CancellationToken ct = default)
    {
        var project = await OwnAsync(caller, projectId, ct);
        if (name is not null && name.Trim() != project.Name)
        {
            CheckName(name);
            await EnsureNameFreeAsync(project.AccountId, name.Trim(), project.Id, ct);
            project.Name = name.Trim();
        }
        if (description is not null)
        {
            CheckDescription(description);
            project.Description = description;
        }
        project.ModifiedAtMs = Now();
        await db.SaveChangesAsync(ct);
        return project;
    }

    /// <summary>An empty project can be deleted; the default project and one with products cannot.</summary>
    public async Task DeleteAsync(Caller caller, string projectId, CancellationToken ct = default)
    {
        var project = await OwnAsync(caller, projectId, ct);
        if (project.IsDefault) throw new IotException(IotErrors.ProjectInUse, "The default project cannot be deleted.");
        var products = await db.Products.CountAsync(p => p.ProjectId == project.Id, ct);
        if (products > 0)
            throw new IotException(IotErrors.ProjectInUse, $"Project {project.ProjectId} still has {products} product(s); delete or move them first.");
        db.Projects.Remove(project);
        await db.SaveChangesAsync(ct);
        grants.Forget();
    }

    public async Task<Page<ProjectSummary>> ListAsync(Caller caller, ProjectScope scope, Paging paging, CancellationToken ct = default)
    {
        await DefaultAsync(caller.AccountId, ct); // every account sees at least its default project
        var granted = caller.Grants.Projects.Keys.ToList();
        var query = scope switch
        {
            ProjectScope.Own => db.Projects.OwnedBy(caller.AccountId),
            ProjectScope.Authorized => db.Projects.Where(p => granted.Contains(p.Id)),
            _ => db.Projects.VisibleTo(caller),
        };
        var total = await query.CountAsync(ct);
        var rows = await query.OrderByDescending(p => p.IsDefault).ThenByDescending(p => p.Id).Skip(paging.Skip).Take(paging.PageSize)
            .Select(p => new { Project = p, Count = db.Products.Count(x => x.ProjectId == p.Id) }).ToListAsync(ct);
        var owners = await OwnerUidsAsync(rows.Select(r => r.Project), ct);
        return new Page<ProjectSummary>(rows.Select(r => Summary(caller, r.Project, r.Count, owners[r.Project.Id])).ToList(),
            total, paging);
    }

    public async Task<ProjectSummary> SummaryAsync(Caller caller, string projectId, CancellationToken ct = default)
    {
        var project = await GetAsync(caller, projectId, ct);
        var count = await db.Products.CountAsync(p => p.ProjectId == project.Id, ct);
        return Summary(caller, project, count, (await OwnerUidsAsync([project], ct))[project.Id]);
    }

    static ProjectSummary Summary(Caller caller, Project project, int products, string ownerUid) =>
        new(project, products, ownerUid, caller.RoleOn(project), !project.IsOwnedBy(caller.AccountId));

    /// <summary>The public id of the product's project.</summary>
    public async Task<string?> PublicIdAsync(Product product, CancellationToken ct = default) =>
        product.ProjectId is { } id ? await db.Projects.Where(p => p.Id == id).Select(p => p.ProjectId).FirstOrDefaultAsync(ct) : null;

    /// <summary>The account's default project, created on first need.</summary>
    public async Task<Project> DefaultAsync(long accountId, CancellationToken ct = default)
    {
        var existing = await db.Projects.OwnedBy(accountId).FirstOrDefaultAsync(p => p.IsDefault, ct);
        if (existing is not null) return existing;
        var now = Now();
        var project = new Project { AccountId = accountId, ProjectId = NewId(), Name = DefaultName, IsDefault = true, CreatedAtMs = now, ModifiedAtMs = now };
        db.Projects.Add(project);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException) // another request created it first (the name is unique per account)
        {
            db.Entry(project).State = EntityState.Detached;
            return await db.Projects.OwnedBy(accountId).FirstAsync(p => p.IsDefault, ct);
        }
        return project;
    }

    /// <summary>Authorizes the project to another account (by uid) with a role; granting again changes the role.</summary>
    public async Task<ProjectGrantSummary> GrantAsync(Caller caller, string projectId, string granteeUid, Role role, CancellationToken ct = default)
    {
        caller.Require(Need.ManageAccess);
        var project = await OwnAsync(caller, projectId, ct);
        if (!GrantableRoles.Contains(role)) throw IotException.Invalid("Role must be admin, developer or viewer.");
        var grantee = await db.Accounts.AsNoTracking().FirstOrDefaultAsync(a => a.Uid == granteeUid, ct)
            ?? throw new IotException(IotErrors.AccountNotFound, $"No account with uid '{granteeUid}' exists on this instance.");
        if (project.IsOwnedBy(grantee.Id)) throw IotException.Invalid("A project cannot be authorized to its own account.");
        var grant = await db.ProjectGrants.ToAccount(project.Id, grantee.Id).FirstOrDefaultAsync(ct);
        if (grant is null)
            db.ProjectGrants.Add(grant = new ProjectGrant { AccountId = project.AccountId, ProjectId = project.Id, GranteeAccountId = grantee.Id, CreatedAtMs = Now() });
        grant.Role = role;
        await db.SaveChangesAsync(ct);
        grants.Forget();
        return new ProjectGrantSummary(grantee.Uid, grantee.Name, role, grant.CreatedAtMs);
    }

    /// <summary>Revokes an authorization; the grantee loses the project at its next request.</summary>
    public async Task RevokeAsync(Caller caller, string projectId, string granteeUid, CancellationToken ct = default)
    {
        caller.Require(Need.ManageAccess);
        var project = await OwnAsync(caller, projectId, ct);
        var grantee = await db.Accounts.AsNoTracking().FirstOrDefaultAsync(a => a.Uid == granteeUid, ct);
        var removed = grantee is null ? 0 : await db.ProjectGrants.ToAccount(project.Id, grantee.Id).ExecuteDeleteAsync(ct);
        grants.Forget();
        if (removed == 0) throw new IotException(IotErrors.GrantNotFound, $"Project {projectId} is not authorized to account '{granteeUid}'.");
    }

    public async Task<List<ProjectGrantSummary>> GrantsAsync(Caller caller, string projectId, CancellationToken ct = default)
    {
        var project = await OwnAsync(caller, projectId, ct);
        var rows = await db.ProjectGrants.AsNoTracking().WithGrantees(db.Accounts, project.Id).ToListAsync(ct);
        return rows.OrderBy(r => r.Grant.Id).Select(r => new ProjectGrantSummary(r.Grantee.Uid, r.Grantee.Name, r.Grant.Role, r.Grant.CreatedAtMs)).ToList();
    }

    /// <summary>Gives every product without a project its account's default project: products made before projects
    /// existed land there on upgrade. Runs at start; cheap when there is nothing to do.</summary>
    public async Task<int> AdoptOrphansAsync(CancellationToken ct = default)
    {
        var accounts = await db.Products.Where(p => p.ProjectId == null).Select(p => p.AccountId).Distinct().ToListAsync(ct);
        var moved = 0;
        foreach (var accountId in accounts)
        {
            var project = await DefaultAsync(accountId, ct);
            moved += await db.Products.OwnedBy(accountId).Where(p => p.ProjectId == null)
                .ExecuteUpdateAsync(s => s.SetProperty(p => p.ProjectId, project.Id), ct);
        }
        return moved;
    }

    /// <summary>A project of the caller's own account (changing or authorizing a project is its owner's business).</summary>
    async Task<Project> OwnAsync(Caller caller, string projectId, CancellationToken ct)
    {
        var project = await GetAsync(caller, projectId, ct);
        return project.IsOwnedBy(caller.AccountId) ? project
            : throw new IotException(Permissions.ForbiddenCode, $"Project {projectId} is authorized to your account by another; only its owner can change or authorize it.");
    }

    async Task<Dictionary<long, string>> OwnerUidsAsync(IEnumerable<Project> projects, CancellationToken ct)
    {
        // One query per owning account, not per project: a page of 200 projects has one or a few owners.
        var uids = new Dictionary<long, string>();
        var result = new Dictionary<long, string>();
        foreach (var project in projects)
        {
            if (!uids.TryGetValue(project.AccountId, out var uid))
                uids[project.AccountId] = uid = await db.Accounts.OwnerOf(project).Select(a => a.Uid).FirstAsync(ct);
            result[project.Id] = uid;
        }
        return result;
    }

    async Task EnsureNameFreeAsync(long ownerAccountId, string name, long? except, CancellationToken ct)
    {
        if (await db.Projects.OwnedBy(ownerAccountId).AnyAsync(p => p.Name == name && p.Id != except, ct))
            throw new IotException(IotErrors.ProjectNameExists, $"A project named '{name}' already exists.");
    }

    static void CheckName(string name)
    {
        var trimmed = name.Trim();
        if (trimmed.Length is 0 or > 64 || trimmed.Any(char.IsControl))
            throw new IotException(IotErrors.InvalidProjectName, "ProjectName must be 1 to 64 characters, without control characters.");
    }

    static void CheckDescription(string? description)
    {
        if (description is { Length: > 200 }) throw IotException.Invalid("Description must be at most 200 characters.");
    }

    static IotException NotFound(string projectId) => new(IotErrors.ProjectNotFound, $"The project '{projectId}' does not exist.");

    static string NewId() => "prj_" + Ids.Alphanumeric(16);

    long Now() => time.GetUtcNow().ToUnixTimeMilliseconds();
}
