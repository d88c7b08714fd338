// Consumer groups through the OpenAPI, in the platform's shapes: create, list (exact and fuzzy, paged), get, rename,
// delete and reset (the backlog emptied); every account has DEFAULT_GROUP, also one that never had a group row, and it
// cannot be renamed or deleted; bad and duplicate names, unknown groups and another account's groups are refused.
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Thingyard.Subscriptions;
using Thingyard.Tests.Devices;
using Thingyard.Tests.Infrastructure;
using Thingyard.Tests.Registry;
using static Thingyard.Tests.Registry.RegistryCalls;

namespace Thingyard.Tests.Subscriptions;

public sealed class ConsumerGroupTests(ThingyardServer server) : IClassFixture<ThingyardServer>
{
    [Fact]
    public async Task A_group_is_created_read_listed_and_renamed_in_the_platforms_shapes()
    {
        var account = await server.NewAccountAsync(Unique("cg"));
        var name = Unique("orders");
        var created = await server.CallAs(account, "CreateConsumerGroup", ("GroupName", name));
        var groupId = created.Str("GroupId");
        Assert.Matches("^[A-Za-z0-9]{26}$", groupId);
        Assert.True(created.GetProperty("Success").GetBoolean());

        var data = (await server.CallAs(account, "QueryConsumerGroupByGroupId", ("GroupId", groupId))).At("Data");
        Assert.Equal(groupId, data.Str("GroupId"));
        Assert.Equal(name, data.Str("GroupName"));
        Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$", data.Str("CreateTime"));

        var list = await server.CallAs(account, "QueryConsumerGroupList", ("CurrentPage", "1"), ("PageSize", "10"));
        Assert.Equal(2, list.At("Total").GetInt32());
        Assert.Equal(1, list.At("CurrentPage").GetInt32());
        Assert.Equal(10, list.At("PageSize").GetInt32());
        Assert.Equal(1, list.At("PageCount").GetInt32());
        var groups = list.At("Data.ConsumerGroupDTO");
        Assert.Equal(new[] { "DEFAULT_GROUP", groupId }, groups.Pluck("GroupId"));
        Assert.Equal(new[] { "DEFAULT_GROUP", name }, groups.Pluck("GroupName"));
        Assert.All(groups.EnumerateArray(), g => Assert.EndsWith("Z", g.Str("CreateTime")));

        await server.CallAs(account, "UpdateConsumerGroup", ("GroupId", groupId), ("NewGroupName", name + "_v2"));
        Assert.Equal(name + "_v2", (await server.CallAs(account, "QueryConsumerGroupByGroupId", ("GroupId", groupId))).Str("Data.GroupName"));
    }

    [Fact]
    public async Task The_list_filters_by_exact_or_fuzzy_name_and_pages()
    {
        var account = await server.NewAccountAsync(Unique("cg"));
        var stem = Unique("Fleet");
        foreach (var suffix in new[] { "_a", "_b", "_c" }) await server.CallAs(account, "CreateConsumerGroup", ("GroupName", stem + suffix));
        await server.CallAs(account, "CreateConsumerGroup", ("GroupName", Unique("other")));

        var fuzzy = await server.CallAs(account, "QueryConsumerGroupList", ("Fuzzy", "true"), ("GroupName", stem.ToLowerInvariant()), ("PageSize", "2"));
        Assert.Equal(3, fuzzy.At("Total").GetInt32());
        Assert.Equal(2, fuzzy.At("PageCount").GetInt32());
        Assert.Equal(new[] { stem + "_a", stem + "_b" }, fuzzy.At("Data.ConsumerGroupDTO").Pluck("GroupName"));
        var second = await server.CallAs(account, "QueryConsumerGroupList", ("Fuzzy", "true"), ("GroupName", stem), ("PageSize", "2"), ("CurrentPage", "2"));
        Assert.Equal(new[] { stem + "_c" }, second.At("Data.ConsumerGroupDTO").Pluck("GroupName"));

        var exact = await server.CallAs(account, "QueryConsumerGroupList", ("GroupName", stem + "_b"));
        Assert.Equal(new[] { stem + "_b" }, exact.At("Data.ConsumerGroupDTO").Pluck("GroupName"));
        Assert.Equal(0, (await server.CallAs(account, "QueryConsumerGroupList", ("GroupName", stem))).At("Total").GetInt32());

        Assert.Equal("iot.common.InvalidFormattedParameter", (await server.FailsAs(account, "QueryConsumerGroupList", ("Fuzzy", "true"))).Code);
        Assert.Equal("iot.common.InvalidPageParams", (await server.FailsAs(account, "QueryConsumerGroupList", ("PageSize", "1001"))).Code);
        Assert.Equal(1000, (await server.CallAs(account, "QueryConsumerGroupList", ("PageSize", "1000"))).At("PageSize").GetInt32());
    }

