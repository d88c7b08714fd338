// The verification log of an ID² product (newest first), and its pruning: a product keeps its latest 10,000 entries.
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
        var total = await rows.CountAsync(ct);
        if (total > Kept + Kept / 10)
        {
            var cut = await rows.OrderByDescending(v => v.Id).Skip(Kept).Select(v => v.Id).FirstAsync(ct);
            await db.Id2Verifications.Where(v => v.Id2ProductId == product.Id && v.Id <= cut).ExecuteDeleteAsync(ct);
            total = await rows.CountAsync(ct);
        }
        return new(await rows.OrderByDescending(v => v.Id).Skip(paging.Skip).Take(paging.PageSize).ToListAsync(ct), total, paging);
    }
}
