// Every account-owned lookup and list, over RPC and over REST, asked by another account: a lookup of the owner's
// product, device, group, batch, thing model, telemetry, shadow, topology, tags, configuration or distribution job is
// "not found" (as for a name that does not exist), a list comes back empty, and no answer carries the owner's data.
// Each case is also replayed as the owner where that only reads, so a case that names nothing real cannot pass.
// The cases are keyed by the server's own action and route tables: an action or route that is neither covered here
// nor declared not account-owned (with the reason) fails the coverage tests, so a new one cannot skip this check.
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Thingyard.Protocol.OpenApi;
using Thingyard.Server.Rpc;
using Thingyard.Tests.Connectivity;
using Thingyard.Tests.Infrastructure;
using Thingyard.Tests.Messaging;
using Thingyard.Tests.Registry;
using static Thingyard.Tests.Registry.RegistryCalls;

namespace Thingyard.Tests.Access;

/// <summary>One RPC call as B. Count null: a lookup or change that must be not-found; otherwise a list whose size
/// Count reads, which must be 0 for B. Owner: the owner may repeat it (it only reads), and must succeed.</summary>
public sealed record RpcCase((string, string)[] Params, Func<JsonElement, int>? Count = null, bool Owner = true);

/// <summary>One REST call as B, as <see cref="RpcCase"/>: a 404 for lookups and changes, an empty list for lists.</summary>
public sealed record RestCase(HttpMethod Method, string Path, Func<HttpContent>? Body = null, Func<JsonElement, int>? Count = null, bool Owner = true);

public sealed class AccessIsolationTests(AccessWorld world) : IClassFixture<AccessWorld>
{
    // ---- RPC ---------------------------------------------------------------------------------------------------

    static RpcCase Lookup(params (string, string)[] p) => new(p);
    static RpcCase Change(params (string, string)[] p) => new(p, Owner: false);
    static RpcCase Listing(Func<JsonElement, int> count, params (string, string)[] p) => new(p, count);
    static Func<JsonElement, int> Items(string path) => r => r.At(path).GetArrayLength();

    static (string, string)[] Pk(AccessWorld w, params (string, string)[] more) => [("ProductKey", w.ProductKey), .. more];
    static (string, string)[] Group(AccessWorld w, params (string, string)[] more) => [("GroupId", w.GroupId), .. more];
    static (string, string)[] ConsumerGroup(AccessWorld w, params (string, string)[] more) => [("GroupId", w.ConsumerGroupId), .. more];
    static (string, string)[] Named(AccessWorld w, params (string, string)[] more) =>
        [("ProductKey", w.ProductKey), ("DeviceName.1", w.Device.DeviceName), .. more];
    static (string, string)[] ByIotId(AccessWorld w, params (string, string)[] more) => [("IotId", w.Device.IotId), .. more];

