// What a notification says about an alarm that fired or cleared: one object, rendered as the webhook's JSON body and
// as the e-mail's subject and text, so both carry the same facts.
using System.Globalization;
using System.Text;
using System.Text.Json;
using Thingyard.Alarms;
using Thingyard.Server.Registry;

namespace Thingyard.Server.Alarms;

public sealed record AlarmNotice(long AccountId, long RuleId, string RuleName, IReadOnlyList<string> WebhookUrls, string? WebhookToken, IReadOnlyList<string> EmailAddresses,
    long AlarmId, string Event, AlarmSeverity Severity, AlarmState State, AlarmTriggerKind Trigger, string? Identifier, string? Value,
    string ProductKey, string DeviceName, string IotId, int Count, long TimeMs, string? Note)
{
    public static AlarmNotice Of(AlarmRule rule, Alarm a, string evt, long timeMs, string? note) =>
        new(a.AccountId, rule.Id, rule.Name, rule.WebhookUrls, rule.WebhookToken, rule.EmailAddresses, a.Id, evt, a.Severity, a.State, a.TriggerKind, a.Identifier,
            a.LastValue, a.ProductKey, a.DeviceName, a.IotId, a.Count, timeMs, note);

    public byte[] Json() => JsonSerializer.SerializeToUtf8Bytes(new
    {
        alarmId = AlarmId, @event = Event, ruleId = RuleId, ruleName = RuleName, severity = AlarmText.Name(Severity), state = AlarmText.Name(State),
        trigger = AlarmText.Name(Trigger), identifier = Identifier, value = Value, productKey = ProductKey, deviceName = DeviceName,
        iotId = IotId, count = Count, time = TimeMs, note = Note,
    });

    public string Subject => $"[Thingyard {AlarmText.Name(Severity)}] {RuleName} {Event} on {ProductKey}/{DeviceName}";

    public string Text()
    {
        var t = new StringBuilder();
        t.AppendLine(CultureInfo.InvariantCulture, $"Alarm {AlarmId} {Event}: {RuleName} (rule {RuleId})");
        t.AppendLine(CultureInfo.InvariantCulture, $"Severity: {AlarmText.Name(Severity)}");
        t.AppendLine(CultureInfo.InvariantCulture, $"State: {AlarmText.Name(State)}");
        t.AppendLine(CultureInfo.InvariantCulture, $"Device: {ProductKey}/{DeviceName} (IotId {IotId})");
        t.AppendLine(CultureInfo.InvariantCulture, $"Trigger: {AlarmText.Name(Trigger)} {Identifier ?? "(any alert event)"} = {Value}");
        t.AppendLine(CultureInfo.InvariantCulture, $"Occurrences: {Count}");
        t.AppendLine(CultureInfo.InvariantCulture, $"Time (UTC): {RpcTime.Utc(TimeMs)}");
        if (Note is not null) t.AppendLine(CultureInfo.InvariantCulture, $"Note: {Note}");
        return t.ToString();
    }
}
