// A product's server-side subscription through the OpenAPI: created, read in QuerySubscribeRelation's exact shape,
// changed, given and relieved of consumer groups, deleted; refused for MNS, bad flags, no kind, too many groups, the last
// group, unknown groups and another account's groups or product (not found, like a missing one).
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Thingyard.Subscriptions;
using Thingyard.Tests.Devices;
using Thingyard.Tests.Infrastructure;
using Thingyard.Tests.Registry;
using static Thingyard.Tests.Registry.RegistryCalls;

namespace Thingyard.Tests.Subscriptions;

public sealed class SubscribeRelationTests(ThingyardServer server) : IClassFixture<ThingyardServer>
{
    static readonly string[] FlagNames =
    [
        "DeviceDataFlag", "DeviceStatusChangeFlag", "DeviceLifeCycleFlag", "DeviceTopoLifeCycleFlag", "FoundDeviceListFlag",
        "OtaEventFlag", "ThingHistoryFlag", "DeviceTagFlag", "OtaVersionFlag", "OtaJobFlag",
    ];

    static (string, string)[] Amqp(string pk, params (string, string)[] more) => [("ProductKey", pk), ("Type", "AMQP"), .. more];

    async Task<string> NewGroupAsync(TestAccount? account = null)
    {
        var p = ("GroupName", Unique("cg"));
        var created = account is null ? await server.Call("CreateConsumerGroup", p) : await server.CallAs(account, "CreateConsumerGroup", p);
        return created.Str("GroupId");
    }

    static Dictionary<string, bool> FlagsOf(JsonElement r) => FlagNames.ToDictionary(f => f, f => r.At(f).GetBoolean());

    [Fact]
    public async Task A_subscription_is_created_and_read_back_in_the_platforms_shape()
    {
        var pk = await server.NewProductAsync("Sub", nodeType: 1);
        var a = await NewGroupAsync();
        var b = await NewGroupAsync();
        var created = await server.Call("CreateSubscribeRelation", Amqp(pk, ("DeviceDataFlag", "true"), ("DeviceStatusChangeFlag", "true"),
            ("FoundDeviceListFlag", "true"), ("OtaJobFlag", "True"), ("DeviceLifeCycleFlag", "false"), ("ConsumerGroupIds.1", a), ("ConsumerGroupIds.2", b)));
        Assert.True(created.GetProperty("Success").GetBoolean());

        var r = await server.Call("QuerySubscribeRelation", Amqp(pk));
        Assert.Equal(pk, r.Str("ProductKey"));
        Assert.Equal("AMQP", r.Str("Type"));
        var expected = FlagNames.ToDictionary(f => f, f => f is "DeviceDataFlag" or "DeviceStatusChangeFlag" or "FoundDeviceListFlag" or "OtaJobFlag");
        Assert.Equal(expected, FlagsOf(r));
        Assert.Equal(new[] { a, b }, r.At("ConsumerGroupIds").EnumerateArray().Select(g => g.GetString()).ToArray());
        Assert.False(r.TryGetProperty("MnsConfiguration", out _));

        // The stored kinds are the flags' message kinds.
        await using var db = await server.DbAsync();
        var productId = await db.Products.Where(p => p.ProductKey == pk).Select(p => p.Id).SingleAsync();
        var relation = await db.SubscribeRelations.SingleAsync(x => x.ProductId == productId);
        Assert.Equal(MessageKinds.DeviceData | MessageKinds.DeviceStatusChange | MessageKinds.FoundDeviceList | MessageKinds.OtaJob, relation.Kinds);
    }