    /// <summary>Every account-owned action, with the calls that name the owner's data.</summary>
    static readonly Dictionary<string, Func<AccessWorld, RpcCase[]>> RpcCases = new()
    {
        // Products
        ["QueryProduct"] = w => [Lookup(Pk(w))],
        ["QueryProductList"] = w => [Listing(Items("Data.List.ProductInfo"), ("PageSize", "200")), Lookup(("ProjectId", w.ProjectId))],
        ["CreateProduct"] = w => [Change(("ProductName", Unique("Intruder")), ("NodeType", "0"), ("ProjectId", w.ProjectId))],
        // The way to release
        ["ConfirmProductInfo"] = w => [Change(Pk(w))],
        ["ReleaseProduct"] = w => [Change(Pk(w, ("WaiveReason", "taken")))],
        ["CancelReleaseProduct"] = w => [Change(Pk(w))],
        ["QueryProductReleaseHistory"] = w => [Lookup(Pk(w))],
        ["GetDebugChecklist"] = w => [Lookup(Pk(w))],
        ["GetProductDevelopmentProgress"] = w => [Lookup(Pk(w))],
        ["SaveProductPanel"] = w => [Change(Pk(w, ("Definition", """{"pages":[]}""")))],
        ["GetProductPanel"] = w => [new(Pk(w), Owner: false)],
        ["ListProductPanelVersions"] = w => [Lookup(Pk(w))],
        // Projects
        ["GetProject"] = w => [Lookup(("ProjectId", w.ProjectId))],
        // End users and apps
        ["QueryDeviceBindCodes"] = w => [Change(Named(w))],
        ["QueryDeviceBindingList"] = w => [Lookup(ByIotId(w))],
        ["CreateProprietaryApp"] = w => [Change(("ProjectId", w.ProjectId), ("AppName", "intruder"))],
        ["QueryProprietaryAppList"] = w => [Lookup(("ProjectId", w.ProjectId))],
        ["ResetProprietaryAppSecret"] = w => [Change(("AppKey", w.AppKey))],
        ["UpdateProprietaryAppStatus"] = w => [Change(("AppKey", w.AppKey), ("Enabled", "false"))],
        ["DeleteProprietaryApp"] = w => [Change(("AppKey", w.AppKey))],
        ["QueryProjectList"] = w =>
        [
            Listing(r => r.At("Data.List.ProjectInfo").EnumerateArray().Count(p => p.Str("ProjectId") == w.ProjectId), ("PageSize", "200")),
        ],
        ["UpdateProject"] = w => [Change(("ProjectId", w.ProjectId), ("Description", "taken"))],
        // AliGenie (A's project has a skill; its products' mappings)
        ["CreateAliGenieSkill"] = w => [Change(("ProjectId", w.ProjectId), ("RedirectUri", "https://open.bot.tmall.com/oauth/callback"))],
        ["QueryAliGenieSkill"] = w => [Lookup(("ProjectId", w.ProjectId))],
        ["DeleteAliGenieSkill"] = w => [Change(("ProjectId", w.ProjectId))],
        ["SetAliGenieMapping"] = w => [Change(Pk(w, ("Mapping", """{"deviceType":"switch"}""")))],
        ["QueryAliGenieMapping"] = w => [Lookup(Pk(w))],
        ["DeleteProject"] = w => [Change(("ProjectId", w.ProjectId))],
        ["AuthorizeProject"] = w => [Change(("ProjectId", w.ProjectId), ("AccountUid", w.B.AccountUid), ("Role", "admin"))],
        ["RevokeProjectAuthorization"] = w => [Change(("ProjectId", w.ProjectId), ("AccountUid", w.B.AccountUid))],
        ["QueryProjectAuthorizationList"] = w => [Lookup(("ProjectId", w.ProjectId))],
        // The project's Operations Hub
        ["QueryOpsHubFigures"] = w => [Lookup(("ProjectId", w.ProjectId))],
        ["QueryOpsHubDevices"] = w => [Lookup(("ProjectId", w.ProjectId))],
        ["QueryOpsHubEndUsers"] = w => [Lookup(("ProjectId", w.ProjectId), ("Query", "nobody@example.com"))],
        ["QueryProjectBranding"] = w => [Lookup(("ProjectId", w.ProjectId))],
        ["SetProjectBranding"] = w => [Change(("ProjectId", w.ProjectId), ("HubName", "Taken"))],
        // Device authorization (A authorized a device of its released product to C)
        ["AuthorizeDevices"] = w => [Change(("ProductKey", w.ReleasedProductKey), ("DeviceName.1", w.AuthorizedDeviceName), ("TargetUid", w.B.AccountUid))],
        ["RevokeDeviceAuthorization"] = w => [Change(("ProductKey", w.ReleasedProductKey), ("DeviceName", w.AuthorizedDeviceName), ("TargetUid", w.C.AccountUid))],
        ["RevokeProductAuthorization"] = w => [Change(("ProductKey", w.ReleasedProductKey), ("TargetUid", w.C.AccountUid))],
        ["QueryDeviceAuthorizationList"] = w => [Listing(Items("Data.List.AuthorizationInfo"))],
        ["QueryProductAuthorizationList"] = w => [Listing(Items("Data.List.AuthorizationInfo"))],
        ["AuthorizeProductToPublicPool"] = w => [Change(("ProductKey", w.ProductKey), ("AgreementAccepted", "true"))],
        ["RevokeProductFromPublicPool"] = w => [Change(("ProductKey", w.ReleasedProductKey))],
        ["QueryPublicProductList"] = w => [Listing(Items("Data.List.ProductInfo"))],
        ["CreateDeviceTransfer"] = w => [Change(Pk(w, ("DeviceName.1", w.Device.DeviceName), ("TargetUid", w.B.AccountUid)))],
        ["QueryDeviceTransferList"] = w => [Listing(Items("Data.List.TransferInfo"), ("Type", "OUTGOING"))],
        ["AcceptDeviceTransfer"] = w => [Change(("TransferId", w.TransferId))],
        ["DeclineDeviceTransfer"] = w => [Change(("TransferId", w.TransferId))],
        ["CancelDeviceTransfer"] = w => [Change(("TransferId", w.TransferId))],
        ["UpdateProduct"] = w => [Change(Pk(w, ("Description", "taken")))],
        ["DeleteProduct"] = w => [Change(Pk(w))],
        ["SetProductModule"] = w => [Change(Pk(w, ("ModuleId", "espressif-esp32-c3")))],
        // Devices
        ["RegisterDevice"] = w => [Change(Pk(w, ("DeviceName", "intruder_1")))],
        ["QueryDeviceDetail"] = w => [Lookup(w.Device.Args()), Lookup(ByIotId(w))],
        ["QueryDeviceInfo"] = w => [Lookup(w.Device.Args()), Lookup(ByIotId(w))],
        ["QueryDevice"] = w => [Listing(Items("Data.DeviceInfo"), ("PageSize", "50")), Lookup(Pk(w))],
        ["QueryDeviceByStatus"] = w => [Lookup(Pk(w, ("Status", "UNACTIVE")))],
        ["BatchQueryDeviceDetail"] = w => [Lookup(Named(w))],
        ["DeleteDevice"] = w => [Change(w.Device.Args()), Change(ByIotId(w))],
        ["DisableThing"] = w => [Change(w.Device.Args()), Change(ByIotId(w))],
        ["EnableThing"] = w => [Change(w.Device.Args()), Change(ByIotId(w))],
        ["GetDeviceStatus"] = w => [Lookup(w.Device.Args()), Lookup(ByIotId(w))],
        ["BatchGetDeviceState"] = w =>
        [
            Listing(Items("DeviceStatusList.DeviceStatus"), ("IotId.1", w.Device.IotId)),
            Listing(Items("DeviceStatusList.DeviceStatus"), Named(w)),
        ],
        ["QueryDeviceStatistics"] = w => [Listing(r => r.At("Data.deviceCount").GetInt32()), Lookup(Pk(w)), Lookup(Group(w))],
        // Batch registration
        ["BatchCheckDeviceNames"] = w => [Change(Pk(w, ("DeviceName.1", "intruder_2")))],
        ["BatchRegisterDevice"] = w => [Change(Pk(w, ("Count", "1")))],
        ["BatchRegisterDeviceWithApplyId"] = w => [Change(Pk(w, ("ApplyId", w.ApplyId)))],
        ["QueryBatchRegisterDeviceStatus"] = w => [Lookup(Pk(w, ("ApplyId", w.ApplyId))), Lookup(("ApplyId", w.ApplyId))],
        ["QueryPageByApplyId"] = w => [Lookup(("ApplyId", w.ApplyId))],
        // Groups
        ["CreateDeviceGroup"] = w => [Change(("GroupName", Unique("Sub")), ("SuperGroupId", w.GroupId))],
        ["UpdateDeviceGroup"] = w => [Change(Group(w, ("GroupDesc", "taken")))],
        ["DeleteDeviceGroup"] = w => [Change(Group(w))],
        ["QueryDeviceGroupInfo"] = w => [Lookup(Group(w))],
        ["QueryDeviceGroupList"] = w => [Listing(Items("Data.GroupInfo"), ("PageSize", "200"))],
        ["BatchAddDeviceGroupRelations"] = w => [Change(Group(w, ("Device.1.ProductKey", w.ProductKey), ("Device.1.DeviceName", w.Device.DeviceName)))],
        ["BatchDeleteDeviceGroupRelations"] = w => [Change(Group(w, ("Device.1.ProductKey", w.ProductKey), ("Device.1.DeviceName", w.Device.DeviceName)))],
        ["QueryDeviceListByDeviceGroup"] = w => [Lookup(Group(w))],
        ["QueryDeviceGroupByDevice"] = w => [Lookup(w.Device.Args()), Lookup(ByIotId(w))],
        ["SetDeviceGroupTags"] = w => [Change(Group(w, ("TagString", """[{"tagKey":"a","tagValue":"b"}]""")))],
        ["QueryDeviceGroupTagList"] = w => [Lookup(Group(w))],
        // Tags
        ["SaveDeviceProp"] = w => [Change(w.Device.Args(("Props", """{"owner":"b"}""")))],
        ["QueryDeviceProp"] = w => [Lookup(w.Device.Args()), Lookup(ByIotId(w))],
        ["DeleteDeviceProp"] = w => [Change(w.Device.Args(("PropKey", w.DeviceTagKey)))],
        ["QueryDeviceByTags"] = w =>
        [
            Listing(Items("Data.SimpleDeviceInfo"), ("Tag.1.TagKey", w.DeviceTagKey)),
            Listing(Items("Data.SimpleDeviceInfo"), ("Tag.1.TagKey", w.DeviceTagKey), ("Tag.1.TagValue", w.DeviceTagValue)),
        ],
        ["CreateProductTags"] = w => [Change(Pk(w, ("ProductTag.1.TagKey", "owner"), ("ProductTag.1.TagValue", "b")))],
        ["UpdateProductTags"] = w => [Change(Pk(w, ("ProductTag.1.TagKey", w.ProductTagKey), ("ProductTag.1.TagValue", "b")))],
        ["DeleteProductTags"] = w => [Change(Pk(w, ("ProductTagKey.1", w.ProductTagKey)))],
        ["ListProductTags"] = w => [Lookup(Pk(w))],
        ["ListProductByTags"] = w =>
        [
            Listing(Items("ProductInfos.ProductInfo"), ("ProductTag.1.TagKey", w.ProductTagKey)),
            Listing(Items("ProductInfos.ProductInfo"), ("ProductTag.1.TagKey", w.ProductTagKey), ("ProductTag.1.TagValue", w.ProductTagValue)),
        ],
        // Thing models
        ["CreateThingModel"] = w => [Change(Pk(w, ("ThingModelJson", """{"properties":[]}""")))],
        ["UpdateThingModel"] = w => [Change(Pk(w, ("Identifier", "temperature"), ("ThingModelJson", """{"properties":[]}""")))],
        ["DeleteThingModel"] = w => [Change(Pk(w, ("PropertyIdentifier.1", "temperature")))],
        ["ImportThingModelTsl"] = w => [Change(Pk(w, ("TslStr", ConnectivityCalls.SampleTsl)))],
        ["PublishThingModel"] = w => [Change(Pk(w))],
        ["GetThingModelTsl"] = w => [Lookup(Pk(w))],
        ["GetThingModelTslPublished"] = w => [Lookup(Pk(w))],
        ["QueryThingModel"] = w => [Lookup(Pk(w))],
        ["QueryThingModelPublished"] = w => [Lookup(Pk(w))],
        ["ListThingModelVersion"] = w => [Lookup(Pk(w))],
        ["CopyThingModel"] = w => [Change(("SourceProductKey", w.ProductKey), ("TargetProductKey", w.ProductKey), ("SourceModelVersion", "1.0"))],
        ["ImportThingTemplateFeatures"] = w => [Change(Pk(w, ("CategoryKey", "Lamp"), ("Identifiers", "LightSwitch")))],
        // Commands and messages to devices
        ["SetDeviceProperty"] = w => [Change(w.Device.Args(("Items", """{"mode":1}"""))), Change(ByIotId(w, ("Items", """{"mode":1}""")))],
        ["SetDevicesProperty"] = w => [Change(Named(w, ("Items", """{"mode":1}""")))],
        ["InvokeThingService"] = w => [Change(w.Device.Args(("Identifier", "reboot"), ("Args", """{"delay":1}""")))],
        ["InvokeThingsService"] = w => [Change(Named(w, ("Identifier", "reboot"), ("Args", "{}")))],
        ["Pub"] = w =>
        [
            Change(w.Device.Args(("TopicFullName", $"/{w.ProductKey}/{w.Device.DeviceName}/user/get"), ("MessageContent", MessagingKit.B64("x")))),
            Change(Pk(w, ("TopicFullName", $"/{w.ProductKey}/{w.Device.DeviceName}/user/get"), ("MessageContent", MessagingKit.B64("x")))),
        ],
        ["PubBroadcast"] = w => [Change(Pk(w, ("TopicFullName", $"/broadcast/{w.ProductKey}/x"), ("MessageContent", MessagingKit.B64("x"))))],
        ["RRpc"] = w => [Change(w.Device.Args(("RequestBase64Byte", MessagingKit.B64("x")), ("Timeout", "1000")))],
        ["QueryDeviceSubTopic"] = w => [Lookup(w.Device.Args())],
        // Telemetry
        ["QueryDevicePropertyStatus"] = w => [Lookup(w.Device.Args()), Lookup(ByIotId(w))],
        ["QueryDevicePropertyData"] = w => [Lookup(w.Device.Args([("Identifier", "serial"), .. w.Window]))],
        ["QueryDevicePropertiesData"] = w => [Lookup(w.Device.Args([("Identifier.1", "serial"), .. w.Window]))],
        ["QueryDeviceEventData"] = w => [Lookup(w.Device.Args(w.Window))],
        ["QueryDeviceServiceData"] = w => [Lookup(w.Device.Args(w.Window))],
        // Shadows
        ["GetDeviceShadow"] = w => [Lookup(w.Device.Args())],
        ["UpdateDeviceShadow"] = w => [Change(w.Device.Args(("ShadowMessage", """{"method":"update","state":{"desired":{"a":1}},"version":99}""")))],
        // Gateway topology
        ["GetGatewayBySubDevice"] = w => [Lookup(w.Device.Args())],
        ["GetThingTopo"] = w => [Lookup(w.Gateway.Args())],
        ["RemoveThingTopo"] = w => [Change(w.Device.Args()), Change(w.Gateway.Args())],
        ["BatchAddThingTopo"] = w =>
        {
            var (clientId, timestamp, sign) = MessagingKit.SubSign(w.Device);
            return
            [
                Change(("GwProductKey", w.Gateway.ProductKey), ("GwDeviceName", w.Gateway.DeviceName), ("TopoAddItem.1.ProductKey", w.Device.ProductKey),
                    ("TopoAddItem.1.DeviceName", w.Device.DeviceName), ("TopoAddItem.1.ClientId", clientId), ("TopoAddItem.1.Timestamp", timestamp),
                    ("TopoAddItem.1.SignMethod", "hmacsha1"), ("TopoAddItem.1.Sign", sign)),
            ];
        },
        // Virtual devices
        ["CreateVirtualDevice"] = w => [Change(Pk(w, ("DeviceName", "intruder_vd")))],
        ["QueryVirtualDeviceList"] = w => [Lookup(Pk(w))],
        ["StartVirtualDevice"] = w => [Change(Pk(w, ("DeviceName", w.VirtualName)))],
        ["StopVirtualDevice"] = w => [Change(Pk(w, ("DeviceName", w.VirtualName)))],
        ["UpdateVirtualDevice"] = w => [Change(Pk(w, ("DeviceName", w.VirtualName), ("IntervalSeconds", "5")))],
        ["DeleteVirtualDevice"] = w => [Change(Pk(w, ("DeviceName", w.VirtualName)))],
        // Distribution
        ["CreateProductDistributeJob"] = w => [Change(Pk(w, ("TargetInstanceId", AccessWorld.Elsewhere)))],
        ["CreateDeviceDistributeJob"] = w => [Change(Pk(w, ("DeviceName.1", w.Device.DeviceName), ("TargetInstanceId", AccessWorld.Elsewhere)))],
        ["QueryDeviceDistributeJob"] = w => [Lookup(("JobId", w.JobId))],
        ["ListDeviceDistributeJob"] = w =>
        [
            Listing(Items("Data.JobInfo.items")), Listing(Items("Data.JobInfo.items"), ("JobId", w.JobId)), Listing(Items("Data.JobInfo.items"), Pk(w)),
        ],
        ["QueryDeviceDistributeDetail"] = w => [Lookup(("JobId", w.JobId))],
        ["DeleteDeviceDistributeJob"] = w => [Change(("JobId", w.JobId))],
        ["RetryDeviceDistributeJob"] = w => [Change(("JobId", w.JobId))],
        ["ListDistributedDevice"] = w =>
        [
            Listing(Items("Data.Info.items")), Listing(Items("Data.Info.items"), Pk(w)), Listing(Items("Data.Info.items"), ("DeviceName", w.Moved.DeviceName)),
        ],
        ["ListDistributedProduct"] = w => [Listing(Items("Data.Info.items")), Listing(Items("Data.Info.items"), Pk(w))],
        // Mass production
        ["GetActivationCodeQuota"] = w => [Listing(r => (int)r.At("Data.Allocated").GetInt64()), Lookup(("AccountUid", w.AccountUid))],
        ["CreateProductionBatch"] = w =>
        [
            Change(("ProductKey", w.ReleasedProductKey), ("Count", "1")),
            Change(("ProductKey", w.ReleasedProductKey), ("DeviceNamesCsv", "DeviceName\nintruder_5\n")),
        ],
        ["QueryProductionBatch"] = w => [Lookup(("BatchId", w.BatchId))],
        ["QueryProductionBatchList"] = w => [Listing(Items("Data.List.BatchInfo")), Lookup(("ProductKey", w.ReleasedProductKey))],
        ["GetProductionBatchCredentialsUrl"] = w => [Lookup(("BatchId", w.BatchId))],
        // Server-side subscription: consumer groups and products' subscriptions
        ["QueryConsumerGroupList"] = w =>
        [
            Listing(r => r.At("Data.ConsumerGroupDTO").EnumerateArray().Count(g => g.Str("GroupId") == w.ConsumerGroupId), ("PageSize", "1000")),
            Listing(Items("Data.ConsumerGroupDTO"), ("GroupName", w.ConsumerGroupName)),
            Listing(Items("Data.ConsumerGroupDTO"), ("GroupName", w.ConsumerGroupName), ("Fuzzy", "true")),
        ],
        ["QueryConsumerGroupByGroupId"] = w => [Lookup(ConsumerGroup(w))],
        ["QueryConsumerGroupStatus"] = w => [Lookup(ConsumerGroup(w))],
        ["UpdateConsumerGroup"] = w => [Change(ConsumerGroup(w, ("NewGroupName", Unique("taken"))))],
        ["DeleteConsumerGroup"] = w => [Change(ConsumerGroup(w))],
        ["ResetConsumerGroupPosition"] = w => [Change(ConsumerGroup(w))],
        ["QuerySubscribeRelation"] = w => [Lookup(Pk(w, ("Type", "AMQP")))],
        // Custom topic classes
        ["QueryProductTopic"] = w => [Lookup(Pk(w))],
        ["CreateProductTopic"] = w => [Change(Pk(w, ("TopicShortName", "intruder"), ("Operation", "PUB")))],
        ["UpdateProductTopic"] = w => [Change(("TopicId", w.TopicClassId), ("TopicShortName", "taken"), ("Operation", "PUB"))],
        ["DeleteProductTopic"] = w => [Change(("TopicId", w.TopicClassId))],
        ["CreateSubscribeRelation"] = w => [Change(Pk(w, ("Type", "AMQP"), ("DeviceStatusChangeFlag", "true")))],
        ["UpdateSubscribeRelation"] = w => [Change(Pk(w, ("Type", "AMQP"), ("DeviceStatusChangeFlag", "true"), ("ConsumerGroupIds.1", w.ConsumerGroupId)))],
        ["DeleteSubscribeRelation"] = w => [Change(Pk(w, ("Type", "AMQP")))],
        ["CreateConsumerGroupSubscribeRelation"] = w => [Change(Pk(w, ("ConsumerGroupId", w.ConsumerGroupId))), Change(Pk(w, ("ConsumerGroupId", "DEFAULT_GROUP")))],
        ["DeleteConsumerGroupSubscribeRelation"] = w => [Change(Pk(w, ("ConsumerGroupId", w.ConsumerGroupId)))],
        // Rules and their actions
        ["CreateRule"] = w => [Change(Pk(w, ("Name", Unique("r")), ("ShortTopic", "+/user/x"), ("TopicType", "1")))],
        ["UpdateRule"] = w => [Change(("RuleId", w.RuleId), ("Where", "1 = 1"))],
        ["GetRule"] = w => [Lookup(("RuleId", w.RuleId))],
        ["ListRule"] = w => [Listing(Items("Data.RuleInfo"), ("PageSize", "100"))],
        ["DeleteRule"] = w => [Change(("RuleId", w.RuleId))],
        ["StartRule"] = w => [Change(("RuleId", w.RuleId))],
        ["StopRule"] = w => [Change(("RuleId", w.RuleId))],
        ["TestRule"] = w => [Lookup(("RuleId", w.RuleId), ("Payload", "{}"))],
        ["CreateRuleAction"] = w => [Change(("RuleId", w.RuleId), ("Type", "AMQP"), ("Configuration", """{"groupId":"DEFAULT_GROUP"}"""))],
        ["UpdateRuleAction"] = w => [Change(("ActionId", w.RuleActionId), ("Type", "AMQP"), ("Configuration", """{"groupId":"DEFAULT_GROUP"}"""))],
        ["GetRuleAction"] = w => [Lookup(("ActionId", w.RuleActionId))],
        ["ListRuleActions"] = w => [Lookup(("RuleId", w.RuleId))],
        ["DeleteRuleAction"] = w => [Change(("ActionId", w.RuleActionId))],
        // Alarms: rules and alarms
        ["CreateAlarmRule"] = w => [Change(Pk(w, ("Name", Unique("intruder")), ("TriggerType", "event")))],
        ["GetAlarmRule"] = w => [Lookup(("RuleId", w.AlarmRuleId))],
        ["ListAlarmRules"] = w => [Listing(Items("Data.RuleInfo")), Listing(Items("Data.RuleInfo"), Pk(w))],
        ["UpdateAlarmRule"] = w => [Change(("RuleId", w.AlarmRuleId), ("Severity", "info"))],
        ["DeleteAlarmRule"] = w => [Change(("RuleId", w.AlarmRuleId))],
        ["EnableAlarmRule"] = w => [Change(("RuleId", w.AlarmRuleId))],
        ["DisableAlarmRule"] = w => [Change(("RuleId", w.AlarmRuleId))],
        ["QueryAlarmList"] = w => [Listing(Items("Data.AlarmInfo")), Listing(Items("Data.AlarmInfo"), ("RuleId", w.AlarmRuleId)), Listing(Items("Data.AlarmInfo"), Pk(w))],
        ["QueryAlarmHistory"] = w => [Listing(Items("Data.AlarmHistoryInfo")), Lookup(("AlarmId", w.AlarmId))],
        ["AcknowledgeAlarm"] = w => [Change(("AlarmId", w.AlarmId))],
        ["ClearAlarm"] = w => [Change(("AlarmId", w.AlarmId))],
        // The webhook outbox's dead letters
        ["ListWebhookDeadLetters"] = w => [Listing(Items("Data.DeadLetter")), Listing(Items("Data.DeadLetter"), ("Source", "rule:0"))],
        ["ReplayWebhookDeadLetters"] = w => [Change(("Ids.1", w.DeadLetterId))],
        ["DeleteWebhookDeadLetters"] = w => [Change(("Ids.1", w.DeadLetterId))],
        ["SaveScript"] = w => [Change(Pk(w, ("ScriptContent", "function transformPayload(t, b) { return {}; }"), ("ScriptType", "JavaScript")))],
        ["CreateThingScript"] = w => [Change(Pk(w, ("ScriptContent", "function transformPayload(t, b) { return {}; }"), ("ScriptType", "JavaScript")))],
        ["UpdateThingScript"] = w => [Change(Pk(w, ("ScriptContent", "function transformPayload(t, b) { return {}; }"), ("ScriptType", "JavaScript")))],
        // A's product has no script here, so A's own call is refused too: B's refusal must still be the product's.
        ["GetThingScript"] = w => [Change(Pk(w))],
        ["TestThingScript"] = w => [Lookup(Pk(w, ("ScriptContent", "function rawDataToProtocol(b) { return {}; }"), ("Direction", "up"), ("Payload", "00")))],
    };

