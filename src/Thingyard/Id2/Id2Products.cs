// ID² products (step 2 of the onboarding: an ID² product in the ID² area, or ID² turned on for an IoT product), their
// plan (step 1: integration pattern and carrier) and their authentication quota, which only the platform operator
// allocates. An IoT product created with AuthType id2 becomes an ID² product on first use, with the default plan.
using Microsoft.EntityFrameworkCore;
using Thingyard.Access;
using Thingyard.Common;
using Thingyard.Lifecycle;
using Thingyard.Protocol.Id2;
using Thingyard.Registry;
using Thingyard.Storage;

namespace Thingyard.Id2;

public sealed record Id2PlanChange(string? Carrier, string? KeyType, bool? Whitelist);

public sealed class Id2Products(ThingyardDb db, PlatformOperator platform, TimeProvider time)
{
    public const int MaxQuotaAllocation = 1_000_000;

    /// <summary>CreateId2Product: a product of the ID² area (Pattern "own") with its own ProductKey, or (Pattern "iot")
    /// ID² turned on for the caller's IoT product <paramref name="iotProductKey"/>, whose AuthType must be id2.</summary>
    public async Task<Id2Product> CreateAsync(Caller caller, string name, string pattern, string carrier, string keyType, string? iotProductKey,
        bool whitelist, CancellationToken ct = default)
    {
        caller.Require(Need.Change);
        CheckPlan(pattern, carrier, keyType);
        if (pattern == Id2Plans.IotPattern)
        {
            var product = await IotProductAsync(caller, iotProductKey ?? throw IotException.Invalid("ProductKey (the IoT product) is required for the iot pattern."), ct);
            if (await db.Id2Products.AnyAsync(p => p.ProductId == product.Id, ct))
                throw new IotException(IotErrors.ProductNameExists, $"ID² is already on for product {product.ProductKey}.");
            return await AddAsync(caller, product.Name, pattern, carrier, keyType, product, whitelist, ct);
        }
        if (string.IsNullOrWhiteSpace(name) || name.Length > 64) throw new IotException(IotErrors.InvalidProductName, "Name must be 1 to 64 characters.");
        if (await db.Id2Products.VisibleTo(caller).AnyAsync(p => p.Name == name && p.Pattern == Id2Plans.OwnPattern, ct))
            throw new IotException(IotErrors.ProductNameExists, $"An ID² product named '{name}' already exists.");
        return await AddAsync(caller, name, pattern, carrier, keyType, null, false, ct);
    }

    /// <summary>The caller's ID² product with this key; an IoT product of AuthType id2 gets one with the default plan.
    /// Anyone else's is "not found".</summary>
    public async Task<Id2Product> GetAsync(Caller caller, string productKey, CancellationToken ct = default)
    {
        var row = await db.Id2Products.VisibleTo(caller).FirstOrDefaultAsync(p => p.ProductKey == productKey, ct);
        if (row is not null) return row;
        var product = await db.Products.VisibleTo(caller.WithoutAuthorized()).FirstOrDefaultAsync(p => p.ProductKey == productKey && p.AuthType == "id2", ct)
            ?? throw NotFound(productKey);
        try { return await AddAsync(caller, product.Name, Id2Plans.IotPattern, "km", Id2KeyType.Aes.Name(), product, false, ct); }
        catch (DbUpdateException)
        {
            db.ChangeTracker.Clear();
            return await db.Id2Products.VisibleTo(caller).FirstAsync(p => p.ProductKey == productKey, ct);
        }
    }

    /// <summary>The product's quota as stored now (not as this request first read it).</summary>
    public async Task<(long Allocated, long Used)> QuotaAsync(Id2Product product, CancellationToken ct = default)
    {
        var row = await db.Id2Products.AsNoTracking().Where(p => p.Id == product.Id).Select(p => new { p.QuotaAllocated, p.QuotaUsed }).FirstAsync(ct);
        return (row.QuotaAllocated, row.QuotaUsed);
    }

    public async Task<List<Id2Product>> ListAsync(Caller caller, CancellationToken ct = default)
    {
        // IoT products of AuthType id2 not yet seen here join the list with the default plan.
        var known = await db.Id2Products.VisibleTo(caller).Select(p => p.ProductKey).ToListAsync(ct);
        var pending = await db.Products.VisibleTo(caller.WithoutAuthorized()).Where(p => p.AuthType == "id2" && !known.Contains(p.ProductKey))
            .Select(p => p.ProductKey).ToListAsync(ct);
        foreach (var key in pending) await GetAsync(caller, key, ct);
        return await db.Id2Products.AsNoTracking().VisibleTo(caller).OrderBy(p => p.Id).ToListAsync(ct);
    }