    [Fact]
    public async Task Without_groups_a_subscription_delivers_to_DEFAULT_GROUP_and_gateway_kinds_count_only_for_gateways()
    {
        var account = await server.NewAccountAsync(Unique("sub"));
        var pk = (await server.CallAs(account, "CreateProduct", ("ProductName", Unique("Plain")), ("NodeType", "0"))).Str("ProductKey");
        await server.CallAs(account, "CreateSubscribeRelation", Amqp(pk, ("ThingHistoryFlag", "true"), ("DeviceTopoLifeCycleFlag", "true")));
        var r = await server.CallAs(account, "QuerySubscribeRelation", Amqp(pk));
        Assert.Equal(new[] { "DEFAULT_GROUP" }, r.At("ConsumerGroupIds").EnumerateArray().Select(g => g.GetString()).ToArray());
        Assert.True(r.At("ThingHistoryFlag").GetBoolean());
        Assert.False(r.At("DeviceTopoLifeCycleFlag").GetBoolean());
        Assert.Equal(new[] { "DEFAULT_GROUP" }, (await server.CallAs(account, "QueryConsumerGroupList")).At("Data.ConsumerGroupDTO").Pluck("GroupId"));

        // Only gateway kinds on a plain product is no kind at all.
        var other = (await server.CallAs(account, "CreateProduct", ("ProductName", Unique("Plain")), ("NodeType", "0"))).Str("ProductKey");
        Assert.Equal("iot.subscribe.InvalidSubscribeRelation",
            (await server.FailsAs(account, "CreateSubscribeRelation", Amqp(other, ("FoundDeviceListFlag", "true")))).Code);
    }

    [Fact]
    public async Task Update_replaces_the_kinds_and_the_groups_given_and_delete_removes_the_subscription()
    {
        var pk = await server.NewProductAsync("Sub");
        var a = await NewGroupAsync();
        var b = await NewGroupAsync();
        await server.Call("CreateSubscribeRelation", Amqp(pk, ("DeviceDataFlag", "true"), ("DeviceTagFlag", "true"), ("ConsumerGroupIds.1", a)));

        await server.Call("UpdateSubscribeRelation", Amqp(pk, ("DeviceStatusChangeFlag", "true")));
        var r = await server.Call("QuerySubscribeRelation", Amqp(pk));
        Assert.Equal(FlagNames.ToDictionary(f => f, f => f == "DeviceStatusChangeFlag"), FlagsOf(r));
        Assert.Equal(new[] { a }, r.At("ConsumerGroupIds").EnumerateArray().Select(g => g.GetString()).ToArray());

        await server.Call("UpdateSubscribeRelation", Amqp(pk, ("OtaEventFlag", "true"), ("ConsumerGroupIds.1", b), ("ConsumerGroupIds.2", "DEFAULT_GROUP")));
        r = await server.Call("QuerySubscribeRelation", Amqp(pk));
        Assert.True(r.At("OtaEventFlag").GetBoolean());
        Assert.False(r.At("DeviceStatusChangeFlag").GetBoolean());
        Assert.Equal(new[] { "DEFAULT_GROUP", b }.Order().ToArray(), r.At("ConsumerGroupIds").EnumerateArray().Select(g => g.GetString()!).Order().ToArray());

        // The groups are free again once no subscription names them.
        Assert.Equal("iot.consumergroup.ConsumerGroupInUse", (await server.Fails("DeleteConsumerGroup", ("GroupId", b))).Code);
        await server.Call("DeleteConsumerGroup", ("GroupId", a));
        await server.Call("DeleteSubscribeRelation", Amqp(pk));
        Assert.Equal("iot.subscribe.NotExistedSubscribeRelation", (await server.Fails("QuerySubscribeRelation", Amqp(pk))).Code);
        Assert.Equal("iot.subscribe.NotExistedSubscribeRelation", (await server.Fails("DeleteSubscribeRelation", Amqp(pk))).Code);
        Assert.Equal("iot.subscribe.NotExistedSubscribeRelation", (await server.Fails("UpdateSubscribeRelation", Amqp(pk, ("DeviceDataFlag", "true")))).Code);
        await server.Call("DeleteConsumerGroup", ("GroupId", b));
    }

