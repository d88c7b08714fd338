// One alarm: a rule fired for one device. While it is active or acknowledged, repeated triggers only count; once
// cleared (by its condition, its quiet period or a user) the next trigger opens a new alarm. Every state change is an
// AlarmEntry in its history.
using Thingyard.Access;

namespace Thingyard.Alarms;

public enum AlarmState { Active, Acknowledged, Cleared }

public sealed class Alarm : IAccountOwned, IInProduct
{
    public long Id { get; set; }
    public long AccountId { get; set; }
    public long ProductId { get; set; }
    public long RuleId { get; set; }
    public required string RuleName { get; set; }
    public long DeviceId { get; set; }
    public required string ProductKey { get; set; }
    public required string DeviceName { get; set; }
    public required string IotId { get; set; }
    public AlarmSeverity Severity { get; set; }
    public AlarmState State { get; set; }
    public AlarmTriggerKind TriggerKind { get; set; }
    public string? Identifier { get; set; }
    /// <summary>The value (property) or output (event) that last triggered it, as JSON.</summary>
    public string? LastValue { get; set; }
    /// <summary>Triggers while open: 1 when it fires, one more per repeat.</summary>
    public int Count { get; set; }
    public long FirstAtMs { get; set; }
    public long LastAtMs { get; set; }
    /// <summary>Event alarms with a quiet period: when it clears itself unless another event comes.</summary>
    public long? AutoClearAtMs { get; set; }
    public string? AcknowledgedBy { get; set; }
    public long? AcknowledgedAtMs { get; set; }
    public string? AcknowledgeNote { get; set; }
    public string? ClearedBy { get; set; }
    public long? ClearedAtMs { get; set; }
    public string? ClearNote { get; set; }
}

/// <summary>One state change of an alarm: fired (active), acknowledged or cleared, by whom and why.</summary>
public sealed class AlarmEntry
{
    public long Id { get; set; }
    public long AlarmId { get; set; }
    public AlarmState State { get; set; }
    public long AtMs { get; set; }
    /// <summary>The user or AccessKey, or "system" for the evaluator.</summary>
    public required string By { get; set; }
    public string? Note { get; set; }
}
