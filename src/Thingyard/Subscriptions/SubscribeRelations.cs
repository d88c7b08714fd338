// A product's server-side subscription (Alibaba's CreateSubscribeRelation and friends): which kinds of its devices'
// messages go to which consumer groups. One AMQP subscription per product (MNS is not served). The product is resolved
// as the caller sees it (AccessRules through ProductRegistry); the consumer groups must be the caller's own and of the
// product's account, so messages never cross accounts. Every change is published (SubscriptionChanges) so the message
// path drops what it cached for the account at once.
using Microsoft.EntityFrameworkCore;
using Thingyard.Access;
using Thingyard.Common;
using Thingyard.Registry;
using Thingyard.Storage;

namespace Thingyard.Subscriptions;

/// <summary>A subscription as the API shows it: the relation, its product's key and its groups' public ids.</summary>
public sealed record SubscribeRelationView(SubscribeRelation Relation, string ProductKey, IReadOnlyList<string> ConsumerGroupIds);

public sealed class SubscribeRelations(ThingyardDb db, ProductRegistry products, ConsumerGroupRegistry groups, SubscriptionChanges changes,
    TimeProvider time)
{
    public const string Amqp = "AMQP";
    /// <summary>Consumer groups one subscription delivers to at most.</summary>
    public const int MaxGroupsPerRelation = 10;
    /// <summary>Kinds that only a gateway product's devices produce (the platform ignores them for other products).</summary>
    public const MessageKinds GatewayOnly = MessageKinds.DeviceTopoLifeCycle | MessageKinds.FoundDeviceList;

    /// <summary>Creates the product's subscription. Without groups it delivers to DEFAULT_GROUP.</summary>
    public async Task<SubscribeRelationView> CreateAsync(Caller caller, string productKey, string? type, MessageKinds kinds,
        IReadOnlyList<string> groupIds, CancellationToken ct = default)
    {
        CheckType(type);
        var product = await WritableAsync(caller, productKey, ct);
        var subscriber = caller.ConfiguringAccount(product);
        kinds = KindsFor(product, kinds);
        if (await FindAsync(product, subscriber, ct) is not null)
            throw new IotException(IotErrors.SubscribeRelationExists, $"Product {product.ProductKey} already has an AMQP subscription; change it with UpdateSubscribeRelation.");
        var members = await GroupsAsync(caller, product, subscriber, groupIds.Count == 0 ? new[] { ConsumerGroup.DefaultGroupId } : groupIds, ct);
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        var relation = new SubscribeRelation { AccountId = subscriber, ProductId = product.Id, Type = Amqp, Kinds = kinds, CreatedAtMs = now, ModifiedAtMs = now };
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        db.SubscribeRelations.Add(relation);
        await db.SaveChangesAsync(ct);
        db.SubscribeRelationGroups.AddRange(members.Select(g => new SubscribeRelationGroup { RelationId = relation.Id, ConsumerGroupId = g.Id }));
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        changes.Publish(relation.AccountId);
        return new SubscribeRelationView(relation, product.ProductKey, members.Select(g => g.GroupId).ToList());
    }

    /// <summary>Replaces the subscription's message kinds (an absent flag is false, as on the platform) and, when
    /// <paramref name="groupIds"/> names any, its consumer groups.</summary>
    public async Task<SubscribeRelationView> UpdateAsync(Caller caller, string productKey, string? type, MessageKinds kinds,
        IReadOnlyList<string> groupIds, CancellationToken ct = default)
    {
        CheckType(type);
        var product = await WritableAsync(caller, productKey, ct);
        var relation = await FindAsync(product, caller.ConfiguringAccount(product), ct) ?? throw NotFound(product.ProductKey);
        kinds = KindsFor(product, kinds);
        var members = groupIds.Count > 0 ? await GroupsAsync(caller, product, relation.AccountId, groupIds, ct) : null;
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        if (members is not null)
        {
            await db.SubscribeRelationGroups.Where(m => m.RelationId == relation.Id).ExecuteDeleteAsync(ct);
            db.SubscribeRelationGroups.AddRange(members.Select(g => new SubscribeRelationGroup { RelationId = relation.Id, ConsumerGroupId = g.Id }));
        }
        relation.Kinds = kinds;
        relation.ModifiedAtMs = time.GetUtcNow().ToUnixTimeMilliseconds();
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        changes.Publish(relation.AccountId);
        return await ViewAsync(relation, product, ct);
    }

    public async Task<SubscribeRelationView> GetAsync(Caller caller, string productKey, string? type, CancellationToken ct = default)
    {
        CheckType(type);
        var product = await products.GetAsync(caller, productKey, ct);
        var relation = await FindAsync(product, caller.ConfiguringAccount(product), ct) ?? throw NotFound(product.ProductKey);
        return await ViewAsync(relation, product, ct);
    }

    /// <summary>The subscriptions of the products the caller sees, newest product first (the console's list; the
    /// platform's API reads them one product at a time).</summary>
    public async Task<Page<SubscribeRelationView>> ListAsync(Caller caller, Paging paging, CancellationToken ct = default)
    {
        var query = from r in db.SubscribeRelations.VisibleTo(caller)
                    join p in db.Products.VisibleTo(caller) on r.ProductId equals p.Id
                    orderby p.Id descending
                    select new { Relation = r, Product = p };
        var total = await query.CountAsync(ct);
        var rows = await query.Skip(paging.Skip).Take(paging.PageSize).ToListAsync(ct);
        var views = new List<SubscribeRelationView>(rows.Count);
        foreach (var row in rows) views.Add(await ViewAsync(row.Relation, row.Product, ct));
        return new Page<SubscribeRelationView>(views, total, paging);
    }

    public async Task DeleteAsync(Caller caller, string productKey, string? type, CancellationToken ct = default)
    {
        CheckType(type);
        var product = await WritableAsync(caller, productKey, ct);
        var relation = await FindAsync(product, caller.ConfiguringAccount(product), ct) ?? throw NotFound(product.ProductKey);
        db.SubscribeRelations.Remove(relation); // its group rows go with it (cascade)
        await db.SaveChangesAsync(ct);
        changes.Publish(relation.AccountId);
    }

    /// <summary>Adds one consumer group to the product's AMQP subscription (CreateConsumerGroupSubscribeRelation).</summary>
    public async Task AddGroupAsync(Caller caller, string productKey, string groupId, CancellationToken ct = default)
    {
        var product = await WritableAsync(caller, productKey, ct);
        var relation = await FindAsync(product, caller.ConfiguringAccount(product), ct) ?? throw NotFound(product.ProductKey);
        var group = (await GroupsAsync(caller, product, relation.AccountId, [groupId], ct))[0];
        var current = await db.SubscribeRelationGroups.Where(m => m.RelationId == relation.Id).Select(m => m.ConsumerGroupId).ToListAsync(ct);
        if (current.Contains(group.Id)) return; // already there: nothing to change
        if (current.Count >= MaxGroupsPerRelation) throw TooMany();
        db.SubscribeRelationGroups.Add(new SubscribeRelationGroup { RelationId = relation.Id, ConsumerGroupId = group.Id });
        relation.ModifiedAtMs = time.GetUtcNow().ToUnixTimeMilliseconds();
        await db.SaveChangesAsync(ct);
        changes.Publish(relation.AccountId);
    }

    /// <summary>Removes one consumer group from the product's AMQP subscription; the last one cannot be removed (change
    /// the subscription or delete it instead), as on the platform.</summary>
    public async Task RemoveGroupAsync(Caller caller, string productKey, string groupId, CancellationToken ct = default)
    {
        var product = await WritableAsync(caller, productKey, ct);
        var relation = await FindAsync(product, caller.ConfiguringAccount(product), ct) ?? throw NotFound(product.ProductKey);
        var group = await groups.GetAsync(caller, groupId, ct);
        var current = await db.SubscribeRelationGroups.Where(m => m.RelationId == relation.Id).ToListAsync(ct);
        var member = current.FirstOrDefault(m => m.ConsumerGroupId == group.Id)
            ?? throw new IotException(IotErrors.ConsumerGroupNotFound, $"The consumer group '{groupId}' is not in the subscription of product {product.ProductKey}.");
        if (current.Count == 1)
            throw new IotException(IotErrors.LastSubscribeGroup,
                $"Consumer group {group.GroupId} is the only one of product {product.ProductKey}'s subscription: change the subscription's groups (UpdateSubscribeRelation) or delete it (DeleteSubscribeRelation).");
        db.SubscribeRelationGroups.Remove(member);
        relation.ModifiedAtMs = time.GetUtcNow().ToUnixTimeMilliseconds();
        await db.SaveChangesAsync(ct);
        changes.Publish(relation.AccountId);
    }

    /// <summary>Only AMQP is served; MNS (a queue in Alibaba's Message Service) is refused by name.</summary>
    public static void CheckType(string? type)
    {
        switch (type)
        {
            case Amqp: return;
            case null or "": throw IotException.Invalid("Type is required: AMQP.");
            case "MNS":
                throw new IotException(IotErrors.UnsupportedSubscribeType,
                    "Type MNS is not supported: Thingyard has no Message Service queues to push to. Use Type=AMQP and read the messages with an AMQP client.");
            default: throw new IotException(IotErrors.UnsupportedSubscribeType, $"Type '{type}' is not supported; use AMQP.");
        }
    }

    /// <summary>The kinds a product's subscription takes: at least one, gateway-only kinds only for a gateway product.</summary>
    static MessageKinds KindsFor(Product product, MessageKinds kinds)
    {
        if (product.NodeType != 1) kinds &= ~GatewayOnly;
        if (kinds == MessageKinds.None)
            throw new IotException(IotErrors.InvalidSubscribeRelation,
                "Choose at least one message kind (DeviceDataFlag, DeviceStatusChangeFlag, ...); DeviceTopoLifeCycleFlag and FoundDeviceListFlag count only for gateway products.");
        return kinds;
    }

    /// <summary>The product, if the caller may change its subscription: as the owner (or a project's grantee whose role
    /// allows changes), or as an account it is authorized to, which keeps a subscription of its own.</summary>
    async Task<Product> WritableAsync(Caller caller, string productKey, CancellationToken ct)
    {
        var product = await products.GetAsync(caller, productKey, ct);
        if (!caller.IsOnlyAuthorizedTo(product)) caller.RequireChange(product);
        return product;
    }

    /// <summary>The subscription of the product that <paramref name="subscriber"/> keeps (each account keeps its own).</summary>
    Task<SubscribeRelation?> FindAsync(Product product, long subscriber, CancellationToken ct) =>
        db.SubscribeRelations.OwnedBy(subscriber).FirstOrDefaultAsync(r => r.ProductId == product.Id && r.Type == Amqp, ct);

    /// <summary>The named groups, each the caller's own and of the subscribing account, at most ten, duplicates once.</summary>
    async Task<List<ConsumerGroup>> GroupsAsync(Caller caller, Product product, long subscriber, IReadOnlyList<string> groupIds, CancellationToken ct)
    {
        var distinct = groupIds.Distinct(StringComparer.Ordinal).ToList();
        if (distinct.Count > MaxGroupsPerRelation) throw TooMany();
        var found = new List<ConsumerGroup>();
        foreach (var id in distinct)
        {
            var group = await groups.GetAsync(caller, id, ct);
            if (!group.IsOwnedBy(subscriber))
                throw new IotException(IotErrors.InvalidSubscribeRelation,
                    $"Consumer group {group.GroupId} belongs to another account than the one keeping product {product.ProductKey}'s subscription (a product of a project authorized to you is subscribed by its owner): each account's subscription delivers to its own groups only.");
            found.Add(group);
        }
        return found;
    }

    async Task<SubscribeRelationView> ViewAsync(SubscribeRelation relation, Product product, CancellationToken ct)
    {
        var ids = await db.SubscribeRelationGroups.Where(m => m.RelationId == relation.Id)
            .Join(db.ConsumerGroups, m => m.ConsumerGroupId, g => g.Id, (m, g) => g)
            .OrderBy(g => g.Id).Select(g => g.GroupId).ToListAsync(ct);
        return new SubscribeRelationView(relation, product.ProductKey, ids);
    }

    static IotException TooMany() =>
        new(IotErrors.TooManySubscribeGroups, $"A subscription delivers to at most {MaxGroupsPerRelation} consumer groups.");

    static IotException NotFound(string productKey) =>
        new(IotErrors.SubscribeRelationNotFound, $"Product {productKey} has no AMQP subscription.");
}