    [Fact]
    public async Task Groups_are_added_to_and_removed_from_a_subscription_but_not_the_last_one()
    {
        var pk = await server.NewProductAsync("Sub");
        var a = await NewGroupAsync();
        var b = await NewGroupAsync();
        await server.Call("CreateSubscribeRelation", Amqp(pk, ("DeviceDataFlag", "true"), ("ConsumerGroupIds.1", a)));

        await server.Call("CreateConsumerGroupSubscribeRelation", ("ProductKey", pk), ("ConsumerGroupId", b));
        await server.Call("CreateConsumerGroupSubscribeRelation", ("ProductKey", pk), ("ConsumerGroupId", b)); // already there: no change
        Assert.Equal(new[] { a, b }, (await server.Call("QuerySubscribeRelation", Amqp(pk))).At("ConsumerGroupIds").EnumerateArray().Select(g => g.GetString()).ToArray());

        await server.Call("DeleteConsumerGroupSubscribeRelation", ("ProductKey", pk), ("ConsumerGroupId", a));
        Assert.Equal(new[] { b }, (await server.Call("QuerySubscribeRelation", Amqp(pk))).At("ConsumerGroupIds").EnumerateArray().Select(g => g.GetString()).ToArray());
        var last = await server.Fails("DeleteConsumerGroupSubscribeRelation", ("ProductKey", pk), ("ConsumerGroupId", b));
        Assert.Equal("iot.subscribe.LastConsumerGroup", last.Code);
        Assert.Equal("iot.consumergroup.NotExistedConsumerGroup",
            (await server.Fails("DeleteConsumerGroupSubscribeRelation", ("ProductKey", pk), ("ConsumerGroupId", a))).Code);

        var bare = await server.NewProductAsync("Sub");
        Assert.Equal("iot.subscribe.NotExistedSubscribeRelation",
            (await server.Fails("CreateConsumerGroupSubscribeRelation", ("ProductKey", bare), ("ConsumerGroupId", a))).Code);
    }

    [Fact]
    public async Task A_subscription_takes_at_most_ten_groups()
    {
        var pk = await server.NewProductAsync("Sub");
        var groups = new List<string>();
        for (var i = 0; i < 11; i++) groups.Add(await NewGroupAsync());

        var refused = await server.Fails("CreateSubscribeRelation", Amqp(pk, [("DeviceDataFlag", "true"), .. List("ConsumerGroupIds", [.. groups])]));
        Assert.Equal("iot.subscribe.TooManyConsumerGroups", refused.Code);
        Assert.Equal("iot.subscribe.NotExistedSubscribeRelation", (await server.Fails("QuerySubscribeRelation", Amqp(pk))).Code);

        await server.Call("CreateSubscribeRelation", Amqp(pk, [("DeviceDataFlag", "true"), .. List("ConsumerGroupIds", [.. groups.Take(10)])]));
        Assert.Equal("iot.subscribe.TooManyConsumerGroups",
            (await server.Fails("CreateConsumerGroupSubscribeRelation", ("ProductKey", pk), ("ConsumerGroupId", groups[10]))).Code);
        Assert.Equal("iot.subscribe.TooManyConsumerGroups",
            (await server.Fails("UpdateSubscribeRelation", Amqp(pk, [("DeviceDataFlag", "true"), .. List("ConsumerGroupIds", [.. groups])]))).Code);
        Assert.Equal(10, (await server.Call("QuerySubscribeRelation", Amqp(pk))).At("ConsumerGroupIds").GetArrayLength());
    }

