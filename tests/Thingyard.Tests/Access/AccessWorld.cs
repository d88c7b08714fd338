// The data for the access isolation tests: account A (the admin) owns one of everything account-owned (products,
// devices, a gateway with a sub-device, tags, a group, a batch, thing models, telemetry, a shadow, a configuration
// file, a distribution job with what it distributed, a notification); account B owns nothing and asks for all of it.
using System.Net;
using System.Net.Http.Json;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Thingyard.Distribution;
using Thingyard.Server.Distribution;
using Thingyard.Tests.Connectivity;
using Thingyard.Tests.Devices;
using Thingyard.Tests.Id2;
using Thingyard.Tests.Infrastructure;
using Thingyard.Tests.Lifecycle;
using Thingyard.Tests.Messaging;
using Thingyard.Tests.Registry;
using static Thingyard.Tests.Infrastructure.Json;
using static Thingyard.Tests.Registry.RegistryCalls;

namespace Thingyard.Tests.Access;

public sealed class AccessWorld : IAsyncLifetime
{
    /// <summary>An instance no one runs: the target of A's (recorded) distribution job.</summary>
    public const string Elsewhere = "iotx-elsewhere";

    public ThingyardServer Server { get; } = new();
    public TestAccount B { get; private set; } = null!;
    /// <summary>A third account, to which A authorized AuthorizedDeviceName (a device of ReleasedProductKey).</summary>
    public TestAccount C { get; private set; } = null!;
    public string AuthorizedDeviceName { get; private set; } = "";
    /// <summary>A's pending transfer of AuthorizedDeviceName to C.</summary>
    public string TransferId { get; private set; } = "";

    public string ProductKey { get; private set; } = "";
    /// <summary>The project of A's product (A's default project).</summary>
    public string ProjectId { get; private set; } = "";
    /// <summary>Connected once: posted properties and an event, was called, has a shadow, is a sub-device of Gateway.</summary>
    public TestDevice Device { get; private set; } = null!;
    /// <summary>Distributed to another instance (recorded in the database).</summary>
    public TestDevice Moved { get; private set; } = null!;
    public TestDevice Gateway { get; private set; } = null!;
    /// <summary>DeviceName of a virtual device of ProductKey (created, not running).</summary>
    public string VirtualName { get; private set; } = "";
    public string GroupId { get; private set; } = "";
    public string ApplyId { get; private set; } = "";
    public string JobId { get; private set; } = "";
    /// <summary>A's uid (the admin account, also the platform operator).</summary>
    public string AccountUid { get; private set; } = "";
    /// <summary>A released product of A's with one production batch (BatchId) of one device.</summary>
    public string ReleasedProductKey { get; private set; } = "";
    public string BatchId { get; private set; } = "";
    public string DeviceTagKey { get; private set; } = "";
    public string DeviceTagValue { get; private set; } = "";
    public string ProductTagKey { get; private set; } = "";
    public string ProductTagValue { get; private set; } = "";
    /// <summary>A's consumer group (in the AMQP subscription of ProductKey).</summary>
    public string ConsumerGroupId { get; private set; } = "";
    public string ConsumerGroupName { get; private set; } = "";
    /// <summary>A's rule on ProductKey (stopped) and its AMQP action.</summary>
    public string RuleId { get; private set; } = "";
    public string RuleName { get; private set; } = "";
    public string RuleActionId { get; private set; } = "";
    /// <summary>A's alarm rule on ProductKey (temperature &gt; 40) and the alarm Device's 104.7 fired (three digits
    /// before the point, so no ISO time's seconds can contain it by chance).</summary>
    public string AlarmRuleId { get; private set; } = "";
    public string AlarmRuleName { get; private set; } = "";
    public string AlarmId { get; private set; } = "";
    /// <summary>A dead letter of A's webhook outbox (its body is a secret).</summary>
    public string DeadLetterId { get; private set; } = "";
    /// <summary>A custom topic class of ProductKey (its TopicId, and a name and description only A knows).</summary>
    public string TopicClassId { get; private set; } = "";
    /// <summary>A's ID²-area product, a batch of two identities and one of them (verified once, so the log has a row).</summary>
    public string Id2ProductKey { get; private set; } = "";
    public string Id2BatchId { get; private set; } = "";
    public string Id2 { get; private set; } = "";
    /// <summary>A proprietary app of A's project.</summary>
    public string AppKey { get; private set; } = "";
    /// <summary>A's console user (the first start's owner).</summary>
    public long UserId { get; private set; }

