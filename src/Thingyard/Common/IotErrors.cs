// Error codes from Alibaba's IoT error-code families, used verbatim so client code that switches on them keeps working.
namespace Thingyard.Common;

public static class IotErrors
{
    public const string SystemException = "iot.system.SystemException";
    public const string InvalidParameter = "iot.common.InvalidFormattedParameter";
    public const string InvalidPageParams = "iot.common.InvalidPageParams";
    public const string ProductNotFound = "iot.prod.NotExistedProduct";
    public const string ProductNameExists = "iot.prod.AlreadyExistedProductName";
    public const string InvalidProductName = "iot.prod.InvalidFormattedName";
    public const string ProductHasDevices = "iot.prod.ProductHasDevices";
    /// <summary>A released product's thing model is locked until the release is cancelled.</summary>
    /// <summary>A CategoryKey that is not in the thing-template catalogue.</summary>
    public const string CategoryNotFound = "iot.prod.NotExistedCategory";
    /// <summary>CopyThingModel between products of different categories.</summary>
    public const string CategoryMismatch = "iot.prod.CategoryMismatch";
    /// <summary>A ModuleId that is not in the certified-module catalogue.</summary>
    public const string ModuleNotFound = "iot.prod.NotExistedModule";
    public const string InvalidNodeType = "iot.prod.InvalidNodeType";
    public const string InvalidDataFormat = "iot.prod.InvalidDataFormat";
    public const string InvalidAuthType = "iot.prod.InvalidAuthType";
    public const string DeviceNotFound = "iot.device.NotExistedDevice";
    public const string DeviceNameExists = "iot.device.AlreadyExistedDeviceName";
    public const string InvalidDeviceName = "iot.device.InvalidFormattedDeviceName";
    public const string InvalidNickname = "iot.device.InvalidFormattedNickname";
    public const string DeviceCountExceeded = "iot.device.DeviceCountExceeded";
    public const string ApplyNotFound = "iot.device.NotExistedApply";
    public const string ApplyNotReady = "iot.device.ApplyStatusError";
    public const string InvalidProps = "iot.device.InvalidFormattedProps";
    public const string TooManyProps = "iot.device.TooManyProps";
    public const string GroupNotFound = "iot.group.NotExistedGroup";
    public const string GroupNameExists = "iot.group.AlreadyExistedGroupName";
    public const string InvalidGroupName = "iot.group.InvalidFormattedGroupName";
    public const string GroupHasSubGroups = "iot.group.GroupHasSubGroups";
    public const string InvalidTag = "iot.common.InvalidTag";
    public const string TslInvalid = "iot.tsl.InvalidTsl";
    public const string TslVersionNotFound = "iot.tsl.NotExistedVersion";
    public const string TslNotPublished = "iot.tsl.NotPublishedTsl";
    public const string TslFeatureExists = "iot.tsl.AlreadyExistedIdentifier";
    public const string TslFeatureNotFound = "iot.tsl.NotExistedIdentifier";
    public const string DeviceOffline = "iot.device.OfflineDevice";
    public const string DeviceDisabled = "iot.device.DeviceHasBeenDisabled";
    public const string PropertyNotWritable = "iot.tsl.PropertyNotWritable";
    public const string InvalidValue = "iot.tsl.InvalidFormattedValue";
    public const string ShadowVersionConflict = "iot.shadow.VersionConflict";
    public const string InvalidShadow = "iot.shadow.InvalidFormattedShadow";
    public const string ConfigNotFound = "iot.config.NotExistedConfigFile";
    public const string ProjectNotFound = "iot.project.NotExistedProject";
    /// <summary>An owner's operation asked for by an account a device (or product) is only authorized to.</summary>
    public const string AuthorizedToYou = "iot.authorization.OwnerOnlyOperation";
    /// <summary>No such device or product authorization.</summary>
    public const string AuthorizationNotFound = "iot.authorization.NotExistedAuthorization";
    /// <summary>A product authorization revoked while devices of it are still authorized.</summary>
    public const string ProductAuthorizationInUse = "iot.authorization.DevicesStillAuthorized";
    /// <summary>No such device transfer (or not one the caller is a side of).</summary>
    public const string TransferNotFound = "iot.transfer.NotExistedTransfer";
    /// <summary>The ID² management actions' "does not exist" (the ID² server API answers Alibaba's numbers: Id2Errors).</summary>
    public const string Id2NotFound = "iot.id2.NotExistedId2";
    public const string Id2BatchNotFound = "iot.id2.NotExistedBatch";
    /// <summary>A transfer that is accepted, declined, cancelled or expired.</summary>
    public const string TransferNotPending = "iot.transfer.TransferNotPending";
    /// <summary>A device already in a pending transfer, or a transfer that can no longer be carried out.</summary>
    public const string TransferPending = "iot.transfer.TransferConflict";
    /// <summary>An attempt to take a product out of the public pool.</summary>
    public const string PublicPoolIrreversible = "iot.authorization.PublicPoolIrreversible";
    /// <summary>Authorization and distribution on the same product or device.</summary>
    public const string AuthorizationConflictsWithDistribution = "iot.authorization.ConflictWithDistribution";