    static (string, string)[] Id2Code(AccessWorld w) =>
        [("ProductKey", w.Id2ProductKey), ("Id2", w.Id2), ("AuthCode", "1~2~0123456789ABCDEF~1700000000000~AAAA")];

    /// <summary>ID²: the management actions answer the platform's not-found codes; the ID² server API answers Alibaba's
    /// ID² numbers (Id2NotFoundCodes).</summary>
    static readonly Dictionary<string, Func<AccessWorld, RpcCase[]>> Id2Cases = new()
    {
        ["GetServerRandom"] = w => [Change(("Id2", w.Id2))],
        ["Verify"] = w => [Change(Id2Code(w))],
        ["VerifyAndEncrypt"] = w => [Change([.. Id2Code(w), ("Data", "x")])],
        ["GetServerAuthCodeAndEncryptData"] = w =>
            [Change(("ProductKey", w.Id2ProductKey), ("Id2", w.Id2), ("DeviceAuthCode", "0~2~0123456789ABCDEF~00~AAAA"), ("DeviceChallenge", "ABCD"), ("Data", "x"))],
        ["DecryptId2DeviceData"] = w => [Change(("ProductKey", w.Id2ProductKey), ("Id2", w.Id2), ("Seed", "s"), ("Data", "AAAAAAAAAAAAAAAAAAAAAA=="))],
        ["GetId2DeviceSecret"] = w => [Lookup(("ProductKey", w.Id2ProductKey), ("Id2", w.Id2), ("Seed", "s"))],
        ["CreateId2Product"] = w => [Change(("Pattern", "iot"), ("ProductKey", w.ProductKey))],
        ["QueryId2ProductList"] = w => [Listing(Items("Data.List.Id2ProductInfo"))],
        ["QueryId2Product"] = w => [Lookup(("ProductKey", w.Id2ProductKey))],
        ["UpdateId2ProductPlan"] = w => [Change(("ProductKey", w.Id2ProductKey), ("Carrier", "se"))],
        ["GetId2Quota"] = w => [Lookup(("ProductKey", w.Id2ProductKey))],
        ["CreateId2Batch"] = w => [Change(("ProductKey", w.Id2ProductKey), ("Count", "1"))],
        ["ImportId2Identities"] = w => [Change(("ProductKey", w.Id2ProductKey), ("KeyType", "aes"), ("Csv", "00AAAAAAAAAAAAAAAAAAAAAA,000102030405060708090A0B0C0D0E0F"))],
        ["QueryId2BatchList"] = w => [Lookup(("ProductKey", w.Id2ProductKey))],
        ["ExportId2Batch"] = w => [Change(("BatchId", w.Id2BatchId), ("Format", "csv"))],
        ["QueryId2IdentityList"] = w => [Lookup(("ProductKey", w.Id2ProductKey))],
        ["SetId2Status"] = w => [Change(("Id2", w.Id2), ("Status", "suspended"))],
        ["QueryId2VerificationLog"] = w => [Lookup(("ProductKey", w.Id2ProductKey))],
        ["RunId2SelfVerification"] = w => [Change(("ProductKey", w.Id2ProductKey), ("Id2", w.Id2))],
    };