    [Fact]
    public async Task Bad_and_duplicate_names_are_refused_and_change_nothing()
    {
        var account = await server.NewAccountAsync(Unique("cg"));
        var name = Unique("dup");
        var groupId = (await server.CallAs(account, "CreateConsumerGroup", ("GroupName", name))).Str("GroupId");
        Assert.Equal("iot.consumergroup.AlreadyExistedGroupName", (await server.FailsAs(account, "CreateConsumerGroup", ("GroupName", name))).Code);
        Assert.Equal("iot.consumergroup.AlreadyExistedGroupName", (await server.FailsAs(account, "CreateConsumerGroup", ("GroupName", "DEFAULT_GROUP"))).Code);
        foreach (var bad in new[] { "abc", new string('x', 31), "has space", "dash-name", "消费组一个名字太长了消费组一个名字太长了消费组一个" })
            Assert.Equal("iot.consumergroup.InvalidFormattedGroupName", (await server.FailsAs(account, "CreateConsumerGroup", ("GroupName", bad))).Code);
        Assert.Equal(400, (await server.FailsAs(account, "CreateConsumerGroup")).Status);
        await server.CallAs(account, "CreateConsumerGroup", ("GroupName", "消费组一")); // 4 Chinese characters count as 8

        var other = await server.CallAs(account, "CreateConsumerGroup", ("GroupName", Unique("two")));
        Assert.Equal("iot.consumergroup.AlreadyExistedGroupName",
            (await server.FailsAs(account, "UpdateConsumerGroup", ("GroupId", other.Str("GroupId")), ("NewGroupName", name))).Code);
        Assert.Equal("iot.consumergroup.InvalidFormattedGroupName",
            (await server.FailsAs(account, "UpdateConsumerGroup", ("GroupId", groupId), ("NewGroupName", "no"))).Code);
        Assert.Equal(name, (await server.CallAs(account, "QueryConsumerGroupByGroupId", ("GroupId", groupId))).Str("Data.GroupName"));
        Assert.Equal(4, (await server.CallAs(account, "QueryConsumerGroupList")).At("Total").GetInt32());
    }

    [Fact]
    public async Task DEFAULT_GROUP_exists_for_every_account_and_cannot_be_renamed_or_deleted()
    {
        var account = await server.NewAccountAsync(Unique("cg"));
        // An account from before subscriptions: no group rows at all.
        await using (var db = await server.DbAsync())
        {
            var id = await db.Accounts.Where(a => a.Uid == account.AccountUid).Select(a => a.Id).SingleAsync();
            Assert.Equal(0, await db.ConsumerGroups.CountAsync(g => g.AccountId == id));
        }
        var data = (await server.CallAs(account, "QueryConsumerGroupByGroupId", ("GroupId", "DEFAULT_GROUP"))).At("Data");
        Assert.Equal("DEFAULT_GROUP", data.Str("GroupId"));
        Assert.Equal("DEFAULT_GROUP", data.Str("GroupName"));
        Assert.Equal(new[] { "DEFAULT_GROUP" }, (await server.CallAs(account, "QueryConsumerGroupList")).At("Data.ConsumerGroupDTO").Pluck("GroupId"));

        var renamed = await server.FailsAs(account, "UpdateConsumerGroup", ("GroupId", "DEFAULT_GROUP"), ("NewGroupName", "MY_DEFAULT"));
        Assert.Equal("iot.consumergroup.DefaultGroupUnchangeable", renamed.Code);
        Assert.Contains("cannot be renamed", renamed.Message);
        var deleted = await server.FailsAs(account, "DeleteConsumerGroup", ("GroupId", "DEFAULT_GROUP"));
        Assert.Equal("iot.consumergroup.DefaultGroupUnchangeable", deleted.Code);
        Assert.Contains("cannot be deleted", deleted.Message);
        Assert.Equal("DEFAULT_GROUP", (await server.CallAs(account, "QueryConsumerGroupByGroupId", ("GroupId", "DEFAULT_GROUP"))).Str("Data.GroupName"));
        // Each account has its own, under the same id.
        Assert.Equal("DEFAULT_GROUP", (await server.Call("QueryConsumerGroupByGroupId", ("GroupId", "DEFAULT_GROUP"))).Str("Data.GroupId"));
        await using (var db = await server.DbAsync())
            Assert.True(await db.ConsumerGroups.CountAsync(g => g.GroupId == "DEFAULT_GROUP") >= 2);
    }

