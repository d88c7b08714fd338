// Products of an account: create, update, query, list and delete, always as the caller sees them (AccessRules).
using Microsoft.EntityFrameworkCore;
using Thingyard.Access;
using Thingyard.Common;
using Thingyard.Projects;
using Thingyard.Protocol.Tsl;
using Thingyard.Storage;
using Thingyard.Subscriptions;
using Thingyard.ThingModels;
using Thingyard.Topics;

namespace Thingyard.Registry;

public sealed record NewProduct(string Name, int NodeType = 0, int DataFormat = 1, string AuthType = "secret",
    string? Description = null, string NetType = "WIFI", string? ProtocolType = null, string? CategoryKey = null,
    bool DynamicRegistration = false, string? ProjectId = null);

public sealed record ProductChanges(string? Name = null, string? Description = null, bool? DynamicRegistration = null);

public sealed class ProductRegistry(ThingyardDb db, TimeProvider time, ProjectRegistry projects, GrantDirectory grants, SubscriptionChanges subscriptions)
{
    static readonly string[] AuthTypes = ["secret", "id2", "x509"];
    static readonly string[] NetTypes = ["WIFI", "CELLULAR", "ETHERNET", "OTHER", "LORA"];

    public async Task<Product> CreateAsync(Caller caller, NewProduct p, CancellationToken ct = default)
    {
        NameRules.CheckProductName(p.Name);
        if (p.NodeType is not (0 or 1)) throw new IotException(IotErrors.InvalidNodeType, "NodeType must be 0 (device) or 1 (gateway).");
        if (p.DataFormat is not (0 or 1)) throw new IotException(IotErrors.InvalidDataFormat, "DataFormat must be 0 (custom) or 1 (Alink JSON).");
        if (!AuthTypes.Contains(p.AuthType)) throw new IotException(IotErrors.InvalidAuthType, "AuthType must be secret, id2 or x509.");
        if (!NetTypes.Contains(p.NetType)) throw IotException.Invalid("NetType must be WIFI, CELLULAR, ETHERNET, OTHER or LORA.");
        if (p.Description is { Length: > 100 }) throw IotException.Invalid("Description must be at most 100 characters.");
        // In the named project (the caller's own, or one authorized to it with a role that may change), else in the
        // caller's default project. The product belongs to the project's account.
        var project = p.ProjectId is null ? await projects.DefaultAsync(caller.AccountId, ct) : await projects.GetAsync(caller, p.ProjectId, ct);
        caller.RequireChange(project);
        await EnsureNameFreeAsync(project.AccountId, p.Name, null, ct);
        var template = p.CategoryKey is null ? null : ThingTemplates.Get(p.CategoryKey);

        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        var product = new Product
        {
            AccountId = project.AccountId, ProjectId = project.Id, ProductKey = Ids.ProductKey(), ProductSecret = Ids.ProductSecret(), Name = p.Name,
            Description = p.Description, NodeType = p.NodeType, DataFormat = p.DataFormat, AuthType = p.AuthType,
            NetType = p.NetType, ProtocolType = p.ProtocolType, CategoryKey = p.CategoryKey,
            DynamicRegistration = p.DynamicRegistration, CreatedAtMs = now, ModifiedAtMs = now,
        };
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        db.Products.Add(product);
        await db.SaveChangesAsync(ct);
        db.ProductTopicClasses.AddRange(TopicClasses.Defaults(product.Id, now));
        if (template is not null)
        {
            db.ThingModels.Add(new ThingModelRevision
            {
                ProductId = product.Id, TslJson = TslWriter.ToTslJson(template.Model, product.ProductKey), CreatedAtMs = now,
            });
        }
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        if (!project.IsOwnedBy(caller.AccountId) || await db.ProjectGrants.AnyAsync(g => g.ProjectId == project.Id, ct)) grants.Forget();
        return product;
    }

    /// <summary>Records the certified module or chip the product's devices are built on (ListCertifiedModules).</summary>
    public async Task<Product> SetModuleAsync(Caller caller, string productKey, string moduleId, CancellationToken ct = default)
    {
        var product = Writable(await GetAsync(caller, productKey, ct), caller);
        product.ModuleId = CertifiedModules.Get(moduleId).ModuleId;
        product.ModifiedAtMs = time.GetUtcNow().ToUnixTimeMilliseconds();
        await db.SaveChangesAsync(ct);
        return product;
    }

    public async Task<Product> GetAsync(Caller caller, string? productKey, CancellationToken ct = default)
    {
        if (string.IsNullOrEmpty(productKey)) throw new IotException("iot.prod.NullProductKey", "ProductKey is required.");
        return await db.Products.FindVisibleAsync(caller, p => p.ProductKey == productKey, () => IotException.ProductNotFound(productKey), ct);
    }

