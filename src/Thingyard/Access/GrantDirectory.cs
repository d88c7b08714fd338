// Loads what other accounts authorized to a caller's account (project grants and the products in those projects;
// devices and products authorized one by one) once per request, from a 5-second cache: most accounts have none, and
// their requests then cost one dictionary lookup. Granting, revoking and creating or deleting a product in a project
// drop the cache at once (Forget), so a revocation takes effect at the next request.
using Microsoft.EntityFrameworkCore;
using Thingyard.Common;
using Thingyard.Storage;

namespace Thingyard.Access;

public sealed class GrantDirectory(IDbContextFactory<ThingyardDb> dbs, TimeProvider time)
{
    readonly ExpiringCache<long, Grants> _cache = new(TimeSpan.FromSeconds(5), time, maxEntries: 100_000);

    /// <summary>Raised after Forget: holders of a grantee's access (a live watch, a consumer group) check it again.</summary>
    public event Action? Changed;

    /// <summary>The caller with its account's grants, for a request only an owner may make (authorized devices refused).</summary>
    public ValueTask<Caller> WithGrantsAsync(Caller caller, CancellationToken ct = default) => WithGrantsAsync(caller, admitAuthorized: false, ct);

    /// <summary>The caller with its account's grants; <paramref name="admitAuthorized"/>: the request is one an authorized
    /// account may make (GranteeActions), so devices and products authorized to it count as visible.</summary>
    public async ValueTask<Caller> WithGrantsAsync(Caller caller, bool admitAuthorized, CancellationToken ct = default)
    {
        if (caller.Kind == CallerKind.Device) return caller; // a device acts only within its own account
        var grants = await GrantsOfAsync(caller.AccountId, ct);
        if (grants.IsEmpty) return caller;
        return caller with { Grants = admitAuthorized && grants.HasAuthorizations ? grants with { DevicesAdmitted = true } : grants };
    }

    /// <summary>What is authorized to the account (cached).</summary>
    public async ValueTask<Grants> GrantsOfAsync(long accountId, CancellationToken ct = default)
    {
        if (!_cache.TryGet(accountId, out var grants))
        {
            grants = await LoadAsync(accountId, ct);
            _cache.Set(accountId, grants);
        }
        return grants;
    }

    /// <summary>Drops every cached grant set (a grant or a granted project's products changed).</summary>
    public void Forget()
    {
        _cache.Clear();
        Changed?.Invoke();
    }

    async Task<Grants> LoadAsync(long granteeAccountId, CancellationToken ct)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        var projects = await db.ProjectGrants.AsNoTracking().Where(g => g.GranteeAccountId == granteeAccountId)
            .Select(g => new { g.ProjectId, g.Role }).ToListAsync(ct);
        var authorizedProducts = await db.ProductAuthorizations.AsNoTracking().Where(g => g.GranteeAccountId == granteeAccountId)
            .Select(g => g.ProductId).ToListAsync(ct);
        if (projects.Count == 0 && authorizedProducts.Count == 0) return Grants.None;
        var devices = authorizedProducts.Count == 0 ? [] : await db.DeviceAuthorizations.AsNoTracking()
            .Where(g => g.GranteeAccountId == granteeAccountId).Select(g => new { g.DeviceId, g.ProductId }).ToListAsync(ct);
        var roles = projects.ToDictionary(p => p.ProjectId, p => p.Role);
        var ids = roles.Keys.ToList();
        var products = ids.Count == 0 ? [] : await db.Products.AsNoTracking().Where(p => p.ProjectId != null && ids.Contains(p.ProjectId.Value))
            .Select(p => new { p.Id, ProjectId = p.ProjectId!.Value }).ToListAsync(ct);
        return new Grants(roles, products.ToDictionary(p => p.Id, p => roles[p.ProjectId]))
        {
            Devices = devices.ToDictionary(d => d.DeviceId, d => d.ProductId),
            AuthorizedProducts = authorizedProducts.ToHashSet(),
        };
    }
}
