// A product's custom topic classes (CreateProductTopic, QueryProductTopic, UpdateProductTopic, DeleteProductTopic):
// always reached through a product the caller may see, changed only where the caller may change the product. Every
// product has the platform's default classes (TopicClassNames.Defaults): added with a new product, and at start to
// products made before topic classes existed.
using Microsoft.EntityFrameworkCore;
using Thingyard.Access;
using Thingyard.Common;
using Thingyard.Protocol.Topics;
using Thingyard.Registry;
using Thingyard.Storage;

namespace Thingyard.Topics;

public sealed class TopicClasses(ThingyardDb db, ProductRegistry products, TopicClassChanges changes, TimeProvider time)
{
    /// <summary>Classes a product may have, its default ones included (the platform's limit).</summary>
    public const int MaxPerProduct = 50;
    public const int MaxDescriptionLength = 100;

    public async Task<(Product Product, List<ProductTopicClass> Classes)> ListAsync(Caller caller, string? productKey, CancellationToken ct = default)
    {
        var product = await products.GetAsync(caller, productKey, ct);
        var classes = await db.ProductTopicClasses.Where(t => t.ProductId == product.Id).OrderBy(t => t.Id).ToListAsync(ct);
        return (product, classes);
    }

    public async Task<ProductTopicClass> CreateAsync(Caller caller, string? productKey, string shortName, string operation, string? description,
        CancellationToken ct = default)
    {
        var product = ProductRegistry.Writable(await products.GetAsync(caller, productKey, ct), caller);
        var op = ParseOperation(operation);
        var name = CheckName(product, shortName, op);
        CheckDescription(description);
        await EnsureFreeAsync(product.Id, name, null, ct);
        if (await db.ProductTopicClasses.CountAsync(t => t.ProductId == product.Id, ct) >= MaxPerProduct)
            throw new IotException(IotErrors.TooManyTopicClasses, $"A product has at most {MaxPerProduct} topic classes; delete one first.");
        var row = new ProductTopicClass
        {
            ProductId = product.Id, ShortName = name, Operation = op, Description = Blank(description),
            CreatedAtMs = time.GetUtcNow().ToUnixTimeMilliseconds(),
        };
        db.ProductTopicClasses.Add(row);
        await db.SaveChangesAsync(ct);
        changes.Publish(product.Id);
        return row;
    }

    public async Task<(Product Product, ProductTopicClass Class)> UpdateAsync(Caller caller, string? topicId, string shortName, string operation,
        string? description, CancellationToken ct = default)
    {
        var (product, row) = await FindAsync(caller, topicId, ct);
        ProductRegistry.Writable(product, caller);
        var op = ParseOperation(operation);
        var name = CheckName(product, shortName, op);
        CheckDescription(description);
        if (row.IsDefault && name != row.ShortName)
            throw new IotException(IotErrors.DefaultTopicClass, $"{TopicClassNames.Full(product.ProductKey, row.ShortName)} is a default topic class: its name cannot change (its operation and description can).");
        await EnsureFreeAsync(product.Id, name, row.Id, ct);
        (row.ShortName, row.Operation) = (name, op);
        if (description is not null) row.Description = Blank(description);
        await db.SaveChangesAsync(ct);
        changes.Publish(product.Id);
        return (product, row);
    }

    public async Task DeleteAsync(Caller caller, string? topicId, CancellationToken ct = default)
    {
        var (product, row) = await FindAsync(caller, topicId, ct);
        ProductRegistry.Writable(product, caller);
        if (row.IsDefault)
            throw new IotException(IotErrors.DefaultTopicClass, $"{TopicClassNames.Full(product.ProductKey, row.ShortName)} is a default topic class and cannot be deleted; change its operation instead.");
        db.ProductTopicClasses.Remove(row);
        await db.SaveChangesAsync(ct);
        changes.Publish(product.Id);
    }

    /// <summary>The class and its product, when the caller may see the product; otherwise not found, as for a missing id.</summary>
    async Task<(Product, ProductTopicClass)> FindAsync(Caller caller, string? topicId, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(topicId)) throw IotException.Invalid("TopicId is required.");
        if (!long.TryParse(topicId, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var id))
            throw IotException.Invalid($"TopicId '{topicId}' is not a topic class id (a number from QueryProductTopic or CreateProductTopic).");
        var found = await (from t in db.ProductTopicClasses
                           join p in db.Products.VisibleTo(caller) on t.ProductId equals p.Id
                           where t.Id == id
                           select new { t, p }).FirstOrDefaultAsync(ct)
            ?? throw new IotException(IotErrors.TopicClassNotFound, $"The topic class '{topicId}' does not exist.");
        return (found.p, found.t);
    }

    /// <summary>The default classes of a new product (or one that has none yet), not saved.</summary>
    public static IEnumerable<ProductTopicClass> Defaults(long productId, long nowMs) =>
        TopicClassNames.Defaults.Select(d => new ProductTopicClass
        {
            ProductId = productId, ShortName = d.ShortName, Operation = d.Operation, IsDefault = true, CreatedAtMs = nowMs,
        });

    /// <summary>Gives every product without default classes its defaults (products made before topic classes existed);
    /// returns how many products got them.</summary>
    public static async Task<int> AddMissingDefaultsAsync(IDbContextFactory<ThingyardDb> dbs, TimeProvider time, CancellationToken ct = default)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        var missing = await db.Products.Where(p => !db.ProductTopicClasses.Any(t => t.ProductId == p.Id && t.IsDefault))
            .Select(p => p.Id).ToListAsync(ct);
        if (missing.Count == 0) return 0;
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        foreach (var productId in missing)
        {
            var taken = await db.ProductTopicClasses.Where(t => t.ProductId == productId).Select(t => t.ShortName).ToListAsync(ct);
            db.ProductTopicClasses.AddRange(Defaults(productId, now).Where(d => !taken.Contains(d.ShortName)));
        }
        await db.SaveChangesAsync(ct);
        return missing.Count;
    }

    public static TopicOperation ParseOperation(string? operation) => operation switch
    {
        "PUB" => TopicOperation.Pub,
        "SUB" => TopicOperation.Sub,
        "ALL" => TopicOperation.All,
        _ => throw IotException.Invalid($"Operation '{operation}' is invalid: use PUB, SUB or ALL."),
    };

    static string CheckName(Product product, string shortName, TopicOperation op)
    {
        if (TopicClassNames.Check(product.ProductKey, shortName, op, out var name) is { } problem)
            throw new IotException(IotErrors.InvalidTopic, $"TopicShortName '{shortName}' {problem}.");
        return name;
    }

    static void CheckDescription(string? description)
    {
        if (description is { Length: > MaxDescriptionLength }) throw IotException.Invalid($"Desc must be at most {MaxDescriptionLength} characters.");
    }

    static string? Blank(string? text) => string.IsNullOrEmpty(text) ? null : text;

    async Task EnsureFreeAsync(long productId, string name, long? except, CancellationToken ct)
    {
        if (await db.ProductTopicClasses.AnyAsync(t => t.ProductId == productId && t.ShortName == name && t.Id != except, ct))
            throw new IotException(IotErrors.TopicClassExists, $"The product already has the topic class user/{name}.");
    }
}