    /// <summary>The ID² server API's "does not exist" answers: 18 (the ID²) and 51 (the product).</summary>
    static readonly string[] Id2NotFoundCodes = ["18", "51"];

    /// <summary>Actions that read or change no account's data, and why.</summary>
    static readonly Dictionary<string, string> RpcNotAccountOwned = new()
    {
        ["CreateProject"] = "creates a project in the caller's own account",
        ["CreateConsumerGroup"] = "creates a consumer group in the caller's own account (names are unique per account: SubscribeRelationTests)",
        ["QueryReleaseReviewList"] = "the platform operator's queue across accounts; refused to every other caller (ReleaseTests)",
        ["ApproveProductRelease"] = "the platform operator's decision; refused to every other caller (ReleaseTests)",
        ["RejectProductRelease"] = "the platform operator's decision; refused to every other caller (ReleaseTests)",
        ["QueryAuthorizedProductList"] = "lists what other accounts authorized to the caller's own account (DeviceAuthorizationTests: only the grantee sees it)",
        ["RequestDistributeAuthCode"] = "asks a peer instance to issue a code to one of its accounts; reads nothing of this instance",
        ["QueryClusterStatus"] = "the platform operator's view of the instance's nodes; refused to every other caller (ClusterStatusTests)",
        ["ListThingTemplates"] = "the shipped standard-feature catalogue, the same for every account",
        ["GetThingTemplate"] = "the shipped standard-feature catalogue, the same for every account",
        ["ListCertifiedModules"] = "the shipped module catalogue, the same for every account",
        ["AllocateActivationCodes"] = "the platform operator's alone: every other caller is refused before anything is read (MassProductionTests)",
        ["AllocateId2Quota"] = "the platform operator's alone: every other caller is refused before anything is read (Id2FlowTests)",
    };

