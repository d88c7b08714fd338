// Device authorization (the seed's 1.2.1): the owner of a released product authorizes some of its devices to another
// account, named by account name or uid; the product comes with the first device. The owner lists what it authorized
// and revokes per device; a product's authorization is revoked only once none of its devices are authorized any more.
// The grantee lists what was authorized to it. Authorization and distribution never meet on one product or device:
// each refuses the other (here ConflictAsync; DistributionJobs checks for authorizations). Every change drops the grant cache at once
// (GrantDirectory.Forget), so a revocation holds from the grantee's next request.
using Microsoft.EntityFrameworkCore;
using Thingyard.Access;
using Thingyard.Accounts;
using Thingyard.Common;
using Thingyard.Distribution;
using Thingyard.Lifecycle;
using Thingyard.Registry;
using Thingyard.Storage;

namespace Thingyard.Sharing;

/// <summary>A device authorized to an account, as the owner lists it.</summary>
public sealed record DeviceAuthorizationRow(string ProductKey, string DeviceName, string IotId, string GranteeUid, string GranteeName, long CreatedAtMs);

/// <summary>A product authorized to an account (with how many of its devices are), as the owner lists it.</summary>
public sealed record ProductAuthorizationRow(string ProductKey, string ProductName, string GranteeUid, string GranteeName, int DeviceCount, long CreatedAtMs);

/// <summary>A product authorized to the caller's account, with the account it comes from.</summary>
public sealed record AuthorizedProductRow(Product Product, string SourceUid, string SourceName, int DeviceCount, long CreatedAtMs);

public sealed class DeviceAuthorizations(ThingyardDb db, GrantDirectory grants, AuthorizationChanges changes, TimeProvider time)
{
    public const int MaxDevicesPerCall = 100;

    /// <summary>Authorizes the named devices of the caller's released product to the target account (by uid or name).
    /// Devices already authorized to it stay as they are.</summary>
    public async Task<List<DeviceAuthorizationRow>> AuthorizeAsync(Caller caller, string productKey, IReadOnlyList<string> deviceNames,
        string? targetUid, string? targetName, CancellationToken ct = default)
    {
        var product = await OwnProductAsync(caller, productKey, ct);
        var names = deviceNames.Where(n => n.Length > 0).Distinct(StringComparer.Ordinal).ToList();
        if (names.Count is 0 or > MaxDevicesPerCall) throw IotException.Invalid($"Name 1 to {MaxDevicesPerCall} devices (DeviceName.N).");
        if (product.ReleaseState != ReleaseStates.Released)
            throw new IotException(IotErrors.ProductNotReleased, $"Product {productKey} is not released; only devices of a released product can be authorized. Release it first.");
        var grantee = await TargetAsync(db, targetUid, targetName, ct);
        if (product.IsOwnedBy(grantee.Id)) throw IotException.Invalid("Devices cannot be authorized to their own account.");
        var devices = await db.Devices.AsNoTracking().Where(d => d.ProductId == product.Id && names.Contains(d.DeviceName)).ToListAsync(ct);
        if (names.FirstOrDefault(n => devices.All(d => d.DeviceName != n)) is { } missing) throw IotException.DeviceNotFound($"{productKey}/{missing}");
        if (await ConflictAsync(product, devices.Select(d => d.Id).ToList(), ct) is { } conflict)
            throw new IotException(IotErrors.AuthorizationConflictsWithDistribution, $"{conflict}; authorization and distribution cannot be used on the same product or device.");

        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        if (!await db.ProductAuthorizations.ToGrantee(grantee.Id).AnyAsync(g => g.ProductId == product.Id, ct))
            db.ProductAuthorizations.Add(new ProductAuthorization { AccountId = product.AccountId, ProductId = product.Id, GranteeAccountId = grantee.Id, CreatedAtMs = now });
        var ids = devices.Select(d => d.Id).ToList();
        var already = await db.DeviceAuthorizations.ToGrantee(grantee.Id).Where(g => ids.Contains(g.DeviceId)).ToDictionaryAsync(g => g.DeviceId, ct);
        foreach (var d in devices.Where(d => !already.ContainsKey(d.Id)))
            db.DeviceAuthorizations.Add(new DeviceAuthorization { AccountId = product.AccountId, ProductId = product.Id, DeviceId = d.Id, GranteeAccountId = grantee.Id, CreatedAtMs = now });
        await db.SaveChangesAsync(ct);
        grants.Forget();
        changes.Publish(grantee.Id, ids, authorized: true);
        return devices.Select(d => new DeviceAuthorizationRow(product.ProductKey, d.DeviceName, d.IotId, grantee.Uid, grantee.Name,
            already.TryGetValue(d.Id, out var old) ? old.CreatedAtMs : now)).ToList();
    }