    [Fact]
    public async Task A_group_is_deleted_with_its_backlog_and_reset_empties_only_its_backlog()
    {
        var account = await server.NewAccountAsync(Unique("cg"));
        var kept = (await server.CallAs(account, "CreateConsumerGroup", ("GroupName", Unique("kept")))).Str("GroupId");
        var reset = (await server.CallAs(account, "CreateConsumerGroup", ("GroupName", Unique("reset")))).Str("GroupId");
        var gone = (await server.CallAs(account, "CreateConsumerGroup", ("GroupName", Unique("gone")))).Str("GroupId");
        var rows = await RowIdsAsync(kept, reset, gone);
        await AddBacklogAsync(rows[kept], 2);
        await AddBacklogAsync(rows[reset], 3);
        await AddBacklogAsync(rows[gone], 1);

        await server.CallAs(account, "ResetConsumerGroupPosition", ("GroupId", reset));
        await server.CallAs(account, "ResetConsumerGroupPosition", ("GroupId", "DEFAULT_GROUP"));
        await server.CallAs(account, "DeleteConsumerGroup", ("GroupId", gone));

        await using var db = await server.DbAsync();
        Assert.Equal(2, await db.BacklogSegments.Where(m => m.ConsumerGroupId == rows[kept]).SumAsync(m => m.Count));
        Assert.Equal(0, await db.BacklogSegments.Where(m => m.ConsumerGroupId == rows[reset]).SumAsync(m => m.Count));
        Assert.Equal(0, await db.BacklogSegments.Where(m => m.ConsumerGroupId == rows[gone]).SumAsync(m => m.Count));
        Assert.False(await db.ConsumerGroups.AnyAsync(g => g.GroupId == gone));
        Assert.Equal("iot.consumergroup.NotExistedConsumerGroup", (await server.FailsAs(account, "QueryConsumerGroupByGroupId", ("GroupId", gone))).Code);
    }

    [Fact]
    public async Task Unknown_groups_and_another_accounts_groups_are_not_found_alike()
    {
        var owner = await server.NewAccountAsync(Unique("cg"));
        var intruder = await server.NewAccountAsync(Unique("cg"));
        var name = Unique("mine");
        var groupId = (await server.CallAs(owner, "CreateConsumerGroup", ("GroupName", name))).Str("GroupId");

        foreach (var (action, extra) in new (string, (string, string)[])[]
                 {
                     ("QueryConsumerGroupByGroupId", []), ("UpdateConsumerGroup", [("NewGroupName", Unique("taken"))]),
                     ("DeleteConsumerGroup", []), ("ResetConsumerGroupPosition", []),
                 })
        {
            var theirs = await server.FailsAs(intruder, action, [("GroupId", groupId), .. extra]);
            var missing = await server.FailsAs(intruder, action, [("GroupId", "NoSuchGroup0000000000000000"), .. extra]);
            Assert.Equal("iot.consumergroup.NotExistedConsumerGroup", theirs.Code);
            Assert.Equal(missing.Code, theirs.Code);
            Assert.Equal(missing.Message.Replace("NoSuchGroup0000000000000000", groupId), theirs.Message);
        }
        var listed = await server.CallAs(intruder, "QueryConsumerGroupList", ("GroupName", name));
        Assert.Equal(0, listed.At("Total").GetInt32());
        // The intruder's own group of the same name is its own business.
        await server.CallAs(intruder, "CreateConsumerGroup", ("GroupName", name));
        Assert.Equal(name, (await server.CallAs(owner, "QueryConsumerGroupByGroupId", ("GroupId", groupId))).Str("Data.GroupName"));
    }

