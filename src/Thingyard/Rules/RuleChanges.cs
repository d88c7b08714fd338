// Tells the rules engine that an account's rules or actions changed, so it rebuilds what it runs.
namespace Thingyard.Rules;

public sealed class RuleChanges
{
    public event Action? Changed;

    public void Publish() => Changed?.Invoke();
}