    static IEnumerable<KeyValuePair<string, Func<AccessWorld, RpcCase[]>>> AllRpcCases => RpcCases.Concat(Id2Cases);

    public static TheoryData<string> RpcActionNames => new(AllRpcCases.Select(c => c.Key).Order(StringComparer.Ordinal));

    [Fact]
    public void Every_rpc_action_is_checked_here_or_declared_not_account_owned()
    {
        var table = world.Server.Services.GetRequiredService<RpcActions>().Names.ToList();

        var cases = AllRpcCases.ToDictionary();
        var uncovered = table.Where(a => !cases.ContainsKey(a) && !RpcNotAccountOwned.ContainsKey(a)).ToList();
        Assert.True(uncovered.Count == 0, "Add these actions to RpcCases (another account must get not-found or an empty list), or to " +
            "RpcNotAccountOwned with the reason they touch no account's data: " + string.Join(", ", uncovered));
        var stale = cases.Keys.Concat(RpcNotAccountOwned.Keys).Except(table).ToList();
        Assert.True(stale.Count == 0, "Not in the action table (any more): " + string.Join(", ", stale));
        Assert.Empty(cases.Keys.Intersect(RpcNotAccountOwned.Keys));
    }

    [Theory]
    [MemberData(nameof(RpcActionNames))]
    public async Task Another_account_gets_not_found_or_nothing_from_the_rpc_action(string action)
    {
        foreach (var c in AllRpcCases.ToDictionary()[action](world))
        {
            var what = $"{action}({string.Join(", ", c.Params.Select(p => p.Item1))})";
            JsonElement answer = default;
            RpcCallException? refused = null;
            try { answer = await world.Server.CallAs(world.B, action, c.Params); }
            catch (RpcCallException e) { refused = e; }

            if (c.Count is null)
            {
                Assert.True(refused is not null, $"{what}: B was answered: {answer}");
                Assert.True(refused.Code.Contains("NotExisted", StringComparison.Ordinal) || Id2Cases.ContainsKey(action) && Id2NotFoundCodes.Contains(refused.Code),
                    $"{what}: {refused.Code} {refused.Message}");
                world.AssertNothingOfA(refused.Body.ValueKind == JsonValueKind.Undefined ? refused.Message : refused.Body.ToString(), what, namesMayBeEchoed: true);
                if (c.Owner) await world.Server.Call(action, c.Params); // the same call names real data of A's
            }
            else
            {
                Assert.True(refused is null, $"{what}: {refused?.Code} {refused?.Message}");
                Assert.True(c.Count(answer) == 0, $"{what}: B's list is not empty: {answer}");
                world.AssertNothingOfA(answer.ToString(), what, namesMayBeEchoed: false);
                Assert.True(c.Count(await world.Server.Call(action, c.Params)) > 0, $"{what}: A's own list is empty, so the case proves nothing");
            }
        }
    }

    // ---- REST --------------------------------------------------------------------------------------------------

    static readonly HttpMethod Get = HttpMethod.Get, Post = HttpMethod.Post, Put = HttpMethod.Put, Patch = HttpMethod.Patch, Delete = HttpMethod.Delete;

    static RestCase RestLookup(string path) => new(Get, path);
    static RestCase RestChange(HttpMethod method, string path, object? body = null) =>
        new(method, path, body is null ? null : () => JsonContent.Create(body), Owner: false);
    static RestCase RestList(string path, Func<JsonElement, int> count) => new(Get, path, Count: count);
    static readonly Func<JsonElement, int> PageItems = r => r.At("items").GetArrayLength();
    static readonly Func<JsonElement, int> ArrayItems = r => r.GetArrayLength();