    [Fact]
    public async Task MNS_bad_flags_no_kind_and_a_second_subscription_are_refused()
    {
        var pk = await server.NewProductAsync("Sub");
        var mns = await server.Fails("CreateSubscribeRelation", ("ProductKey", pk), ("Type", "MNS"), ("DeviceDataFlag", "true"),
            ("MnsConfiguration", """{"queueName":"q","regionName":"cn-shanghai"}"""));
        Assert.Equal("iot.subscribe.UnsupportedSubscribeType", mns.Code);
        Assert.Contains("MNS is not supported", mns.Message);
        Assert.Equal("iot.subscribe.UnsupportedSubscribeType", (await server.Fails("UpdateSubscribeRelation", ("ProductKey", pk), ("Type", "MNS"))).Code);
        Assert.Equal("iot.subscribe.UnsupportedSubscribeType", (await server.Fails("QuerySubscribeRelation", ("ProductKey", pk), ("Type", "KAFKA"))).Code);
        Assert.Equal(400, (await server.Fails("CreateSubscribeRelation", ("ProductKey", pk), ("DeviceDataFlag", "true"))).Status); // no Type

        var bad = await server.Fails("CreateSubscribeRelation", Amqp(pk, ("DeviceDataFlag", "yes")));
        Assert.Equal(400, bad.Status);
        Assert.Equal("InvalidParameter", bad.Code);
        Assert.Contains("DeviceDataFlag", bad.Message);
        Assert.Equal("iot.subscribe.InvalidSubscribeRelation", (await server.Fails("CreateSubscribeRelation", Amqp(pk))).Code);
        Assert.Equal("iot.subscribe.NotExistedSubscribeRelation", (await server.Fails("QuerySubscribeRelation", Amqp(pk))).Code);

        await server.Call("CreateSubscribeRelation", Amqp(pk, ("DeviceDataFlag", "true")));
        Assert.Equal("iot.subscribe.AlreadyExistedSubscribeRelation",
            (await server.Fails("CreateSubscribeRelation", Amqp(pk, ("DeviceStatusChangeFlag", "true")))).Code);
        Assert.Equal("iot.subscribe.InvalidSubscribeRelation", (await server.Fails("UpdateSubscribeRelation", Amqp(pk))).Code);
        Assert.True((await server.Call("QuerySubscribeRelation", Amqp(pk))).At("DeviceDataFlag").GetBoolean());
    }

    [Fact]
    public async Task Unknown_groups_and_another_accounts_groups_or_products_are_not_found()
    {
        var owner = await server.NewAccountAsync(Unique("sub"));
        var intruder = await server.NewAccountAsync(Unique("sub"));
        var ownerPk = (await server.CallAs(owner, "CreateProduct", ("ProductName", Unique("Mine")), ("NodeType", "0"))).Str("ProductKey");
        var ownerGroup = await NewGroupAsync(owner);
        await server.CallAs(owner, "CreateSubscribeRelation", Amqp(ownerPk, ("DeviceDataFlag", "true"), ("ConsumerGroupIds.1", ownerGroup)));
        var intruderPk = (await server.CallAs(intruder, "CreateProduct", ("ProductName", Unique("Theirs")), ("NodeType", "0"))).Str("ProductKey");

        // Another account's group named in the intruder's own subscription: not found, like a missing one.
        var theirs = await server.FailsAs(intruder, "CreateSubscribeRelation", Amqp(intruderPk, ("DeviceDataFlag", "true"), ("ConsumerGroupIds.1", ownerGroup)));
        var missing = await server.FailsAs(intruder, "CreateSubscribeRelation", Amqp(intruderPk, ("DeviceDataFlag", "true"), ("ConsumerGroupIds.1", "NoSuchGroup0000000000000000")));
        Assert.Equal("iot.consumergroup.NotExistedConsumerGroup", theirs.Code);
        Assert.Equal(missing.Code, theirs.Code);
        Assert.Equal("iot.subscribe.NotExistedSubscribeRelation", (await server.FailsAs(intruder, "QuerySubscribeRelation", Amqp(intruderPk))).Code);
        await server.CallAs(intruder, "CreateSubscribeRelation", Amqp(intruderPk, ("DeviceDataFlag", "true")));
        Assert.Equal("iot.consumergroup.NotExistedConsumerGroup",
            (await server.FailsAs(intruder, "CreateConsumerGroupSubscribeRelation", ("ProductKey", intruderPk), ("ConsumerGroupId", ownerGroup))).Code);

        // The owner's product, whatever the intruder asks of it.
        foreach (var (action, p) in new (string, (string, string)[])[]
                 {
                     ("QuerySubscribeRelation", Amqp(ownerPk)), ("DeleteSubscribeRelation", Amqp(ownerPk)),
                     ("UpdateSubscribeRelation", Amqp(ownerPk, ("DeviceDataFlag", "true"))),
                     ("CreateSubscribeRelation", Amqp(ownerPk, ("DeviceDataFlag", "true"))),
                     ("CreateConsumerGroupSubscribeRelation", [("ProductKey", ownerPk), ("ConsumerGroupId", "DEFAULT_GROUP")]),
                     ("DeleteConsumerGroupSubscribeRelation", [("ProductKey", ownerPk), ("ConsumerGroupId", ownerGroup)]),
                 })
            Assert.Equal("iot.prod.NotExistedProduct", (await server.FailsAs(intruder, action, p)).Code);

        var kept = await server.CallAs(owner, "QuerySubscribeRelation", Amqp(ownerPk));
        Assert.Equal(new[] { ownerGroup }, kept.At("ConsumerGroupIds").EnumerateArray().Select(g => g.GetString()).ToArray());
    }

