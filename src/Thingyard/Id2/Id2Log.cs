// The verification log of an ID² product, newest first. The authority writes it, and keeps a product's latest Kept
// entries (Id2Authority.LogAsync).
using Microsoft.EntityFrameworkCore;
using Thingyard.Access;
using Thingyard.Common;
using Thingyard.Storage;

namespace Thingyard.Id2;

public sealed class Id2Log(ThingyardDb db, Id2Products products)
{
    public const int Kept = 10_000;

    public async Task<Page<Id2Verification>> ListAsync(Caller caller, string productKey, string? id2, Paging paging, CancellationToken ct = default)
    {
        var product = await products.GetAsync(caller, productKey, ct);
        var rows = db.Id2Verifications.AsNoTracking().VisibleTo(caller).Where(v => v.Id2ProductId == product.Id);
        if (id2 is not null) rows = rows.Where(v => v.Id2 == id2.ToUpperInvariant());
        return new(await rows.OrderByDescending(v => v.Id).Skip(paging.Skip).Take(paging.PageSize).ToListAsync(ct), await rows.CountAsync(ct), paging);
    }
}