    static string Product(AccessWorld w) => $"/api/v1/products/{w.ProductKey}";
    static string Device(AccessWorld w) => $"/api/v1/products/{w.ProductKey}/devices/{w.Device.DeviceName}";

    /// <summary>Every account-owned route (method and pattern as the server maps it), with the calls that name the owner's data.</summary>
    static readonly Dictionary<string, Func<AccessWorld, RestCase[]>> RestCases = new()
    {
        ["GET /api/v1/products"] = w => [RestList("/api/v1/products?pageSize=100", PageItems), RestLookup($"/api/v1/products?projectId={w.ProjectId}")],
        ["POST /api/v1/products"] = w => [RestChange(Post, "/api/v1/products", new { name = Unique("Intruder"), nodeType = 0, projectId = w.ProjectId })],
        ["POST /api/v1/products/{productKey}/confirm-info"] = w => [RestChange(Post, Product(w) + "/confirm-info")],
        ["POST /api/v1/products/{productKey}/release"] = w => [RestChange(Post, Product(w) + "/release", new { waiveReason = "taken" })],
        ["DELETE /api/v1/products/{productKey}/release"] = w => [RestChange(Delete, Product(w) + "/release")],
        ["GET /api/v1/products/{productKey}/release/history"] = w => [RestLookup(Product(w) + "/release/history")],
        ["GET /api/v1/products/{productKey}/progress"] = w => [RestLookup(Product(w) + "/progress")],
        ["GET /api/v1/products/{productKey}/checklist"] = w => [RestLookup(Product(w) + "/checklist")],
        ["GET /api/v1/products/{productKey}/panel"] = w => [RestChange(Get, Product(w) + "/panel")],
        ["PUT /api/v1/products/{productKey}/panel"] = w =>
            [new(Put, Product(w) + "/panel", () => new StringContent("""{"pages":[]}""", Encoding.UTF8, "application/json"), Owner: false)],
        ["GET /api/v1/products/{productKey}/panel/versions"] = w => [RestLookup(Product(w) + "/panel/versions")],
        ["GET /api/v1/projects"] = w =>
        [
            RestList("/api/v1/projects?pageSize=100", r => r.At("items").EnumerateArray().Count(p => p.Str("projectId") == w.ProjectId)),
        ],
        ["GET /api/v1/projects/{projectId}"] = w => [RestLookup($"/api/v1/projects/{w.ProjectId}")],
        ["PATCH /api/v1/projects/{projectId}"] = w => [RestChange(Patch, $"/api/v1/projects/{w.ProjectId}", new { description = "taken" })],
        ["DELETE /api/v1/projects/{projectId}"] = w => [RestChange(Delete, $"/api/v1/projects/{w.ProjectId}")],
        ["GET /api/v1/projects/{projectId}/grants"] = w => [RestLookup($"/api/v1/projects/{w.ProjectId}/grants")],
        ["POST /api/v1/projects/{projectId}/grants"] = w => [RestChange(Post, $"/api/v1/projects/{w.ProjectId}/grants", new { accountUid = w.B.AccountUid, role = "admin" })],
        ["DELETE /api/v1/projects/{projectId}/grants/{accountUid}"] = w => [RestChange(Delete, $"/api/v1/projects/{w.ProjectId}/grants/{w.B.AccountUid}")],
        ["GET /api/v1/products/{productKey}"] = w => [RestLookup(Product(w))],
        ["PATCH /api/v1/products/{productKey}"] = w => [RestChange(Patch, Product(w), new { description = "taken" })],
        ["DELETE /api/v1/products/{productKey}"] = w => [RestChange(Delete, Product(w))],
        ["GET /api/v1/products/{productKey}/tags"] = w => [RestLookup(Product(w) + "/tags")],
        ["PUT /api/v1/products/{productKey}/tags"] = w => [RestChange(Put, Product(w) + "/tags", new[] { new { key = "owner", value = "b" } })],
        ["GET /api/v1/products/{productKey}/topics"] = w => [RestLookup(Product(w) + "/topics")],
        ["PUT /api/v1/products/{productKey}/module"] = w => [RestChange(Put, Product(w) + "/module", new { moduleId = "espressif-esp32-c3" })],
        ["GET /api/v1/products/{productKey}/devices"] = w => [RestLookup(Product(w) + "/devices")],
        ["POST /api/v1/products/{productKey}/devices"] = w => [RestChange(Post, Product(w) + "/devices", new { deviceName = "intruder_3" })],
        ["GET /api/v1/products/{productKey}/devices/{deviceName}"] = w => [RestLookup(Device(w))],
        ["DELETE /api/v1/products/{productKey}/devices/{deviceName}"] = w => [RestChange(Delete, Device(w))],
        ["POST /api/v1/products/{productKey}/devices/{deviceName}/disable"] = w => [RestChange(Post, Device(w) + "/disable")],
        ["POST /api/v1/products/{productKey}/devices/{deviceName}/enable"] = w => [RestChange(Post, Device(w) + "/enable")],
        ["GET /api/v1/products/{productKey}/devices/{deviceName}/tags"] = w => [RestLookup(Device(w) + "/tags")],
        ["PUT /api/v1/products/{productKey}/devices/{deviceName}/tags"] = w => [RestChange(Put, Device(w) + "/tags", new Dictionary<string, string> { ["owner"] = "b" })],
        // The owner's stream would stay open: B's 404 is all there is to check.
        ["GET /api/v1/products/{productKey}/devices/{deviceName}/messages"] = w => [RestChange(Get, Device(w) + "/messages")],
        ["GET /api/v1/products/{productKey}/thing-model"] = w => [RestLookup(Product(w) + "/thing-model"), RestLookup(Product(w) + "/thing-model?published=true")],
        ["PUT /api/v1/products/{productKey}/thing-model"] = w =>
            [new(Put, Product(w) + "/thing-model", () => new StringContent(ConnectivityCalls.SampleTsl, Encoding.UTF8, "application/json"), Owner: false)],
        ["POST /api/v1/products/{productKey}/thing-model/publish"] = w => [RestChange(Post, Product(w) + "/thing-model/publish", new { })],
        ["GET /api/v1/products/{productKey}/thing-model/versions"] = w => [RestLookup(Product(w) + "/thing-model/versions")],
        ["GET /api/v1/products/{productKey}/virtual-devices"] = w => [RestLookup(Product(w) + "/virtual-devices")],
        ["POST /api/v1/products/{productKey}/virtual-devices"] = w => [RestChange(Post, Product(w) + "/virtual-devices", new { deviceName = "intruder_vd2" })],
        ["PATCH /api/v1/products/{productKey}/virtual-devices/{deviceName}"] = w =>
            [RestChange(Patch, Product(w) + "/virtual-devices/" + w.VirtualName, new { intervalSeconds = 5 })],
        ["DELETE /api/v1/products/{productKey}/virtual-devices/{deviceName}"] = w => [RestChange(Delete, Product(w) + "/virtual-devices/" + w.VirtualName)],
        ["POST /api/v1/products/{productKey}/virtual-devices/{deviceName}/start"] = w => [RestChange(Post, Product(w) + "/virtual-devices/" + w.VirtualName + "/start")],
        ["POST /api/v1/products/{productKey}/virtual-devices/{deviceName}/stop"] = w => [RestChange(Post, Product(w) + "/virtual-devices/" + w.VirtualName + "/stop")],
        ["GET /api/v1/products/{productKey}/config"] = w => [RestLookup(Product(w) + "/config")],
        ["PUT /api/v1/products/{productKey}/config"] = w => [RestChange(Put, Product(w) + "/config", new { content = "taken" })],
        ["POST /api/v1/products/{productKey}/config/push"] = w => [RestChange(Post, Product(w) + "/config/push")],
        // Sharing between accounts (A authorized a device of its released product to C, put the product in the public pool
        // and proposed a transfer to C)
        ["GET /api/v1/sharing/devices"] = w => [RestList("/api/v1/sharing/devices", PageItems)],
        ["POST /api/v1/sharing/devices"] = w => [RestChange(Post, "/api/v1/sharing/devices",
            new { productKey = w.ReleasedProductKey, deviceNames = new[] { w.AuthorizedDeviceName }, targetUid = w.B.AccountUid })],
        ["DELETE /api/v1/sharing/devices/{productKey}/{deviceName}/{accountUid}"] = w =>
            [RestChange(Delete, $"/api/v1/sharing/devices/{w.ReleasedProductKey}/{w.AuthorizedDeviceName}/{w.C.AccountUid}")],
        ["GET /api/v1/sharing/products"] = w => [RestList("/api/v1/sharing/products", PageItems)],
        ["DELETE /api/v1/sharing/products/{productKey}/{accountUid}"] = w => [RestChange(Delete, $"/api/v1/sharing/products/{w.ReleasedProductKey}/{w.C.AccountUid}")],
        ["GET /api/v1/sharing/public-pool"] = w => [RestList("/api/v1/sharing/public-pool", PageItems)],
        ["POST /api/v1/sharing/public-pool"] = w => [RestChange(Post, "/api/v1/sharing/public-pool", new { productKey = w.ProductKey, agreementAccepted = true })],
        ["GET /api/v1/sharing/transfers"] = w => [RestList("/api/v1/sharing/transfers?type=outgoing", PageItems)],
        ["POST /api/v1/sharing/transfers"] = w => [RestChange(Post, "/api/v1/sharing/transfers",
            new { productKey = w.ProductKey, deviceNames = new[] { w.Device.DeviceName }, targetUid = w.B.AccountUid })],
        ["POST /api/v1/sharing/transfers/{transferId}/accept"] = w => [RestChange(Post, $"/api/v1/sharing/transfers/{w.TransferId}/accept")],
        ["POST /api/v1/sharing/transfers/{transferId}/decline"] = w => [RestChange(Post, $"/api/v1/sharing/transfers/{w.TransferId}/decline")],
        ["POST /api/v1/sharing/transfers/{transferId}/cancel"] = w => [RestChange(Post, $"/api/v1/sharing/transfers/{w.TransferId}/cancel")],
        ["GET /api/v1/id2/products"] = w => [RestList("/api/v1/id2/products", ArrayItems)],
        ["GET /api/v1/id2/products/{productKey}"] = w => [RestLookup($"/api/v1/id2/products/{w.Id2ProductKey}")],
        ["GET /api/v1/id2/products/{productKey}/identities"] = w => [RestLookup($"/api/v1/id2/products/{w.Id2ProductKey}/identities")],
        ["GET /api/v1/id2/products/{productKey}/batches"] = w => [RestLookup($"/api/v1/id2/products/{w.Id2ProductKey}/batches")],
        ["POST /api/v1/id2/products/{productKey}/batches"] = w => [RestChange(Post, $"/api/v1/id2/products/{w.Id2ProductKey}/batches", new { count = 1 })],
        ["GET /api/v1/id2/batches/{batchId}/export"] = w => [RestChange(Get, $"/api/v1/id2/batches/{w.Id2BatchId}/export")],
        ["GET /api/v1/id2/products/{productKey}/log"] = w => [RestLookup($"/api/v1/id2/products/{w.Id2ProductKey}/log")],
        ["POST /api/v1/batches"] = w => [RestChange(Post, "/api/v1/batches", new { productKey = w.ProductKey, count = 1 })],
        ["GET /api/v1/batches/{applyId:long}"] = w => [RestLookup($"/api/v1/batches/{w.ApplyId}")],
        ["GET /api/v1/batches/{applyId:long}/devices"] = w => [RestLookup($"/api/v1/batches/{w.ApplyId}/devices")],
        ["GET /api/v1/groups"] = w => [RestList("/api/v1/groups?pageSize=100", PageItems)],
        ["POST /api/v1/groups"] = w => [RestChange(Post, "/api/v1/groups", new { name = Unique("Sub"), superGroupId = w.GroupId })],
        ["GET /api/v1/groups/{groupId}"] = w => [RestLookup($"/api/v1/groups/{w.GroupId}")],
        ["DELETE /api/v1/groups/{groupId}"] = w => [RestChange(Delete, $"/api/v1/groups/{w.GroupId}")],
        ["GET /api/v1/groups/{groupId}/devices"] = w => [RestLookup($"/api/v1/groups/{w.GroupId}/devices")],
        ["POST /api/v1/groups/{groupId}/devices"] = w =>
            [RestChange(Post, $"/api/v1/groups/{w.GroupId}/devices", new { devices = new[] { new { productKey = w.ProductKey, deviceName = w.Device.DeviceName } } })],
        ["DELETE /api/v1/groups/{groupId}/devices"] = w =>
            [RestChange(Delete, $"/api/v1/groups/{w.GroupId}/devices", new { devices = new[] { new { productKey = w.ProductKey, deviceName = w.Device.DeviceName } } })],
        ["POST /api/v1/distribution/jobs"] = w =>
            [RestChange(Post, "/api/v1/distribution/jobs", new { productKey = w.ProductKey, targetInstanceId = AccessWorld.Elsewhere })],
        ["POST /api/v1/distribution/jobs/csv"] = w =>
        [
            new(Post, $"/api/v1/distribution/jobs/csv?productKey={w.ProductKey}&targetInstanceId={AccessWorld.Elsewhere}",
                () => new StringContent("DeviceName\n" + w.Device.DeviceName + "\n", Encoding.UTF8, "text/csv"), Owner: false),
        ],
        ["GET /api/v1/distribution/jobs"] = w => [RestList("/api/v1/distribution/jobs", ArrayItems), RestList($"/api/v1/distribution/jobs?productKey={w.ProductKey}", ArrayItems)],
        ["GET /api/v1/distribution/jobs/{jobId}"] = w => [RestLookup($"/api/v1/distribution/jobs/{w.JobId}")],
        ["GET /api/v1/distribution/jobs/{jobId}/result.csv"] = w => [RestLookup($"/api/v1/distribution/jobs/{w.JobId}/result.csv")],
        ["POST /api/v1/distribution/jobs/{jobId}/retry"] = w => [RestChange(Post, $"/api/v1/distribution/jobs/{w.JobId}/retry")],
        ["DELETE /api/v1/distribution/jobs/{jobId}"] = w => [RestChange(Delete, $"/api/v1/distribution/jobs/{w.JobId}")],
        ["GET /api/v1/notifications"] = w => [RestList("/api/v1/notifications", ArrayItems)],
        // Keys and console users: another account's are not found; B's own list holds none of A's.
        ["GET /api/v1/accounts/me/access-keys"] = w =>
            [RestList("/api/v1/accounts/me/access-keys", r => r.EnumerateArray().Count(k => k.Str("accessKeyId") == ThingyardServer.AdminKeyId))],
        ["PATCH /api/v1/accounts/me/access-keys/{accessKeyId}"] = w =>
            [RestChange(Patch, $"/api/v1/accounts/me/access-keys/{ThingyardServer.AdminKeyId}", new { enabled = false })],
        ["DELETE /api/v1/accounts/me/access-keys/{accessKeyId}"] = w => [RestChange(Delete, $"/api/v1/accounts/me/access-keys/{ThingyardServer.AdminKeyId}")],
        ["GET /api/v1/accounts/me/users"] = w => [RestList("/api/v1/accounts/me/users", ArrayItems)],
        ["PATCH /api/v1/accounts/me/users/{userId:long}"] = w => [RestChange(Patch, $"/api/v1/accounts/me/users/{w.UserId}", new { role = "viewer" })],
        ["DELETE /api/v1/accounts/me/users/{userId:long}"] = w => [RestChange(Delete, $"/api/v1/accounts/me/users/{w.UserId}")],
        // Mass production
        ["GET /api/v1/production/quota"] = w =>
            [RestList("/api/v1/production/quota", r => (int)r.At("allocated").GetInt64()), RestLookup($"/api/v1/production/quota?accountUid={w.AccountUid}")],
        ["POST /api/v1/production/batches"] = w => [RestChange(Post, "/api/v1/production/batches", new { productKey = w.ReleasedProductKey, count = 1 })],
        ["POST /api/v1/production/batches/csv"] = w =>
        [
            new(Post, $"/api/v1/production/batches/csv?productKey={w.ReleasedProductKey}",
                () => new StringContent("DeviceName\nintruder_6\n", Encoding.UTF8, "text/csv"), Owner: false),
        ],
        ["GET /api/v1/production/batches"] = w =>
            [RestList("/api/v1/production/batches", PageItems), RestLookup($"/api/v1/production/batches?productKey={w.ReleasedProductKey}")],
        ["GET /api/v1/production/batches/{batchId}"] = w => [RestLookup($"/api/v1/production/batches/{w.BatchId}")],
        ["GET /api/v1/projects/{projectId}/ops/{table}.csv"] = w => [RestLookup($"/api/v1/projects/{w.ProjectId}/ops/activations.csv")],
        ["GET /api/v1/production/batches/{batchId}/credentials.csv"] = w => [RestLookup($"/api/v1/production/batches/{w.BatchId}/credentials.csv")],
    };

