// An alarm rule: when one product's devices (all, one device, or the members of a device group) raise an alarm, at
// which severity, and whom to notify. The trigger is a numeric property crossing a threshold, or an event of type
// alert (one identifier, or any).
using Thingyard.Access;

namespace Thingyard.Alarms;

public enum AlarmSeverity { Critical = 1, Major = 2, Minor = 3, Info = 4 }

public enum AlarmTriggerKind { Property, Event }

public sealed class AlarmRule : IAccountOwned, IInProduct
{
    public long Id { get; set; }
    public long AccountId { get; set; }
    public long ProductId { get; set; }
    public required string ProductKey { get; set; }
    public required string Name { get; set; }
    public string? Description { get; set; }
    public AlarmSeverity Severity { get; set; } = AlarmSeverity.Major;
    public bool Enabled { get; set; } = true;
    /// <summary>Only this device (its row id), or null.</summary>
    public long? DeviceId { get; set; }
    public string? DeviceName { get; set; }
    /// <summary>Only members of this device group (its public GroupId), or null.</summary>
    public string? DeviceGroupId { get; set; }
    public AlarmTriggerKind TriggerKind { get; set; }
    /// <summary>The property, or the alert event; null for an event rule means any alert event.</summary>
    public string? Identifier { get; set; }
    /// <summary>Property rules: one of &gt; &gt;= &lt; &lt;= == !=.</summary>
    public string? Operator { get; set; }
    public double Threshold { get; set; }
    /// <summary>Property rules: how many values in a row must meet the condition before the alarm fires (1: the first).</summary>
    public int ConsecutiveCount { get; set; } = 1;
    /// <summary>Event rules: an alarm quiet this long (no new event) clears itself; 0 clears only by hand.</summary>
    public int ClearAfterSeconds { get; set; }
    public List<string> WebhookUrls { get; set; } = [];
    public List<string> EmailAddresses { get; set; } = [];
    /// <summary>Signs each webhook body (the outbox's X-Thingyard-Signature); never shown back.</summary>
    public string? WebhookToken { get; set; }
    public long CreatedAtMs { get; set; }
    public long UpdatedAtMs { get; set; }
}