    [Fact]
    public async Task An_account_has_at_most_1000_groups()
    {
        var account = await server.NewAccountAsync(Unique("cg"));
        await server.CallAs(account, "QueryConsumerGroupList"); // DEFAULT_GROUP
        await using (var db = await server.DbAsync())
        {
            var id = await db.Accounts.Where(a => a.Uid == account.AccountUid).Select(a => a.Id).SingleAsync();
            db.ConsumerGroups.AddRange(Enumerable.Range(0, 998).Select(i => new ConsumerGroup
            {
                AccountId = id, GroupId = $"bulk{i:D22}", Name = $"bulk_{i}", CreatedAtMs = 1,
            }));
            await db.SaveChangesAsync();
        }
        await server.CallAs(account, "CreateConsumerGroup", ("GroupName", Unique("last"))); // the 1000th
        var refused = await server.FailsAs(account, "CreateConsumerGroup", ("GroupName", Unique("over")));
        Assert.Equal("iot.consumergroup.TooManyConsumerGroups", refused.Code);
        Assert.Equal(1000, (await server.CallAs(account, "QueryConsumerGroupList")).At("Total").GetInt32());
    }

    [Fact]
    public async Task Every_change_is_published_for_the_account()
    {
        var account = await server.NewAccountAsync(Unique("cg"));
        long accountId;
        await using (var db = await server.DbAsync())
            accountId = await db.Accounts.Where(a => a.Uid == account.AccountUid).Select(a => a.Id).SingleAsync();
        var published = new List<long>();
        var changes = server.Services.GetRequiredService<SubscriptionChanges>();
        void Record(long id) { lock (published) published.Add(id); }
        int Count() { lock (published) return published.Count(id => id == accountId); }
        changes.Changed += Record;
        try
        {
            var groupId = (await server.CallAs(account, "CreateConsumerGroup", ("GroupName", Unique("pub")))).Str("GroupId");
            Assert.Equal(1, Count());
            await server.CallAs(account, "UpdateConsumerGroup", ("GroupId", groupId), ("NewGroupName", Unique("pub2")));
            Assert.Equal(2, Count());
            await server.CallAs(account, "ResetConsumerGroupPosition", ("GroupId", groupId));
            Assert.Equal(3, Count());
            await server.CallAs(account, "DeleteConsumerGroup", ("GroupId", groupId));
            Assert.Equal(4, Count());
            await server.CallAs(account, "QueryConsumerGroupList");
            Assert.Equal(4, Count()); // reads publish nothing
        }
        finally
        {
            changes.Changed -= Record;
        }
    }

    async Task<Dictionary<string, long>> RowIdsAsync(params string[] groupIds)
    {
        await using var db = await server.DbAsync();
        return await db.ConsumerGroups.Where(g => groupIds.Contains(g.GroupId)).ToDictionaryAsync(g => g.GroupId, g => g.Id);
    }

    async Task AddBacklogAsync(long consumerGroupId, int count)
    {
        // As the Forwarder writes them: the server's message ids, made now (older rows would be dropped by the retention sweep).
        var ids = server.Services.GetRequiredService<MessageIds>();
        await using var db = await server.DbAsync();
        db.BacklogSegments.Add(BacklogSegment.Of([.. Enumerable.Range(0, count).Select(_ => new BacklogMessage
        {
            Id = ids.Next(), ConsumerGroupId = consumerGroupId, Topic = "/pk/dn/thing/event/property/post",
            Payload = [1, 2, 3], GenerateTimeMs = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(),
        })]));
        await db.SaveChangesAsync();
    }
}