    /// <summary>Routes that read or change no account's data, and why.</summary>
    static readonly Dictionary<string, string> RestNotAccountOwned = new()
    {
        ["POST /api/v1/accounts"] = "creates an account; the admin only (AccountIsolationTests)",
        ["POST /api/v1/accounts/me/access-keys"] = "adds an AccessKey to the caller's own account",
        ["POST /api/v1/accounts/me/users"] = "adds a console user to the caller's own account",
        ["POST /api/v1/projects"] = "creates a project in the caller's own account",
        ["GET /api/v1/sharing/authorized-products"] = "lists what other accounts authorized to the caller's own account (SharingRestTests: only the grantee sees it)",
        ["GET /api/v1/releases/queue"] = "the platform operator's queue across accounts; refused to every other caller (ReleaseTests)",
        ["POST /api/v1/releases/{productKey}/approve"] = "the platform operator's decision; refused to every other caller (ReleaseTests)",
        ["POST /api/v1/releases/{productKey}/reject"] = "the platform operator's decision; refused to every other caller (ReleaseTests)",
        ["GET /api/v1/distribution/template.csv"] = "a fixed template",
        ["GET /api/v1/thing-templates"] = "the shipped standard-feature catalogue, the same for every account",
        ["GET /api/v1/thing-templates/{categoryKey}"] = "the shipped standard-feature catalogue, the same for every account",
        ["GET /api/v1/modules"] = "the shipped module catalogue, the same for every account",
        ["POST /api/v1/distribution/auth-codes"] = "asks a peer instance to issue a code to one of its accounts; reads nothing of this instance",
        ["POST /api/v1/production/quota"] = "the platform operator's alone: every other caller is refused before anything is read (MassProductionTests)",
    };