    /// <summary>Revokes one device's authorization to the target account; it holds from the grantee's next request.</summary>
    public async Task RevokeDeviceAsync(Caller caller, string productKey, string deviceName, string? targetUid, string? targetName, CancellationToken ct = default)
    {
        var product = await OwnProductAsync(caller, productKey, ct);
        var grantee = await TargetAsync(db, targetUid, targetName, ct);
        var revoked = await db.DeviceAuthorizations.ToGrantee(grantee.Id)
            .Where(g => g.ProductId == product.Id && db.Devices.Any(d => d.Id == g.DeviceId && d.DeviceName == deviceName))
            .Select(g => g.DeviceId).ToListAsync(ct);
        var removed = await db.DeviceAuthorizations.ToGrantee(grantee.Id).Where(g => revoked.Contains(g.DeviceId)).ExecuteDeleteAsync(ct);
        grants.Forget();
        changes.Publish(grantee.Id, revoked, authorized: false);
        if (removed == 0) throw new IotException(IotErrors.AuthorizationNotFound, $"Device {productKey}/{deviceName} is not authorized to account {grantee.Uid}.");
    }

    /// <summary>Revokes a product's authorization; refused while any of its devices are still authorized to that account.</summary>
    public async Task RevokeProductAsync(Caller caller, string productKey, string? targetUid, string? targetName, CancellationToken ct = default)
    {
        var product = await OwnProductAsync(caller, productKey, ct);
        var grantee = await TargetAsync(db, targetUid, targetName, ct);
        var devices = await db.DeviceAuthorizations.ToGrantee(grantee.Id).CountAsync(g => g.ProductId == product.Id, ct);
        if (devices > 0)
            throw new IotException(IotErrors.ProductAuthorizationInUse,
                $"{devices} device(s) of product {productKey} are still authorized to account {grantee.Uid}; revoke their authorizations first.");
        var owned = await db.Devices.OwnedBy(grantee.Id).CountAsync(d => d.ProductId == product.Id, ct);
        if (owned > 0)
            throw new IotException(IotErrors.ProductAuthorizationInUse,
                $"Account {grantee.Uid} owns {owned} device(s) of product {productKey} (transferred to it): it keeps seeing the product while it does.");
        var removed = await db.ProductAuthorizations.ToGrantee(grantee.Id).Where(g => g.ProductId == product.Id).ExecuteDeleteAsync(ct);
        grants.Forget();
        if (removed == 0) throw new IotException(IotErrors.AuthorizationNotFound, $"Product {productKey} is not authorized to account {grantee.Uid}.");
    }

    /// <summary>The devices the caller's account authorized to others (optionally of one product, to one account).</summary>
    public async Task<Page<DeviceAuthorizationRow>> DevicesAsync(Caller caller, string? productKey, string? targetUid, string? deviceName, Paging paging,
        CancellationToken ct = default)
    {
        var q = from x in db.DeviceAuthorizations.AsNoTracking().OwnedBy(caller.AccountId).WithGrantees(db.Accounts)
                join d in db.Devices on x.Grant.DeviceId equals d.Id
                select new { g = x.Grant, d.ProductKey, d.DeviceName, d.IotId, x.Account.Uid, x.Account.Name };
        if (!string.IsNullOrEmpty(productKey)) q = q.Where(x => x.ProductKey == productKey);
        if (!string.IsNullOrEmpty(targetUid)) q = q.Where(x => x.Uid == targetUid);
        if (!string.IsNullOrEmpty(deviceName)) q = q.Where(x => x.DeviceName.Contains(deviceName));
        var rows = await q.OrderByDescending(x => x.g.Id).Skip(paging.Skip).Take(paging.PageSize).ToListAsync(ct);
        return new(rows.Select(x => new DeviceAuthorizationRow(x.ProductKey, x.DeviceName, x.IotId, x.Uid, x.Name, x.g.CreatedAtMs)).ToList(), await q.CountAsync(ct), paging);
    }

    /// <summary>The products the caller's account authorized to others, with how many of their devices are.</summary>
    public async Task<Page<ProductAuthorizationRow>> ProductsAsync(Caller caller, string? productKey, string? targetUid, Paging paging, CancellationToken ct = default)
    {
        var q = from x in db.ProductAuthorizations.AsNoTracking().OwnedBy(caller.AccountId).WithGrantees(db.Accounts)
                join p in db.Products on x.Grant.ProductId equals p.Id
                select new { g = x.Grant, p.ProductKey, p.Name, x.Account.Uid, GranteeName = x.Account.Name };
        if (!string.IsNullOrEmpty(productKey)) q = q.Where(x => x.ProductKey == productKey);
        if (!string.IsNullOrEmpty(targetUid)) q = q.Where(x => x.Uid == targetUid);
        var rows = await q.OrderByDescending(x => x.g.Id).Skip(paging.Skip).Take(paging.PageSize).ToListAsync(ct);
        var counts = await DeviceCountsAsync(db.DeviceAuthorizations.OwnedBy(caller.AccountId), rows.Select(r => r.g.ProductId).ToList(), ct);
        return new(rows.Select(x => new ProductAuthorizationRow(x.ProductKey, x.Name, x.Uid, x.GranteeName,
            counts.GetValueOrDefault((x.g.ProductId, x.g.GranteeAccountId)), x.g.CreatedAtMs)).ToList(), await q.CountAsync(ct), paging);
    }

