// A project's proprietary apps: each an AppKey and AppSecret pair, as Alibaba's API Gateway issues them, that signs the
// app's requests to the end users' API. The secret is shown when the app is made or its secret reset, and kept sealed.
using Microsoft.EntityFrameworkCore;
using Thingyard.Access;
using Thingyard.Common;
using Thingyard.Projects;
using Thingyard.Storage;

namespace Thingyard.EndUsers;

public sealed record ProprietaryAppView(string AppKey, string Name, string ProjectId, bool Enabled, long CreatedAtMs, string? AppSecret = null);

public sealed class ProprietaryApps(ThingyardDb db, ProjectRegistry projects, TimeProvider time)
{
    public const string NotFoundCode = "iot.app.NotExistedApp";
    public const int MaxPerProject = 20;

    public async Task<ProprietaryAppView> CreateAsync(Caller caller, string projectId, string name, CancellationToken ct = default)
    {
        var project = await projects.GetAsync(caller, projectId, ct);
        caller.RequireChange(project);
        name = (name ?? "").Trim();
        if (name.Length is < 1 or > 64) throw IotException.Invalid("AppName is 1 to 64 characters.");
        if (await db.ProprietaryApps.CountAsync(a => a.ProjectId == project.Id, ct) >= MaxPerProject)
            throw IotException.Invalid($"A project has at most {MaxPerProject} apps.");
        var secret = Ids.Alphanumeric(32);
        var app = new ProprietaryApp
        {
            AccountId = project.AccountId, ProjectId = project.Id, Name = name, AppKey = NewAppKey(), AppSecret = secret,
            CreatedAtMs = time.GetUtcNow().ToUnixTimeMilliseconds(),
        };
        db.ProprietaryApps.Add(app);
        await db.SaveChangesAsync(ct);
        return View(app, project.ProjectId) with { AppSecret = secret };
    }

    public async Task<List<ProprietaryAppView>> ListAsync(Caller caller, string projectId, CancellationToken ct = default)
    {
        var project = await projects.GetAsync(caller, projectId, ct);
        return (await db.ProprietaryApps.AsNoTracking().Where(a => a.ProjectId == project.Id).OrderBy(a => a.Id).ToListAsync(ct))
            .Select(a => View(a, project.ProjectId)).ToList();
    }

    /// <summary>A new secret; the old one stops working at once.</summary>
    public async Task<ProprietaryAppView> ResetSecretAsync(Caller caller, string appKey, CancellationToken ct = default)
    {
        var (app, project) = await WritableAsync(caller, appKey, ct);
        var secret = Ids.Alphanumeric(32);
        app.AppSecret = secret;
        await db.SaveChangesAsync(ct);
        return View(app, project.ProjectId) with { AppSecret = secret };
    }

    public async Task<ProprietaryAppView> SetEnabledAsync(Caller caller, string appKey, bool enabled, CancellationToken ct = default)
    {
        var (app, project) = await WritableAsync(caller, appKey, ct);
        app.Enabled = enabled;
        await db.SaveChangesAsync(ct);
        return View(app, project.ProjectId);
    }

    public async Task DeleteAsync(Caller caller, string appKey, CancellationToken ct = default)
    {
        var (app, _) = await WritableAsync(caller, appKey, ct);
        db.ProprietaryApps.Remove(app);
        await db.SaveChangesAsync(ct);
    }

    /// <summary>The app signing a request, with its secret and its project's public id (null when unknown or disabled).</summary>
    public async Task<(ProprietaryApp App, string ProjectId)?> SignerAsync(string appKey, CancellationToken ct = default)
    {
        var found = await (from a in db.ProprietaryApps.AsNoTracking()
                           join p in db.Projects.AsNoTracking() on a.ProjectId equals p.Id
                           where a.AppKey == appKey && a.Enabled
                           select new { App = a, p.ProjectId }).FirstOrDefaultAsync(ct);
        return found is null ? null : (found.App, found.ProjectId);
    }

    async Task<(ProprietaryApp App, Project Project)> WritableAsync(Caller caller, string appKey, CancellationToken ct)
    {
        var app = await db.ProprietaryApps.FindVisibleAsync(caller, a => a.AppKey == appKey,
            () => new IotException(NotFoundCode, $"There is no app with AppKey {appKey}."), ct);
        var project = await db.Projects.FirstAsync(p => p.Id == app.ProjectId, ct);
        caller.RequireChange(project);
        return (app, project);
    }

    static ProprietaryAppView View(ProprietaryApp a, string projectId) => new(a.AppKey, a.Name, projectId, a.Enabled, a.CreatedAtMs);

    /// <summary>Eight digits, as the API Gateway's AppKeys are.</summary>
    static string NewAppKey() => (20_000_000 + System.Security.Cryptography.RandomNumberGenerator.GetInt32(79_999_999)).ToString(System.Globalization.CultureInfo.InvariantCulture);
}