    public static TheoryData<string> RestRouteNames => new(RestCases.Keys.Order(StringComparer.Ordinal));

    /// <summary>"METHOD /pattern" of every route under /api/v1, as the server mapped them.</summary>
    List<string> RestRoutes() =>
        world.Server.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText?.StartsWith("/api/v1", StringComparison.Ordinal) == true)
            .SelectMany(e => (e.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? ["*"])
                .Select(m => $"{m} {e.RoutePattern.RawText!.TrimEnd('/')}"))
            .Distinct().ToList();

    [Fact]
    public void Every_rest_route_is_checked_here_or_declared_not_account_owned()
    {
        var routes = RestRoutes();

        var uncovered = routes.Where(r => !RestCases.ContainsKey(r) && !RestNotAccountOwned.ContainsKey(r)).ToList();
        Assert.True(uncovered.Count == 0, "Add these routes to RestCases (another account must get 404 or an empty list), or to " +
            "RestNotAccountOwned with the reason they touch no account's data: " + string.Join(", ", uncovered));
        var stale = RestCases.Keys.Concat(RestNotAccountOwned.Keys).Except(routes).ToList();
        Assert.True(stale.Count == 0, "Not mapped (any more): " + string.Join(", ", stale) + "; mapped: " + string.Join(", ", routes));
        Assert.Empty(RestCases.Keys.Intersect(RestNotAccountOwned.Keys));
    }

    static async Task<(HttpStatusCode Status, string Text)> SendAsync(HttpClient http, RestCase c)
    {
        using var request = new HttpRequestMessage(c.Method, c.Path) { Content = c.Body?.Invoke() };
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        // A live stream (a device's messages) never ends: its status is the answer.
        if (response.Content.Headers.ContentType?.MediaType == "text/event-stream") return (response.StatusCode, "(a stream)");
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    [Theory]
    [MemberData(nameof(RestRouteNames))]
    public async Task Another_account_gets_not_found_or_nothing_from_the_rest_route(string route)
    {
        using var asB = world.Server.Rest(world.B.AccessKeyId, world.B.AccessKeySecret);
        using var asOwner = world.Server.Rest();
        foreach (var c in RestCases[route](world))
        {
            var what = $"{c.Method} {c.Path}";
            var (status, text) = await SendAsync(asB, c);

            if (c.Count is null)
            {
                Assert.True(status == HttpStatusCode.NotFound, $"{what}: B got {(int)status}: {text}");
                var title = JsonDocument.Parse(text).RootElement.Str("title");
                Assert.True(title.Contains("NotExisted", StringComparison.Ordinal), $"{what}: {title}");
                world.AssertNothingOfA(text, what, namesMayBeEchoed: true);
                if (c.Owner)
                {
                    var (ownerStatus, ownerText) = await SendAsync(asOwner, c);
                    Assert.True((int)ownerStatus is >= 200 and < 300, $"{what}: the owner got {(int)ownerStatus}: {ownerText}");
                }
            }
            else
            {
                Assert.True(status == HttpStatusCode.OK, $"{what}: B got {(int)status}: {text}");
                Assert.True(c.Count(JsonDocument.Parse(text).RootElement) == 0, $"{what}: B's list is not empty: {text}");
                world.AssertNothingOfA(text, what, namesMayBeEchoed: false);
                var (_, ownerText) = await SendAsync(asOwner, c);
                Assert.True(c.Count(JsonDocument.Parse(ownerText).RootElement) > 0, $"{what}: A's own list is empty, so the case proves nothing");
            }
        }
    }
}
