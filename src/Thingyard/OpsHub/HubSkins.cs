// Reads and changes a project's skin (its ProjectBranding row, made on the first change). Anyone who sees the project
// sees its skin; changing it needs a role that may change the project (an operator may not).
using Microsoft.EntityFrameworkCore;
using Thingyard.Access;
using Thingyard.EndUsers;
using Thingyard.Projects;
using Thingyard.Storage;

namespace Thingyard.OpsHub;

/// <summary>A change: null leaves a field as it is, "" clears it.</summary>
public sealed record HubSkinChange(string? HubName, string? HubColor, string? HubLogo, string? AppName, string? AppColor, string? AppLogo);

public sealed class HubSkins(ThingyardDb db, ProjectRegistry projects, TimeProvider time)
{
    public async Task<HubSkin> GetAsync(Caller caller, string projectId, CancellationToken ct = default)
    {
        var project = await projects.GetAsync(caller, projectId, ct);
        var row = await db.ProjectBrandings.AsNoTracking().FirstOrDefaultAsync(b => b.ProjectId == project.Id, ct);
        return row is null ? HubSkin.None : Of(row);
    }

    public async Task<HubSkin> SetAsync(Caller caller, string projectId, HubSkinChange change, CancellationToken ct = default)
    {
        var project = await projects.GetAsync(caller, projectId, ct);
        caller.RequireChange(project);
        // Every value is checked before anything is written: one bad field leaves the skin as it was.
        var hubName = Checked(change.HubName, v => HubSkinRules.Name("HubName", v));
        var hubColor = Checked(change.HubColor, v => HubSkinRules.Color("HubColor", v));
        var hubLogo = Checked(change.HubLogo, v => HubSkinRules.Logo("HubLogo", v));
        var appName = Checked(change.AppName, v => HubSkinRules.Name("AppName", v));
        var appColor = Checked(change.AppColor, v => HubSkinRules.Color("AppColor", v));
        var appLogo = Checked(change.AppLogo, v => HubSkinRules.Logo("AppLogo", v));
        var row = await db.ProjectBrandings.FirstOrDefaultAsync(b => b.ProjectId == project.Id, ct);
        if (row is null) db.ProjectBrandings.Add(row = new ProjectBranding { AccountId = project.AccountId, ProjectId = project.Id });
        if (hubName.Given) row.HubName = hubName.Value;
        if (hubColor.Given) row.HubColor = hubColor.Value;
        if (hubLogo.Given) row.HubLogo = hubLogo.Value;
        if (appName.Given) row.AppName = appName.Value;
        if (appColor.Given) row.AppColor = appColor.Value;
        if (appLogo.Given) row.AppLogo = appLogo.Value;
        row.ModifiedAtMs = time.GetUtcNow().ToUnixTimeMilliseconds();
        await db.SaveChangesAsync(ct);
        return Of(row);
    }

    static (bool Given, string? Value) Checked(string? value, Func<string?, string?> check) => value is null ? (false, null) : (true, check(value));

    static HubSkin Of(ProjectBranding b) => new(b.HubName, b.HubColor, b.HubLogo, b.AppName, b.AppColor, b.AppLogo);
}