    /// <summary>UpdateId2ProductPlan: the carrier, the key type of identities generated from now on, and (IoT pattern)
    /// whether devices must be registered first.</summary>
    public async Task<Id2Product> UpdatePlanAsync(Caller caller, string productKey, Id2PlanChange change, CancellationToken ct = default)
    {
        var row = await GetAsync(caller, productKey, ct);
        caller.RequireChange(row);
        CheckPlan(row.Pattern, change.Carrier ?? row.Carrier, change.KeyType ?? row.KeyType);
        if (change.Carrier is not null) row.Carrier = change.Carrier;
        if (change.KeyType is not null && Id2KeyTypes.TryParse(change.KeyType, out var type)) row.KeyType = type.Name();
        if (change.Whitelist is { } whitelist)
        {
            if (row.Pattern != Id2Plans.IotPattern) throw IotException.Invalid("Whitelist applies to ID² on an IoT product only.");
            row.Whitelist = whitelist;
        }
        await db.SaveChangesAsync(ct);
        return row;
    }

    /// <summary>AllocateId2Quota: the platform operator adds activations to a product (whoever owns it).</summary>
    public async Task<Id2Product> AllocateQuotaAsync(Caller caller, string productKey, long count, CancellationToken ct = default)
    {
        await platform.RequireAsync(caller, ct);
        if (count is < 1 or > MaxQuotaAllocation) throw IotException.Invalid($"Count must be between 1 and {MaxQuotaAllocation:N0}.");
        var row = await db.Id2Products.FirstOrDefaultAsync(p => p.ProductKey == productKey, ct);
        if (row is null)
        {
            // An IoT product of AuthType id2 not yet seen here: acting for its owner, give it its ID² row first.
            var product = await db.Products.FirstOrDefaultAsync(p => p.ProductKey == productKey && p.AuthType == "id2", ct) ?? throw NotFound(productKey);
            await GetAsync(Caller.Account(product.AccountId), productKey, ct);
        }
        await db.Id2Products.Where(p => p.ProductKey == productKey)
            .ExecuteUpdateAsync(s => s.SetProperty(p => p.QuotaAllocated, p => p.QuotaAllocated + count), ct);
        return await db.Id2Products.AsNoTracking().FirstAsync(p => p.ProductKey == productKey, ct);
    }

    public static IotException NotFound(string productKey) => new(IotErrors.ProductNotFound, $"The ID² product '{productKey}' does not exist.");

    async Task<Product> IotProductAsync(Caller caller, string productKey, CancellationToken ct)
    {
        var product = await db.Products.VisibleTo(caller.WithoutAuthorized()).FirstOrDefaultAsync(p => p.ProductKey == productKey, ct)
            ?? throw IotException.ProductNotFound(productKey);
        caller.RequireChange(product);
        if (product.AuthType != "id2")
            throw new IotException("iot.prod.NotOpenID2Service", $"Product {productKey} authenticates with '{product.AuthType}', not id2; create it with AuthType id2.");
        return product;
    }

    async Task<Id2Product> AddAsync(Caller caller, string name, string pattern, string carrier, string keyType, Product? product, bool whitelist, CancellationToken ct)
    {
        Id2KeyTypes.TryParse(keyType, out var type);
        string key;
        if (product is not null) key = product.ProductKey;
        else do key = Ids.ProductKey(); while (await db.Products.AnyAsync(p => p.ProductKey == key, ct) || await db.Id2Products.AnyAsync(p => p.ProductKey == key, ct));
        var row = new Id2Product
        {
            AccountId = product?.AccountId ?? caller.AccountId, ProductKey = key, Name = name, ProductId = product?.Id, Pattern = pattern,
            Carrier = carrier, KeyType = type.Name(), Whitelist = whitelist, CreatedAtMs = time.GetUtcNow().ToUnixTimeMilliseconds(),
        };
        db.Id2Products.Add(row);
        await db.SaveChangesAsync(ct);
        return row;
    }

    static void CheckPlan(string pattern, string carrier, string keyType)
    {
        if (!Id2Plans.Patterns.Contains(pattern)) throw IotException.Invalid("Pattern must be iot (this platform) or own (own platform or a third-party system).");
        if (!Id2Plans.Carriers.Contains(carrier)) throw IotException.Invalid("Carrier must be se, km, tee or module.");
        if (!Id2KeyTypes.TryParse(keyType, out _)) throw IotException.Invalid("KeyType must be aes, 3des, sm4, rsa or sm2.");
    }
}