    /// <summary>A's keys, names and ids. B names them in its calls, so a not-found message may echo them; a list never.</summary>
    public List<string> Identifiers { get; } = [];

    /// <summary>A's data, which no answer to B may carry.</summary>
    public List<string> Secrets { get; } = [];

    /// <summary>StartTime and EndTime around everything A's device reported.</summary>
    public (string, string)[] Window { get; } =
        [("StartTime", "0"), ("EndTime", DateTimeOffset.UtcNow.AddHours(1).ToUnixTimeMilliseconds().ToString())];

    public async Task InitializeAsync()
    {
        await Server.InitializeAsync();
        var s = Server;

        ProductKey = await s.NewModelledProductAsync();
        var product = (await s.Call("QueryProduct", ("ProductKey", ProductKey))).At("Data");
        ProjectId = product.Str("ProjectId");
        Secrets.Add((await s.Call("CreateAliGenieSkill", ("ProjectId", ProjectId), ("RedirectUri", "https://open.bot.tmall.com/oauth/callback")))
            .Str("Data.ClientSecret"));
        Device = await s.NewTestDeviceAsync(ProductKey);
        Moved = await s.NewTestDeviceAsync(ProductKey);
        Gateway = await s.NewTestDeviceAsync(await s.NewModelledProductAsync(nodeType: 1));
        VirtualName = (await s.Call("CreateVirtualDevice", ("ProductKey", ProductKey), ("IntervalSeconds", "3600"))).Str("Data.DeviceName");

        DeviceTagKey = Unique("dtag");
        DeviceTagValue = Unique("dval");
        await s.Call("SaveDeviceProp", Device.Args(("Props", $$"""{"{{DeviceTagKey}}":"{{DeviceTagValue}}"}""")));
        ProductTagKey = Unique("ptag");
        ProductTagValue = Unique("pval");
        await s.Call("CreateProductTags", ("ProductKey", ProductKey), ("ProductTag.1.TagKey", ProductTagKey), ("ProductTag.1.TagValue", ProductTagValue));

        var groupName = Unique("Grp");
        GroupId = (await s.Call("CreateDeviceGroup", ("GroupName", groupName))).Str("Data.GroupId");
        await s.Call("BatchAddDeviceGroupRelations", ("GroupId", GroupId), ("Device.1.ProductKey", ProductKey), ("Device.1.DeviceName", Device.DeviceName));
        var groupTag = Unique("gval");
        await s.Call("SetDeviceGroupTags", ("GroupId", GroupId), ("TagString", $$"""[{"tagKey":"owner","tagValue":"{{groupTag}}"}]"""));

        AlarmRuleName = Unique("alarm");
        AlarmRuleId = (await s.Call("CreateAlarmRule", ("ProductKey", ProductKey), ("Name", AlarmRuleName), ("TriggerType", "property"),
            ("Identifier", "temperature"), ("Operator", ">"), ("Threshold", "40"))).At("RuleId").GetInt64().ToString();

        ConsumerGroupName = Unique("cgrp");
        ConsumerGroupId = (await s.Call("CreateConsumerGroup", ("GroupName", ConsumerGroupName))).Str("GroupId");
        RuleName = Unique("rule");
        RuleId = (await s.Call("CreateRule", ("Name", RuleName), ("ProductKey", ProductKey), ("ShortTopic", "+/thing/event/property/post"),
            ("Select", "*"))).GetProperty("RuleId").GetInt64().ToString();
        RuleActionId = (await s.Call("CreateRuleAction", ("RuleId", RuleId), ("Type", "AMQP"),
            ("Configuration", $$"""{"groupId":"{{ConsumerGroupId}}"}"""))).GetProperty("ActionId").GetInt64().ToString();
        await s.Call("CreateSubscribeRelation", ("ProductKey", ProductKey), ("Type", "AMQP"), ("DeviceDataFlag", "true"),
            ("ConsumerGroupIds.1", ConsumerGroupId));

        var topicClass = "cls_" + Guid.NewGuid().ToString("N")[..10];
        var topicDesc = Unique("tdesc");
        TopicClassId = (await s.Call("CreateProductTopic", ("ProductKey", ProductKey), ("TopicShortName", topicClass), ("Operation", "ALL"),
            ("Desc", topicDesc))).GetProperty("TopicId").GetInt64().ToString();

        var batchName = Unique("batch");
        ApplyId = (await s.Call("BatchCheckDeviceNames", ("ProductKey", ProductKey), ("DeviceName.1", batchName))).Str("Data.ApplyId");
        await s.Call("BatchRegisterDeviceWithApplyId", ("ProductKey", ProductKey), ("ApplyId", ApplyId));
        Assert.Equal("CREATE_SUCCESS", (await s.WaitForBatchAsync(ProductKey, ApplyId)).Str("Status"));

        var (clientId, timestamp, sign) = MessagingKit.SubSign(Device);
        await s.Call("BatchAddThingTopo", ("GwProductKey", Gateway.ProductKey), ("GwDeviceName", Gateway.DeviceName),
            ("TopoAddItem.1.ProductKey", Device.ProductKey), ("TopoAddItem.1.DeviceName", Device.DeviceName), ("TopoAddItem.1.ClientId", clientId),
            ("TopoAddItem.1.Timestamp", timestamp), ("TopoAddItem.1.SignMethod", "hmacsha1"), ("TopoAddItem.1.Sign", sign));

        var serial = Unique("SN");
        await using (var mqtt = await s.ConnectOnlineAsync(Device, "thing/service/#"))
        {
            await mqtt.PostPropertiesAsync($$"""{"temperature":104.7,"serial":"{{serial}}"}""");
            var evented = await mqtt.RequestAsync(mqtt.Sys("thing/event/overheat/post"), "thing.event.overheat.post", """{"value":{"temp":88.6}}""");
            Assert.Equal(200, evented.GetProperty("code").GetInt32());
            await s.Call("InvokeThingService", Device.Args(("Identifier", "reboot"), ("Args", """{"delay":7}""")));
            // Telemetry is written asynchronously: wait until all of it can be read back.
            Assert.Contains(serial, (await ConnectivityCalls.EventuallyAsync(() => s.Call("QueryDevicePropertyStatus", Device.Args()),
                r => r.ToString().Contains(serial, StringComparison.Ordinal))).ToString());
            Assert.Equal(1, (await ConnectivityCalls.EventuallyAsync(() => s.Call("QueryDeviceEventData", Device.Args(Window)),
                r => r.At("Data.List.EventInfo").GetArrayLength() > 0)).At("Data.List.EventInfo").GetArrayLength());
            Assert.Equal(1, (await ConnectivityCalls.EventuallyAsync(() => s.Call("QueryDeviceServiceData", Device.Args(Window)),
                r => r.At("Data.List.ServiceInfo").GetArrayLength() > 0)).At("Data.List.ServiceInfo").GetArrayLength());
        }

        AlarmId = (await ConnectivityCalls.EventuallyAsync(() => s.Call("QueryAlarmList", ("RuleId", AlarmRuleId)),
            r => r.At("Total").GetInt32() == 1)).At("Data.AlarmInfo")[0].Str("AlarmId");

        var shadowNote = Unique("shadow");
        await s.Call("UpdateDeviceShadow", Device.Args(("ShadowMessage", $$$"""{"method":"update","state":{"desired":{"note":"{{{shadowNote}}}"}},"version":1}""")));
        var config = Unique("config");
        using (var rest = s.Rest())
            await JsonOf(await rest.PutAsJsonAsync($"/api/v1/products/{ProductKey}/config", new { content = config }), HttpStatusCode.OK);

        // Distribution needs a second instance; what a finished job leaves behind is written directly.
        JobId = "dj_" + Unique("job").Replace("_", "");
        var note = Unique("note");
        await using (var db = await s.DbAsync())
        {
            var admin = db.Accounts.OrderBy(a => a.Id).First();
            var productId = db.Products.Single(p => p.ProductKey == ProductKey).Id;
            var movedId = db.Devices.Single(d => d.ProductKey == ProductKey && d.DeviceName == Moved.DeviceName).Id;
            var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
            var job = new DistributionJob
            {
                JobId = JobId, AccountId = admin.Id, Kind = "device", ProductKey = ProductKey, TargetUid = admin.Uid,
                SourceInstanceId = s.Services.GetRequiredService<InstanceDirectory>().SelfId, TargetInstanceIds = Elsewhere,
                Status = DistributionStatus.Completed, Total = 1, CreatedAtMs = now, ModifiedAtMs = now,
            };
            db.DistributionJobs.Add(job);
            await db.SaveChangesAsync();
            db.DistributionItems.Add(new DistributionItem
            {
                JobId = job.Id, DeviceName = Moved.DeviceName, State = DistributionItemState.Done, Code = 200, TargetInstanceId = Elsewhere, ModifiedAtMs = now,
            });
            db.DeviceDistributions.Add(new DeviceDistribution
            {
                DeviceId = movedId, JobId = JobId, TargetInstanceIds = Elsewhere, TargetUid = admin.Uid, CreatedAtMs = now, ModifiedAtMs = now,
            });
            db.ProductDistributions.Add(new ProductDistribution { ProductId = productId, TargetInstanceId = Elsewhere, TargetUid = admin.Uid, JobId = JobId, CreatedAtMs = now });
            db.Notifications.Add(new Notification { AccountId = admin.Id, Kind = "test", Message = note, CreatedAtMs = now });
            var deadLetter = new Thingyard.Webhooks.WebhookDelivery
            {
                AccountId = admin.Id, Source = "rule:0", Url = "https://127.0.0.1:1/hook", Body = Encoding.UTF8.GetBytes(note),
                State = Thingyard.Webhooks.WebhookState.Dead, Attempts = 6, CreatedAtMs = now,
            };
            db.WebhookDeliveries.Add(deadLetter);
            await db.SaveChangesAsync();
            DeadLetterId = deadLetter.Id.ToString();
        }

        // Mass production: a product released through review; A (the operator) allocates codes to itself and produces
        // one device.
        ReleasedProductKey = await s.NewProductAsync("Mass");
        await s.ReleaseAsync(null, ReleasedProductKey);
        await using (var db = await s.DbAsync())
            AccountUid = db.Accounts.OrderBy(a => a.Id).First().Uid;
        await s.Call("AllocateActivationCodes", ("AccountUid", AccountUid), ("Count", "5"));
        BatchId = (await s.Call("CreateProductionBatch", ("ProductKey", ReleasedProductKey), ("Count", "1"))).Str("Data.BatchId");
        Assert.Equal(1, (await ConnectivityCalls.EventuallyAsync(() => s.Call("QueryProductionBatch", ("BatchId", BatchId)),
            r => r.Str("Data.Status") == "CREATE_SUCCESS")).At("Data.Created").GetInt32());
        string producedSecret;
        using (var rest = s.Rest())
            producedSecret = (await rest.GetStringAsync($"/api/v1/production/batches/{BatchId}/credentials.csv")).Split('\n')[1].Split(',')[2];

        B = await s.NewAccountAsync(Unique("b"));
        // The produced device is authorized to a third account (C): A's lists of authorizations have a row.
        C = await s.NewAccountAsync(Unique("c"));
        string producedName;
        using (var rest = s.Rest())
            producedName = (await rest.GetStringAsync($"/api/v1/production/batches/{BatchId}/credentials.csv")).Split('\n')[1].Split(',')[1];
        AuthorizedDeviceName = producedName;
        await s.Call("AuthorizeDevices", ("ProductKey", ReleasedProductKey), ("DeviceName.1", producedName), ("TargetUid", C.AccountUid));
        // And the product is in the public pool, which B (authorized no device) may not see.
        await s.Call("AuthorizeProductToPublicPool", ("ProductKey", ReleasedProductKey), ("AgreementAccepted", "true"));
        // And proposed to C as a transfer (pending).
        TransferId = (await s.Call("CreateDeviceTransfer", ("ProductKey", ReleasedProductKey), ("DeviceName.1", producedName), ("TargetUid", C.AccountUid))).Str("Data.TransferId");
        using (var rest = s.Rest())
            UserId = (await JsonOf(await rest.GetAsync("/api/v1/accounts/me/users"), HttpStatusCode.OK))[0].At("id").GetInt64();

        // ID²: an own-platform product with quota, two identities, one verified (activated, logged).
        AppKey = (await s.Call("CreateProprietaryApp", ("ProjectId", ProjectId), ("AppName", "A's app"))).Str("Data.AppKey");
        Id2ProductKey = (await s.Call("CreateId2Product", ("Name", Unique("id2meter")), ("Pattern", "own"))).Str("Data.ProductKey");
        await s.Call("AllocateId2Quota", ("ProductKey", Id2ProductKey), ("Count", "5"));
        Id2BatchId = (await s.Call("CreateId2Batch", ("ProductKey", Id2ProductKey), ("Count", "2"))).Str("Data.BatchId");
        var identities = await s.ExportAsync(null, Id2BatchId);
        Id2 = identities[0].Id2;
        var id2Device = new Thingyard.Protocol.Id2.Id2Client(new Thingyard.Protocol.Id2.SoftwareKm(Id2, identities[0].Key));
        await s.Call("Verify", ("ProductKey", Id2ProductKey), ("Id2", Id2), ("AuthCode", id2Device.TimestampAuthCode(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds())));

        Identifiers.AddRange([ProductKey, Gateway.ProductKey, Device.DeviceName, Device.IotId, Moved.DeviceName, Moved.IotId,
            Gateway.DeviceName, Gateway.IotId, VirtualName, GroupId, JobId, batchName, DeviceTagKey, ProductTagKey, ThingyardServer.AdminKeyId,
            ReleasedProductKey, BatchId, AccountUid, ConsumerGroupId, Id2ProductKey, Id2BatchId, Id2, identities[1].Id2]);
        Secrets.AddRange([product.Str("ProductName"), product.Str("ProductSecret"), Device.DeviceSecret, Moved.DeviceSecret, Gateway.DeviceSecret,
            groupName, groupTag, DeviceTagValue, ProductTagValue, serial, "104.7", "88.6", shadowNote, config, note, producedSecret, ConsumerGroupName,
            RuleName, AlarmRuleName, topicClass, topicDesc, identities[0].Key.Material, identities[1].Key.Material]);
    }

    /// <summary>Fails when an answer to B carries A's data (or, for lists, anything of A's at all).</summary>
    public void AssertNothingOfA(string answer, string what, bool namesMayBeEchoed)
    {
        foreach (var secret in Secrets)
            Assert.False(answer.Contains(secret, StringComparison.Ordinal), $"{what}: the answer to B carries A's '{secret}': {answer}");
        if (namesMayBeEchoed) return;
        foreach (var name in Identifiers)
            Assert.False(answer.Contains(name, StringComparison.Ordinal), $"{what}: the answer to B names A's '{name}': {answer}");
    }

    public Task DisposeAsync() => Server.DisposeAsync();
}
