// The public pool (the seed's 1.2.2): the owner of a released product authorizes it to the pool after accepting the
// agreement, and cannot take it back. From then on every account that has been authorized at least one device (whose
// console has the authorized products tab) may view it: its information, topic classes and thing model, never its
// secrets or devices (AccessRules admits it for reads only). The owner keeps full control. Like device authorization,
// it never meets distribution on one product.
using Microsoft.EntityFrameworkCore;
using Thingyard.Access;
using Thingyard.Common;
using Thingyard.Lifecycle;
using Thingyard.Registry;
using Thingyard.Storage;

namespace Thingyard.Sharing;

/// <summary>A product in the public pool, with the account it comes from.</summary>
public sealed record PublicProductRow(Product Product, string OwnerUid, string OwnerName);

public sealed class PublicPool(ThingyardDb db, GrantDirectory grants, TimeProvider time)
{
    public const string Agreement =
        "Authorizing a product to the public pool lets every account of this platform that has been authorized a device view the product's " +
        "information, topic classes and thing model (never its secrets or its devices). It cannot be undone.";

    /// <summary>Authorizes the caller's released product to the public pool; <paramref name="agreed"/> must be true.
    /// A product already there stays as it is.</summary>
    public async Task<Product> PublishAsync(Caller caller, string productKey, bool agreed, CancellationToken ct = default)
    {
        var product = await DeviceAuthorizations.OwnProductAsync(db, caller, productKey, ct);
        if (product.IsPublic) return product;
        if (!agreed) throw IotException.Invalid($"Read and accept the agreement first (AgreementAccepted=true): {Agreement}");
        if (product.ReleaseState != ReleaseStates.Released)
            throw new IotException(IotErrors.ProductNotReleased, $"Product {productKey} is not released; only a released product can be authorized to the public pool.");
        if (await DeviceAuthorizations.ConflictAsync(db, product, [], ct) is { } conflict)
            throw new IotException(IotErrors.AuthorizationConflictsWithDistribution, $"{conflict}; authorization and distribution cannot be used on the same product.");
        product.PublicSinceMs = time.GetUtcNow().ToUnixTimeMilliseconds();
        await db.SaveChangesAsync(ct);
        grants.Forget();
        return product;
    }

    /// <summary>Always refused: the pool keeps what its owners put there, as the agreement says.</summary>
    public async Task WithdrawAsync(Caller caller, string productKey, CancellationToken ct = default)
    {
        var product = await DeviceAuthorizations.OwnProductAsync(db, caller, productKey, ct);
        throw product.IsPublic
            ? new IotException(IotErrors.PublicPoolIrreversible, $"Product {productKey} is in the public pool, and an authorization to the public pool cannot be undone.")
            : new IotException(IotErrors.AuthorizationNotFound, $"Product {productKey} is not in the public pool.");
    }

    /// <summary>The public pool as the caller sees it: empty until an account has been authorized a device.</summary>
    public async Task<Page<PublicProductRow>> ListAsync(Caller caller, string? productKey, Paging paging, CancellationToken ct = default)
    {
        var q = from x in db.Products.AsNoTracking().VisibleTo(caller).Where(p => p.PublicSinceMs != null).WithOwnerAccounts(db.Accounts)
                select new { p = x.Grant, x.Account.Uid, x.Account.Name };
        if (!string.IsNullOrEmpty(productKey)) q = q.Where(x => x.p.ProductKey == productKey);
        var rows = await q.OrderByDescending(x => x.p.PublicSinceMs).Skip(paging.Skip).Take(paging.PageSize).ToListAsync(ct);
        return new(rows.Select(x => new PublicProductRow(x.p, x.Uid, x.Name)).ToList(), await q.CountAsync(ct), paging);
    }
}
