// Consumer groups of an account (Alibaba's server-side subscription): create, rename, list, delete, and reset (drop the
// group's backlog). Every account has DEFAULT_GROUP, created the first time its groups are read or named, so accounts
// that existed before subscriptions have it too; it cannot be renamed or deleted. Groups are the caller's own only
// (grants never share them); another account's group is not found, exactly like a missing one.
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Thingyard.Access;
using Thingyard.Common;
using Thingyard.Registry;
using Thingyard.Storage;

namespace Thingyard.Subscriptions;

public sealed partial class ConsumerGroupRegistry(ThingyardDb db, SubscriptionChanges changes, TimeProvider time)
{
    /// <summary>Groups an account may have, DEFAULT_GROUP included.</summary>
    public const int MaxGroupsPerAccount = 1000;

    [GeneratedRegex(@"^[\p{IsCJKUnifiedIdeographs}A-Za-z0-9_]+$")]
    private static partial Regex NameChars();

    /// <summary>The platform's rule: 4 to 30 characters (a Chinese character counts as two), letters, digits, Chinese
    /// characters and underscores.</summary>
    public static void CheckName(string? name, string parameter = "GroupName")
    {
        var width = name is null ? 0 : NameRules.WeightedLength(name);
        if (name is null || width < 4 || width > 30 || !NameChars().IsMatch(name))
            throw new IotException(IotErrors.InvalidConsumerGroupName,
                $"{parameter} '{name}' is invalid: use 4 to 30 characters (a Chinese character counts as 2) from letters, digits, Chinese characters and _.");
    }

    public async Task<ConsumerGroup> CreateAsync(Caller caller, string name, CancellationToken ct = default)
    {
        CheckName(name);
        await DefaultAsync(caller.AccountId, ct);
        await EnsureNameFreeAsync(caller.AccountId, name, ct);
        if (await db.ConsumerGroups.OwnedBy(caller.AccountId).CountAsync(ct) >= MaxGroupsPerAccount)
            throw new IotException(IotErrors.TooManyConsumerGroups, $"An account has at most {MaxGroupsPerAccount} consumer groups (DEFAULT_GROUP included); delete one first.");
        var group = new ConsumerGroup
        {
            AccountId = caller.AccountId, GroupId = Ids.ConsumerGroupId(), Name = name, CreatedAtMs = time.GetUtcNow().ToUnixTimeMilliseconds(),
        };
        db.ConsumerGroups.Add(group);
        await db.SaveChangesAsync(ct);
        changes.Publish(caller.AccountId);
        return group;
    }

    /// <summary>The caller's group by its public id (DEFAULT_GROUP is created on first need).</summary>
    public async Task<ConsumerGroup> GetAsync(Caller caller, string? groupId, CancellationToken ct = default)
    {
        if (string.IsNullOrEmpty(groupId)) throw IotException.Invalid("GroupId is required.");
        if (groupId == ConsumerGroup.DefaultGroupId) await DefaultAsync(caller.AccountId, ct);
        return await db.ConsumerGroups.FindVisibleAsync(caller, g => g.GroupId == groupId, () => NotFound(groupId), ct);
    }

    public async Task<ConsumerGroup> RenameAsync(Caller caller, string groupId, string newName, CancellationToken ct = default)
    {
        var group = await GetAsync(caller, groupId, ct);
        RefuseDefault(group, "renamed");
        CheckName(newName, "NewGroupName");
        if (newName == group.Name) return group;
        await EnsureNameFreeAsync(group.AccountId, newName, ct);
        group.Name = newName;
        await db.SaveChangesAsync(ct);
        changes.Publish(group.AccountId);
        return group;
    }

    /// <summary>Deletes a group no subscription names, with its backlog. DEFAULT_GROUP cannot be deleted. Returns the
    /// deleted row (its id, for the delivery engine to drop the group's clients).</summary>
    public async Task<ConsumerGroup> DeleteAsync(Caller caller, string groupId, CancellationToken ct = default)
    {
        var group = await GetAsync(caller, groupId, ct);
        RefuseDefault(group, "deleted");
        var relations = await db.SubscribeRelationGroups.CountAsync(r => r.ConsumerGroupId == group.Id, ct);
        if (relations > 0)
            throw new IotException(IotErrors.ConsumerGroupInUse,
                $"Consumer group {group.GroupId} is in {relations} subscription(s): remove it from them first (DeleteConsumerGroupSubscribeRelation, UpdateSubscribeRelation or DeleteSubscribeRelation).");
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        await db.BacklogSegments.Where(m => m.ConsumerGroupId == group.Id).ExecuteDeleteAsync(ct);
        await db.Backlog.Where(m => m.ConsumerGroupId == group.Id).ExecuteDeleteAsync(ct);
        db.ConsumerGroups.Remove(group);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        changes.Publish(group.AccountId);
        return group;
    }

