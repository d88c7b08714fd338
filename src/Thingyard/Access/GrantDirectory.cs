// Loads what other accounts authorized to a caller's account (project grants, and the products in those projects)
// once per request, from a 5-second cache: most accounts have none, and their requests then cost one dictionary
// lookup. Granting, revoking and creating or deleting a product in a project drop the cache at once (Forget).
using Microsoft.EntityFrameworkCore;
using Thingyard.Common;
using Thingyard.Storage;

namespace Thingyard.Access;

public sealed class GrantDirectory(IDbContextFactory<ThingyardDb> dbs, TimeProvider time)
{
    readonly ExpiringCache<long, Grants> _cache = new(TimeSpan.FromSeconds(5), time, maxEntries: 100_000);

    /// <summary>The caller with its account's grants.</summary>
    public async ValueTask<Caller> WithGrantsAsync(Caller caller, CancellationToken ct = default)
    {
        if (caller.Kind == CallerKind.Device) return caller; // a device acts only within its own account
        if (!_cache.TryGet(caller.AccountId, out var grants))
        {
            grants = await LoadAsync(caller.AccountId, ct);
            _cache.Set(caller.AccountId, grants);
        }
        return grants.IsEmpty ? caller : caller with { Grants = grants };
    }

    /// <summary>Drops every cached grant set (a grant or a granted project's products changed).</summary>
    public void Forget() => _cache.Clear();

    async Task<Grants> LoadAsync(long granteeAccountId, CancellationToken ct)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        var projects = await db.ProjectGrants.AsNoTracking().Where(g => g.GranteeAccountId == granteeAccountId)
            .Select(g => new { g.ProjectId, g.Role }).ToListAsync(ct);
        if (projects.Count == 0) return Grants.None;
        var roles = projects.ToDictionary(p => p.ProjectId, p => p.Role);
        var ids = roles.Keys.ToList();
        var products = await db.Products.AsNoTracking().Where(p => p.ProjectId != null && ids.Contains(p.ProjectId.Value))
            .Select(p => new { p.Id, ProjectId = p.ProjectId!.Value }).ToListAsync(ct);
        return new Grants(roles, products.ToDictionary(p => p.Id, p => roles[p.ProjectId]));
    }
}