    [Fact]
    public async Task A_grantee_cannot_point_a_granted_product_at_its_own_groups()
    {
        var owner = await server.NewAccountAsync(Unique("sub"));
        var partner = await server.NewAccountAsync(Unique("sub"));
        var projectId = (await server.CallAs(owner, "CreateProject", ("ProjectName", Unique("Shared")))).Str("Data.ProjectId");
        var pk = (await server.CallAs(owner, "CreateProduct", ("ProductName", Unique("Shared")), ("NodeType", "0"), ("ProjectId", projectId))).Str("ProductKey");
        await server.CallAs(owner, "AuthorizeProject", ("ProjectId", projectId), ("AccountUid", partner.AccountUid), ("Role", "developer"));
        var partnerGroup = await NewGroupAsync(partner);

        var refused = await server.FailsAs(partner, "CreateSubscribeRelation", Amqp(pk, ("DeviceDataFlag", "true"), ("ConsumerGroupIds.1", partnerGroup)));
        Assert.Equal("iot.subscribe.InvalidSubscribeRelation", refused.Code);
        Assert.Contains("another account", refused.Message);
        Assert.Equal("iot.subscribe.NotExistedSubscribeRelation", (await server.FailsAs(owner, "QuerySubscribeRelation", Amqp(pk))).Code);
    }

    [Fact]
    public async Task Every_change_is_published_and_a_deleted_product_takes_its_subscription_along()
    {
        var account = await server.NewAccountAsync(Unique("sub"));
        long accountId;
        await using (var db = await server.DbAsync())
            accountId = await db.Accounts.Where(a => a.Uid == account.AccountUid).Select(a => a.Id).SingleAsync();
        var pk = (await server.CallAs(account, "CreateProduct", ("ProductName", Unique("Pub")), ("NodeType", "0"))).Str("ProductKey");
        var group = await NewGroupAsync(account);
        var published = 0;
        void Record(long id) { if (id == accountId) Interlocked.Increment(ref published); }
        var changes = server.Services.GetRequiredService<SubscriptionChanges>();
        changes.Changed += Record;
        try
        {
            await server.CallAs(account, "CreateSubscribeRelation", Amqp(pk, ("DeviceDataFlag", "true")));
            Assert.Equal(1, Volatile.Read(ref published));
            await server.CallAs(account, "CreateConsumerGroupSubscribeRelation", ("ProductKey", pk), ("ConsumerGroupId", group));
            Assert.Equal(2, Volatile.Read(ref published));
            await server.CallAs(account, "DeleteConsumerGroupSubscribeRelation", ("ProductKey", pk), ("ConsumerGroupId", "DEFAULT_GROUP"));
            Assert.Equal(3, Volatile.Read(ref published));
            await server.CallAs(account, "UpdateSubscribeRelation", Amqp(pk, ("DeviceStatusChangeFlag", "true")));
            Assert.Equal(4, Volatile.Read(ref published));
            await server.CallAs(account, "QuerySubscribeRelation", Amqp(pk));
            Assert.Equal(4, Volatile.Read(ref published)); // reads publish nothing
            await server.CallAs(account, "DeleteProduct", ("ProductKey", pk));
            Assert.Equal(5, Volatile.Read(ref published)); // the subscription went with the product
        }
        finally
        {
            changes.Changed -= Record;
        }

        await using (var db = await server.DbAsync())
        {
            Assert.False(await db.SubscribeRelations.AnyAsync(r => !db.Products.Any(p => p.Id == r.ProductId)));
            Assert.False(await db.SubscribeRelationGroups.AnyAsync(m => !db.SubscribeRelations.Any(r => r.Id == m.RelationId)));
        }
        await server.CallAs(account, "DeleteConsumerGroup", ("GroupId", group)); // no subscription names it any more
    }
}