    /// <summary>The products authorized to the caller's account, each with the account it comes from.</summary>
    public async Task<Page<AuthorizedProductRow>> AuthorizedProductsAsync(Caller caller, string? productKey, Paging paging, CancellationToken ct = default)
    {
        var q = from x in db.ProductAuthorizations.AsNoTracking().ToGrantee(caller.AccountId).WithOwners(db.Accounts)
                join p in db.Products on x.Grant.ProductId equals p.Id
                select new { g = x.Grant, p, x.Account.Uid, x.Account.Name };
        if (!string.IsNullOrEmpty(productKey)) q = q.Where(x => x.p.ProductKey == productKey);
        var rows = await q.OrderByDescending(x => x.g.Id).Skip(paging.Skip).Take(paging.PageSize).ToListAsync(ct);
        var counts = await DeviceCountsAsync(db.DeviceAuthorizations.ToGrantee(caller.AccountId), rows.Select(r => r.g.ProductId).ToList(), ct);
        return new(rows.Select(x => new AuthorizedProductRow(x.p, x.Uid, x.Name, counts.GetValueOrDefault((x.g.ProductId, x.g.GranteeAccountId)), x.g.CreatedAtMs)).ToList(),
            await q.CountAsync(ct), paging);
    }

    /// <summary>How many devices each (product, grantee) of these products has authorized.</summary>
    static async Task<Dictionary<(long, long), int>> DeviceCountsAsync(IQueryable<DeviceAuthorization> grants, List<long> productIds, CancellationToken ct) =>
        (await grants.Where(g => productIds.Contains(g.ProductId)).GroupBy(g => new { g.ProductId, g.GranteeAccountId })
            .Select(x => new { x.Key.ProductId, x.Key.GranteeAccountId, Count = x.Count() }).ToListAsync(ct))
        .ToDictionary(x => (x.ProductId, x.GranteeAccountId), x => x.Count);

    /// <summary>Why the product or these devices may not be both authorized and distributed (null: they may be authorized).</summary>
    public async Task<string?> ConflictAsync(Product product, IReadOnlyCollection<long> deviceIds, CancellationToken ct)
    {
        return await ConflictAsync(db, product, deviceIds, ct);
    }

    internal static async Task<string?> ConflictAsync(ThingyardDb db, Product product, IReadOnlyCollection<long> deviceIds, CancellationToken ct)
    {
        if (product.IsDistributedCopy) return $"Product {product.ProductKey} was distributed to this instance from {product.SourceInstanceId}";
        if (await db.ProductDistributions.AnyAsync(x => x.ProductId == product.Id, ct)) return $"Product {product.ProductKey} has been distributed";
        if (await db.DistributionJobs.OwnedBy(product.AccountId).AnyAsync(j => j.ProductKey == product.ProductKey && j.Status < DistributionStatus.Completed, ct))
            return $"Product {product.ProductKey} has a distribution job running";
        if (await db.DeviceDistributions.AnyAsync(x => deviceIds.Contains(x.DeviceId), ct)) return "A device named has been distributed";
        return null;
    }

    /// <summary>The caller's own product: authorizing and revoking are its owner's, never a grantee's.</summary>
    internal static async Task<Product> OwnProductAsync(ThingyardDb db, Caller caller, string productKey, CancellationToken ct)
    {
        var product = await db.Products.FindVisibleAsync(caller, p => p.ProductKey == productKey, () => IotException.ProductNotFound(productKey), ct);
        if (!product.IsOwnedBy(caller.AccountId))
            throw new IotException(Permissions.ForbiddenCode, $"Product {productKey} belongs to another account; only its owner may authorize it or its devices.");
        return product;
    }

    Task<Product> OwnProductAsync(Caller caller, string productKey, CancellationToken ct) => OwnProductAsync(db, caller, productKey, ct);

    /// <summary>The account named by uid or by name (exactly one of the two).</summary>
    internal static async Task<Account> TargetAsync(ThingyardDb db, string? uid, string? name, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(uid) == string.IsNullOrEmpty(name))
            throw IotException.Invalid("Name the target account by its id (TargetUid) or by its name (TargetAccountName), one of the two.");
        var account = !string.IsNullOrEmpty(uid)
            ? await db.Accounts.AsNoTracking().FirstOrDefaultAsync(a => a.Uid == uid, ct)
            : await db.Accounts.AsNoTracking().FirstOrDefaultAsync(a => a.Name == name, ct);
        return account ?? throw new IotException(IotErrors.AccountNotFound, $"No account {(uid is not null ? "with id " + uid : "named " + name)} exists on this instance.");
    }
}
