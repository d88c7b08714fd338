// Raised after an alarm rule is created, changed, enabled, disabled or deleted (the evaluator's rule cache drops what
// it holds), and after a user clears an alarm (the evaluator forgets it was open).
namespace Thingyard.Alarms;

public sealed class AlarmChanges
{
    public event Action? RulesChanged;
    public event Action<long, long>? AlarmCleared;

    public void Rules() => RulesChanged?.Invoke();

    /// <summary>The open alarm of <paramref name="ruleId"/> on <paramref name="deviceId"/> was cleared by a user.</summary>
    public void Cleared(long ruleId, long deviceId) => AlarmCleared?.Invoke(ruleId, deviceId);
}