    public const string ProjectNameExists = "iot.project.AlreadyExistedProjectName";
    public const string InvalidProjectName = "iot.project.InvalidFormattedName";
    public const string ProjectInUse = "iot.project.ProjectInUse";
    public const string GrantNotFound = "iot.project.NotExistedAuthorization";
    public const string AccountNotFound = "iot.account.NotExistedAccount";
    public const string InvalidPanel = "iot.panel.InvalidPanel";
    public const string PanelNotFound = "iot.panel.NotExistedPanel";
    public const string ReleaseState = "iot.prod.InvalidReleaseState";
    public const string ReleaseChecksFailed = "iot.prod.ReleaseCheckFailed";
    public const string ReleaseNotPending = "iot.prod.NotExistedReleaseRequest";
    public const string ProductReleased = "iot.prod.ProductReleased";
    public const string ProductReadOnly = "iot.distribution.ReadOnlyProduct";
    public const string DeviceDistributed = "iot.distribution.DeviceDistributed";
    public const string InvalidTopic = "iot.messagebroker.InvalidFormattedTopicName";
    public const string ProductNotReleased = "iot.production.ProductNotReleased";
    public const string QuotaExceeded = "iot.production.QuotaExceeded";
    public const string TooManyNames = "iot.production.TooManyNames";
    public const string UploadTooLarge = "iot.production.UploadTooLarge";
    public const string NoValidName = "iot.production.NoValidDeviceName";
    public const string BatchNotFound = "iot.production.NotExistedBatch";
    // Server-side subscription (Alibaba documents no codes for these actions; these follow its families' naming).
    public const string ConsumerGroupNotFound = "iot.consumergroup.NotExistedConsumerGroup";
    public const string ConsumerGroupNameExists = "iot.consumergroup.AlreadyExistedGroupName";
    public const string InvalidConsumerGroupName = "iot.consumergroup.InvalidFormattedGroupName";
    /// <summary>DEFAULT_GROUP cannot be renamed or deleted.</summary>
    public const string DefaultConsumerGroup = "iot.consumergroup.DefaultGroupUnchangeable";
    /// <summary>A group still named by a subscription cannot be deleted.</summary>
    public const string ConsumerGroupInUse = "iot.consumergroup.ConsumerGroupInUse";
    public const string TooManyConsumerGroups = "iot.consumergroup.TooManyConsumerGroups";
    public const string SubscribeRelationNotFound = "iot.subscribe.NotExistedSubscribeRelation";
    public const string SubscribeRelationExists = "iot.subscribe.AlreadyExistedSubscribeRelation";
    /// <summary>Type=MNS (or anything but AMQP).</summary>
    public const string UnsupportedSubscribeType = "iot.subscribe.UnsupportedSubscribeType";
    /// <summary>More consumer groups than a subscription takes.</summary>
    public const string TooManySubscribeGroups = "iot.subscribe.TooManyConsumerGroups";
    /// <summary>Removing the only consumer group of a subscription.</summary>
    public const string LastSubscribeGroup = "iot.subscribe.LastConsumerGroup";
    /// <summary>A subscription with no message kind, or groups of another account than the product's.</summary>
    public const string InvalidSubscribeRelation = "iot.subscribe.InvalidSubscribeRelation";
    // Alarms (no Alibaba OpenAPI for these; the codes follow its families' naming).
    public const string AlarmRuleNotFound = "iot.alarm.NotExistedAlarmRule";
    public const string AlarmRuleNameExists = "iot.alarm.AlreadyExistedAlarmRuleName";
    /// <summary>A rule that does not fit the product's thing model or its own fields (a text property, a non-alert event, ...).</summary>
    public const string InvalidAlarmRule = "iot.alarm.InvalidAlarmRule";
    public const string AlarmNotFound = "iot.alarm.NotExistedAlarm";
    /// <summary>Acknowledging or clearing an alarm already cleared.</summary>
    public const string AlarmCleared = "iot.alarm.AlarmAlreadyCleared";
    // Webhook outbox (Thingyard's own).
    public const string DeadLetterNotFound = "iot.webhook.NotExistedDeadLetter";
    // Rules engine (the platform's iot.rule family).
    public const string RuleNotFound = "iot.rule.NotExistedRule";
    public const string RuleActionNotFound = "iot.rule.NotExistedRuleAction";
    public const string RuleNameExists = "iot.rule.AlreadyExistedRuleName";
    public const string InvalidRuleName = "iot.rule.InvalidFormattedRuleName";
    /// <summary>The SQL does not parse (the message gives the line and column).</summary>
    public const string InvalidRuleSql = "iot.rule.InvalidFormattedSql";
    public const string InvalidRuleTopic = "iot.rule.InvalidFormattedTopic";
    public const string InvalidRuleAction = "iot.rule.InvalidRuleActionConfiguration";
    public const string TooManyRules = "iot.rule.TooManyRules";
    public const string TooManyRuleActions = "iot.rule.TooManyRuleActions";
    /// <summary>StartRule on a rule with no SELECT yet.</summary>
    public const string RuleWithoutSql = "iot.rule.EmptySql";
    // Data parsing scripts (Alibaba documents none for these actions; these follow its families' naming).
    public const string ScriptNotFound = "iot.script.NotExistedScript";
    public const string ScriptExists = "iot.script.AlreadyExistedScript";
    /// <summary>Python_27, PHP_72 or an unknown ScriptType: only JavaScript runs here.</summary>
    public const string UnsupportedScriptType = "iot.script.UnsupportedScriptType";
    /// <summary>A script that does not parse, is too large or lacks the functions the product needs.</summary>
    public const string InvalidScript = "iot.script.InvalidScript";
    /// <summary>A script that failed on a message (thrown, timed out, over a limit, wrong return shape).</summary>
    public const string ScriptFailed = "iot.script.ScriptExecutionFailed";
    // Custom topic classes (Alibaba documents no codes for these actions; these follow its families' naming). A bad short
    // name is InvalidTopic.
    public const string TopicClassNotFound = "iot.topic.NotExistedTopicClass";
    public const string TopicClassExists = "iot.topic.AlreadyExistedTopicClass";
    public const string TooManyTopicClasses = "iot.topic.TooManyTopicClasses";
    /// <summary>Deleting or renaming one of the classes every product has (user/update, user/update/error, user/get).</summary>
    public const string DefaultTopicClass = "iot.topic.DefaultTopicClassUnchangeable";
}