    public async Task<Product> UpdateAsync(Caller caller, string productKey, ProductChanges changes, CancellationToken ct = default)
    {
        var product = Writable(await GetAsync(caller, productKey, ct), caller);
        if (changes.Name is not null && changes.Name != product.Name)
        {
            NameRules.CheckProductName(changes.Name);
            await EnsureNameFreeAsync(product.AccountId, changes.Name, product.Id, ct);
            product.Name = changes.Name;
        }
        if (changes.Description is not null)
        {
            if (changes.Description.Length > 100) throw IotException.Invalid("Description must be at most 100 characters.");
            product.Description = changes.Description;
        }
        if (changes.DynamicRegistration is { } dyn) product.DynamicRegistration = dyn;
        product.ModifiedAtMs = time.GetUtcNow().ToUnixTimeMilliseconds();
        await db.SaveChangesAsync(ct);
        return product;
    }

    public Task<Page<(Product Product, int DeviceCount)>> ListAsync(Caller caller, Paging paging, CancellationToken ct = default) =>
        ListAsync(caller, paging, null, ct);

    public Task<Page<(Product Product, int DeviceCount)>> ListAsync(Caller caller, Paging paging, string? nameContains, CancellationToken ct = default) =>
        ListAsync(caller, paging, nameContains, null, ct);

    /// <summary>A page of the caller's products, newest first; with <paramref name="nameContains"/>, only those whose name
    /// contains it (ignoring case); with <paramref name="projectId"/>, only that project's.</summary>
    public async Task<Page<(Product Product, int DeviceCount)>> ListAsync(Caller caller, Paging paging, string? nameContains, string? projectId,
        CancellationToken ct = default)
    {
        // The account's products (and its projects'); those authorized to it or in the public pool have lists of their own.
        var query = db.Products.VisibleTo(caller.WithoutAuthorized());
        if (projectId is not null)
        {
            var project = await projects.GetAsync(caller, projectId, ct);
            query = query.Where(p => p.ProjectId == project.Id);
        }
        if (!string.IsNullOrWhiteSpace(nameContains))
        {
            var part = nameContains.Trim().ToLowerInvariant();
            query = query.Where(p => p.Name.ToLower().Contains(part));
        }
        var total = await query.CountAsync(ct);
        var rows = await query.OrderByDescending(p => p.Id).Skip(paging.Skip).Take(paging.PageSize)
            .Select(p => new { Product = p, Count = db.Devices.Count(d => d.ProductId == p.Id) })
            .ToListAsync(ct);
        return new Page<(Product, int)>(rows.Select(r => (r.Product, r.Count)).ToList(), total, paging);
    }

    /// <summary>Product names by product id, for device lists that show each device's ProductName.</summary>
    public async Task<Dictionary<long, string>> NamesAsync(IEnumerable<long> productIds, CancellationToken ct = default)
    {
        var ids = productIds.Distinct().ToList();
        return await db.Products.Where(p => ids.Contains(p.Id)).ToDictionaryAsync(p => p.Id, p => p.Name, ct);
    }

    public Task<int> DeviceCountAsync(Product product, CancellationToken ct = default) =>
        db.Devices.CountAsync(d => d.ProductId == product.Id, ct);

    /// <summary>Like the platform, a product that still has devices cannot be deleted.</summary>
    public async Task DeleteAsync(Caller caller, string productKey, CancellationToken ct = default)
    {
        var product = Writable(await GetAsync(caller, productKey, ct), caller);
        if (await DeviceCountAsync(product, ct) > 0)
            throw new IotException(IotErrors.ProductHasDevices, $"The product '{productKey}' still has devices; delete them first.");
        var subscribed = await db.SubscribeRelations.AnyAsync(r => r.ProductId == product.Id, ct);
        db.Products.Remove(product); // its server-side subscription goes with it (cascade)
        await db.SaveChangesAsync(ct);
        grants.Forget();
        if (subscribed) subscriptions.Publish(product.AccountId);
    }

    /// <summary>The product, if the caller may change it: a product received by distribution is read-only here (no
    /// edits, no deletion, no new devices), and one of a project authorized to the caller's account changes only as
    /// the role granted there allows.</summary>
    public static Product Writable(Product product, Caller caller)
    {
        NotACopy(product);
        caller.RequireChange(product);
        return product;
    }

    /// <summary>Refuses changes to a product received by distribution.</summary>
    public static void NotACopy(Product product)
    {
        if (product.IsDistributedCopy)
            throw new IotException(IotErrors.ProductReadOnly,
                $"Product {product.ProductKey} was distributed here from instance {product.SourceInstanceId} and is read-only; change it at its source.");
    }

    /// <summary>Product names are unique within the owning account.</summary>
    async Task EnsureNameFreeAsync(long ownerAccountId, string name, long? except, CancellationToken ct)
    {
        if (await db.Products.OwnedBy(ownerAccountId).AnyAsync(p => p.Name == name && p.Id != except, ct))
            throw new IotException(IotErrors.ProductNameExists, $"A product named '{name}' already exists.");
    }
}