    /// <summary>Drops every message waiting in the group's backlog (ResetConsumerGroupPosition); returns the group and
    /// how many were dropped.</summary>
    public async Task<(ConsumerGroup Group, int Dropped)> ResetAsync(Caller caller, string groupId, CancellationToken ct = default)
    {
        var group = await GetAsync(caller, groupId, ct);
        caller.RequireChange(group);
        // Counted as stored: messages accepted in a segment not yet deleted count too.
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var dropped = await db.BacklogSegments.Where(m => m.ConsumerGroupId == group.Id).SumAsync(m => m.Count, ct);
        await db.BacklogSegments.Where(m => m.ConsumerGroupId == group.Id).ExecuteDeleteAsync(ct);
        dropped += await db.Backlog.Where(m => m.ConsumerGroupId == group.Id).ExecuteDeleteAsync(ct);
        await tx.CommitAsync(ct);
        changes.Publish(group.AccountId);
        return (group, dropped);
    }

    /// <summary>A page of the caller's groups, oldest first (DEFAULT_GROUP leads). With <paramref name="fuzzy"/> the name
    /// contains <paramref name="name"/> (ignoring case); without it, a name given must match exactly.</summary>
    public async Task<Page<ConsumerGroup>> ListAsync(Caller caller, string? name, bool fuzzy, Paging paging, CancellationToken ct = default)
    {
        if (fuzzy && string.IsNullOrEmpty(name)) throw IotException.Invalid("GroupName is required when Fuzzy is true.");
        await DefaultAsync(caller.AccountId, ct);
        var query = db.ConsumerGroups.VisibleTo(caller);
        if (!string.IsNullOrEmpty(name))
        {
            if (fuzzy)
            {
                var part = name.ToLowerInvariant();
                query = query.Where(g => g.Name.ToLower().Contains(part));
            }
            else query = query.Where(g => g.Name == name);
        }
        var total = await query.CountAsync(ct);
        var rows = await query.OrderBy(g => g.Id).Skip(paging.Skip).Take(paging.PageSize).ToListAsync(ct);
        return new Page<ConsumerGroup>(rows, total, paging);
    }

    /// <summary>The account's DEFAULT_GROUP, created on first need (also for accounts older than subscriptions).</summary>
    public async Task<ConsumerGroup> DefaultAsync(long accountId, CancellationToken ct = default)
    {
        var existing = await db.ConsumerGroups.OwnedBy(accountId).FirstOrDefaultAsync(g => g.GroupId == ConsumerGroup.DefaultGroupId, ct);
        if (existing is not null) return existing;
        var group = new ConsumerGroup
        {
            AccountId = accountId, GroupId = ConsumerGroup.DefaultGroupId, Name = ConsumerGroup.DefaultGroupId,
            CreatedAtMs = time.GetUtcNow().ToUnixTimeMilliseconds(),
        };
        db.ConsumerGroups.Add(group);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException) // another request created it first (the id is unique per account)
        {
            db.Entry(group).State = EntityState.Detached;
            return await db.ConsumerGroups.OwnedBy(accountId).FirstAsync(g => g.GroupId == ConsumerGroup.DefaultGroupId, ct);
        }
        return group;
    }

    public static IotException NotFound(string groupId) =>
        new(IotErrors.ConsumerGroupNotFound, $"The consumer group '{groupId}' does not exist.");

    static void RefuseDefault(ConsumerGroup group, string what)
    {
        if (group.GroupId == ConsumerGroup.DefaultGroupId)
            throw new IotException(IotErrors.DefaultConsumerGroup, $"DEFAULT_GROUP is the account's default consumer group and cannot be {what}.");
    }

    async Task EnsureNameFreeAsync(long accountId, string name, CancellationToken ct)
    {
        if (await db.ConsumerGroups.OwnedBy(accountId).AnyAsync(g => g.Name == name, ct))
            throw new IotException(IotErrors.ConsumerGroupNameExists, $"A consumer group named '{name}' already exists.");
    }
}
