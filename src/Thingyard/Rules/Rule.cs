// A data forwarding rule (Alibaba's rules engine, 云产品流转): messages of one product's topic that its SQL selects go to
// its actions. The SQL is kept as the platform's API takes it, in parts (Select, Where, the topic); Sql joins them.
using Thingyard.Access;

namespace Thingyard.Rules;

public enum RuleStatus { Stopped = 0, Running = 1 }

public sealed class Rule : IAccountOwned
{
    /// <summary>TopicType: the product's thing-model and system topics (/sys/pk/dn/thing/...).</summary>
    public const int SystemTopic = 0;
    /// <summary>TopicType: the product's custom topics (/pk/dn/user/...).</summary>
    public const int CustomTopic = 1;
    /// <summary>TopicType: device status changes (/as/mqtt/status/pk/dn).</summary>
    public const int StatusTopic = 2;

    public long Id { get; set; }
    public long AccountId { get; set; }
    public long ProductId { get; set; }
    public required string ProductKey { get; set; }
    public required string Name { get; set; }
    public string? Description { get; set; }
    public int TopicType { get; set; }
    /// <summary>The topic after the ProductKey: ${deviceName}/topicShortName, "+" for every device.</summary>
    public required string ShortTopic { get; set; }
    /// <summary>The whole topic the rule reads (FROM), + and # allowed.</summary>
    public required string Topic { get; set; }
    public string? Select { get; set; }
    public string? Where { get; set; }
    /// <summary>JSON (the only kind this engine reads).</summary>
    public string DataType { get; set; } = "JSON";
    public RuleStatus Status { get; set; }
    public long CreatedAtMs { get; set; }
    public long ModifiedAtMs { get; set; }
    /// <summary>Messages its WHERE matched, deliveries its actions made and deliveries that failed, since it was created.</summary>
    public long MatchedCount { get; set; }
    public long ForwardedCount { get; set; }
    public long FailedCount { get; set; }
    public string? LastError { get; set; }
    public long LastErrorAtMs { get; set; }

    /// <summary>The statement the engine runs.</summary>
    public string Sql => ComposeSql(Select, Topic, Where);

    public static string ComposeSql(string? select, string topic, string? where) =>
        $"SELECT {select} FROM \"{topic}\"" + (string.IsNullOrWhiteSpace(where) ? "" : $" WHERE {where}");
}

/// <summary>Where a rule sends what it selects: REPUBLISH (a device topic), AMQP (a consumer group), WEBHOOK (an HTTPS
/// endpoint). An error action (ErrorActionFlag) gets instead the messages another action failed to deliver.</summary>
public sealed class RuleAction : IAccountOwned
{
    public long Id { get; set; }
    public long AccountId { get; set; }
    public long RuleId { get; set; }
    public required string Type { get; set; }
    /// <summary>The action's JSON configuration as the API takes it: {"topic":...}, {"groupId":...}, {"url":...,"token":...}.</summary>
    public required string Configuration { get; set; }
    public bool ErrorActionFlag { get; set; }
    public long CreatedAtMs { get; set; }
}
